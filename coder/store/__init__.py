"""Storage: the schema, the database engine and migrations, and the event journal."""
