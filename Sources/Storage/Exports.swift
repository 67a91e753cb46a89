// Plugins write their own tables through GRDB; re-exporting it keeps the import graph
// Host → Plugins → Tenant → Storage while giving every layer the same `Database` type.
@_exported public import GRDB
