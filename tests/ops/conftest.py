from __future__ import annotations

import pytest

from ..audit.helpers import Roles


@pytest.fixture
def roles(db):
    r = Roles(db)
    try:
        yield r
    finally:
        r.drop_all()
