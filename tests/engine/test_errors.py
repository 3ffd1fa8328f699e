"""Error messages a user reads are one plain line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lokdarpan_db.errors import UserError
from lokdarpan_db.postgres.embedded import Cluster


def test_a_failing_server_binary_reports_its_last_line_not_a_list(tmp_path):
    cluster = Cluster(tmp_path / "pgdata", Path("/bin"))
    with pytest.raises(UserError) as err:
        cluster.run("sh", "-c", "echo first >&2; echo 'FATAL:  the last line' >&2; exit 3")
    assert str(err.value) == "sh -c echo first >&2; echo 'FATAL:  the last line' >&2; exit 3 failed (exit 3): FATAL:  the last line"


def test_a_silent_failure_says_so(tmp_path):
    with pytest.raises(UserError, match=r"^false  failed \(exit 1\): no output$"):
        Cluster(tmp_path / "pgdata", Path("/bin")).run("false")
