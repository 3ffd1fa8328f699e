"""Bulk ingestion of posts and e-papers (JSON Lines or CSV, gzip transparently)."""
