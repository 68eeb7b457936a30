"""The event store: SQL tables, engines, migrations and the group-commit writer."""
