"""Deterministic synthetic data: demo posts, texts for the vector benchmark."""
