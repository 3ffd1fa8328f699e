"""PostgreSQL itself: the embedded server, connections, streaming replication."""
