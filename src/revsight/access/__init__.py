"""Who may see and change what: visibility of records, permissions, API tokens."""
