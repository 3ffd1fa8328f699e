"""Deploy and revert every change after core/post, one at a time, under live application traffic.
"""

from __future__ import annotations


def plan_target(plan, i: int) -> str:
    """A --to target naming exactly the i-th change of the plan (a reworked change's earlier
    occurrence is ``name@tag``: its bare name means the newest occurrence)."""
    c = plan.changes[i]
    if plan.index_of(c.change_id) == i:
        return c.change_id
    tag = min((t for t, ti in plan.tag_index.items() if ti >= i), key=lambda t: plan.tag_index[t])
    return f"{c.name}@{tag}"
