// What plugins see of Storage, and nothing more: the values they write or read (their schema
// steps, dates bound in their own tables, the bot's counters, a broadcast's filter and
// progress). The bot's store, its records and its transactions stay behind Tenant; a plugin
// reaches its own tables through ``PluginStorage`` and GRDB, which it imports itself.
@_exported public import struct Storage.PluginMigration
@_exported public import struct Storage.PluginMigrations
@_exported public import struct Storage.StoredDate
@_exported public import struct Storage.StoreStatus
@_exported public import struct Storage.BroadcastFilter
@_exported public import struct Storage.BroadcastProgress
@_exported public import struct Storage.PersonData
@_exported public import enum Storage.ExportedValue
