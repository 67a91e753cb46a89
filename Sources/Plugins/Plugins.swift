// Built-in plugins live in one folder each.
