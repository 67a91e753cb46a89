// Plugins import only Tenant; they see Storage (and through it GRDB) for their own tables.
@_exported public import Storage
