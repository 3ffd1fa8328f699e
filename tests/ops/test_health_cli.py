"""lokdarpan-db health: prints one table and exits 8 on FAIL or CRITICAL, 0 otherwise."""

from __future__ import annotations

from lokdarpan_db.cli import main
from lokdarpan_db.errors import EXIT_HEALTH


def test_healthy_database_exits_zero(url, capsys):
    assert main(["health", "--db", url, "-q"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["section", "check", "status", "value", "detail"]
    for name in ("post_orphans", "ward_rls", "cache_hit_ratio", "slow_statements", "fk_without_index"):
        assert any(f" {name} " in f" {ln} " for ln in lines), name
    assert "0 FAIL/CRITICAL" in lines[-1]


def test_integrity_failure_exits_8(db, url, capsys):
    db.execute("alter table core.post disable trigger user")
    db.execute(
        "insert into core.post (created_at, city, text, fingerprint) values "
        "(now(), 'Atlantis', 'x', core.post_fingerprint('Atlantis', null, now(), 'x'))"
    )
    db.commit()
    assert main(["health", "--db", url]) == EXIT_HEALTH
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if ln.startswith("integrity") and " post_orphans " in ln)
    assert " FAIL " in row and "ward is missing: 1" in row


def test_critical_metric_exits_8_and_warn_does_not(db, url, capsys):
    db.execute(
        "update ops.performance_threshold set warn_at = 0, critical_at = 100 where metric_name = 'connection_usage'"
    )
    db.commit()
    assert main(["health", "--db", url, "-q"]) == 0  # WARN only
    assert " WARN " in capsys.readouterr().out
    db.execute("update ops.performance_threshold set critical_at = 0 where metric_name = 'connection_usage'")
    db.commit()
    assert main(["health", "--db", url, "-q"]) == EXIT_HEALTH


def test_errors_are_one_line(empty_db, url, capsys):
    assert main(["health", "--db", empty_db]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "deploy the plan first" in err[0]
    assert main(["health", "--db", url, "--slow-ms", "0"]) == 1
