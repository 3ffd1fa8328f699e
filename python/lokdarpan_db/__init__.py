"""LokDarpan DB's Python layer: deploys the sqitch plan and operates the database.

Imports point one way, cli -> commands -> domain packages -> postgres -> base modules
(tests/static/test_layers.py enforces it):

    cli.py        the ``lokdarpan-db`` entry point: builds the parser, turns UserError into exit codes
    errors.py     every exit code and typed error
    console.py    all terminal output: messages, tables, progress, confirmations
    project.py    where the project (sqitch.conf, sqitch.plan, sql/) lives
    retry.py      retries with back-off
    commands/     argument parsing and printing only, one module per command group
    migrations/   plan reader, deployer (yoyo adapter), bookkeeping, script shape, catalog fingerprint
    postgres/     the embedded server, connections, streaming replication
    ingest/       bulk ingestion of posts and e-papers
    importers/    the content application's SQLite database
    ops/          backup and restore, health, partition maintenance
    reports/      the ward intelligence report
    synthetic/    deterministic demo posts, texts for the vector benchmark
    bench/        benchmarks and the BENCHMARKS.md writer
    live/         the live-traffic harness
"""
