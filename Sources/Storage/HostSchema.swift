import GRDB
/// The host's own tables in every bot database.
///
/// - Important: Migrations are frozen once shipped; append new ones, never edit these.
enum HostSchema {
    /// The host's schema steps, in order; registered as they are named (`host.v1`, …).
    static let steps: [PluginMigration] = [
        PluginMigration("host.v1") { db in
            try db.create(table: "inbox") { t in
                t.primaryKey("update_id", .integer)
                t.column("lane", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("status", .text).notNull().defaults(to: InboxRecord.Status.pending.rawValue)
                t.column("error", .text)
                t.column("received_at", .double).notNull()
                t.column("handled_at", .double)
            }
            try db.create(index: "inbox_pending", on: "inbox", columns: ["status", "update_id"])

            try db.create(table: "broadcasts") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("text", .text).notNull()
                t.column("filter", .text).notNull()
                t.column("total", .integer).notNull()
                t.column("created_at", .double).notNull()
            }

            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("chat_id", .integer).notNull()
                t.column("update_id", .integer)
                t.column("broadcast_id", .integer).references("broadcasts")
                t.column("payload", .text).notNull()
                t.column("status", .text).notNull().defaults(to: OutboxRecord.Status.pending.rawValue)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("last_error", .text)
                t.column("created_at", .double).notNull()
                t.column("sent_at", .double)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["status", "id"])
            try db.create(index: "outbox_chat", on: "outbox", columns: ["chat_id", "status"])
            try db.create(index: "outbox_broadcast", on: "outbox", columns: ["broadcast_id", "status"])

            try db.create(table: "host_state") { t in
                t.primaryKey("key", .text)
                t.column("value", .any)
            }

            try db.create(table: "chats") { t in
                t.primaryKey("id", .integer)
                t.column("kind", .text).notNull()
                t.column("title", .text)
                t.column("username", .text)
                t.column("blocked", .boolean).notNull().defaults(to: false)
                t.column("first_seen", .double).notNull()
                t.column("last_seen", .double).notNull()
            }

            try db.create(table: "users") { t in
                t.primaryKey("id", .integer)
                t.column("is_bot", .boolean).notNull().defaults(to: false)
                t.column("first_name", .text).notNull()
                t.column("last_name", .text)
                t.column("username", .text)
                t.column("language_code", .text)
                t.column("first_seen", .double).notNull()
                t.column("last_seen", .double).notNull()
            }

            try db.create(table: "plugin_kv") { t in
                t.column("plugin", .text).notNull()
                t.column("key", .text).notNull()
                t.column("value", .blob).notNull()
                t.column("updated_at", .double).notNull()
                t.primaryKey(["plugin", "key"])
            }
        },
        PluginMigration("host.v2") { db in
            // The dashboard's traffic chart counts the last hour by these times.
            try db.create(index: "inbox_received_at", on: "inbox", columns: ["received_at"])
            try db.create(index: "outbox_sent_at", on: "outbox", columns: ["sent_at"])
        },
        PluginMigration("host.v3") { db in
            // A person's own time zone, when it differs from the bot's (`time_zone` in the manifest).
            try db.create(table: "user_time_zones") { t in
                t.primaryKey("user_id", .integer)
                t.column("time_zone", .text).notNull()
            }
        },
        PluginMigration("host.v4") { db in
            // Plugins' scheduled work ("run this for chat X at time T"), removed when it ran.
            try db.create(table: "scheduled_jobs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("plugin", .text).notNull()
                t.column("chat_id", .integer).notNull()
                t.column("key", .text).notNull()
                t.column("due_at", .double).notNull()
                t.column("payload", .text).notNull()
                t.uniqueKey(["plugin", "chat_id", "key"])
            }
            try db.create(index: "scheduled_jobs_due", on: "scheduled_jobs", columns: ["due_at", "id"])
        },
        PluginMigration("host.v5") { db in
            // How often handling an update or running a job began: one that stopped the host
            // every time (a crash, a hang ended by a kill) is given up after a few.
            try db.alter(table: "inbox") { t in t.add(column: "attempts", .integer).notNull().defaults(to: 0) }
            try db.alter(table: "scheduled_jobs") { t in t.add(column: "attempts", .integer).notNull().defaults(to: 0) }
        },
        PluginMigration("host.v6") { db in
            // A broadcast's messages pruned by retention, by outcome: its counts outlive its rows.
            try db.alter(table: "broadcasts") { t in
                t.add(column: "pruned_sent", .integer).notNull().defaults(to: 0)
                t.add(column: "pruned_failed", .integer).notNull().defaults(to: 0)
            }
            // Dead letters are pruned by age; this finds the old ones without a scan.
            try db.create(index: "outbox_status_created", on: "outbox", columns: ["status", "created_at"])
        },
    ]

    /// A migrator with every step of ``steps``.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in steps {
            migrator.registerMigration(step.identifier, migrate: step.migrate)
        }
        return migrator
    }
}
