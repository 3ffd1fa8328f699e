"""Imports from other applications' stores (the content application's SQLite database)."""
