"""Adoption of a live legacy LokDarpan application database: plan, capture, backfill, verify."""
