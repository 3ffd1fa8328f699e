"""Plan reader, engine, bookkeeping, script parsing, catalog fingerprint and the schema reference."""
