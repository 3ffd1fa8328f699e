"""Benchmarks: one module per kind (``ingest``, ``query``, ``vector``), each with
``add_arguments(parser)`` and ``run(args) -> int``; ``lokdarpan-db bench KIND`` runs one and
writes its section of BENCHMARKS.md. Never imported by tests for timing assertions."""
