"""Index advice views against planted defects, and the product itself has none of the
defects that are rules (unindexed foreign keys, invalid indexes, partitions missing an index)."""

from __future__ import annotations


def test_the_product_breaks_no_index_rule(db):
    for view in ("fk_without_index", "invalid_index", "partition_missing_index", "duplicate_index"):
        assert db.execute(f"select * from ops.{view}").fetchall() == [], view


def test_planted_defects_are_reported(db):
    db.execute("create table pulse.t_parent (parent_id int primary key)")
    db.execute(
        "create table pulse.t_child (child_id int primary key, parent_id int references pulse.t_parent,"
        " other_id int references pulse.t_parent, a int, b int)"
    )
    db.execute("create index t_ix_other on pulse.t_child (other_id, a)")  # covers other_id
    db.execute("create index t_ix_a on pulse.t_child (a)")
    db.execute("create index t_ix_a2 on pulse.t_child (a)")
    db.execute("create index t_ix_ab on pulse.t_child (a, b)")
    db.execute("create unique index t_uq_b on pulse.t_child (b)")
    fk = db.execute("select columns from ops.fk_without_index where table_name = 't_child'").fetchall()
    assert fk == [("parent_id",)]
    dup = set(
        db.execute(
            "select redundant_index, covering_index, kind from ops.duplicate_index where table_name = 't_child'"
        ).fetchall()
    )
    assert ("t_ix_a2", "t_ix_a", "duplicate") in dup or ("t_ix_a", "t_ix_a2", "duplicate") in dup
    assert ("t_ix_a", "t_ix_ab", "overlapping") in dup and ("t_ix_a2", "t_ix_ab", "overlapping") in dup
    assert not any(r[0] == "t_uq_b" for r in dup)  # unique indexes enforce something
    unused = {r[0] for r in db.execute("select index_name from ops.unused_index where table_name = 't_child'")}
    assert {"t_ix_a", "t_ix_ab"} <= unused and "t_uq_b" not in unused
    # a partition that lacks its parent's index; the parent index is then invalid
    db.execute("create table pulse.t_part (at date not null, v int) partition by range (at)")
    db.execute("create table pulse.t_part_p1 (at date not null, v int)")
    db.execute(
        "alter table pulse.t_part attach partition pulse.t_part_p1 for values from ('2020-01-01') to ('2020-02-01')"
    )
    db.execute("create index t_part_ix_v on only pulse.t_part (v)")
    assert db.execute(
        "select partition_name from ops.partition_missing_index where parent_table = 't_part'"
    ).fetchall() == [("t_part_p1",)]
    assert db.execute("select index_name from ops.invalid_index where table_name = 't_part'").fetchall() == [
        ("t_part_ix_v",)
    ]
    db.execute("create index t_part_p1_ix_v on pulse.t_part_p1 (v)")
    db.execute("alter index pulse.t_part_ix_v attach partition pulse.t_part_p1_ix_v")
    assert (
        db.execute("select count(*) from ops.partition_missing_index where parent_table = 't_part'").fetchone()[0] == 0
    )
    assert db.execute("select count(*) from ops.invalid_index where table_name = 't_part'").fetchone()[0] == 0
    db.rollback()


def test_scans_of_partitioned_indexes_are_summed(db):
    before = {r[0] for r in db.execute("select index_name from ops.unused_index where table_name = 'post'")}
    listed = before
    assert "ix_post__city__created_at" in listed  # fresh database: never scanned
    assert not any(n.startswith("post_p") for n in listed)  # partitions roll up into the parent
    db.execute("set enable_seqscan = off")
    db.execute("set enable_bitmapscan = off")
    db.execute("select count(*) from core.post where city = 'Kapra' and created_at > now() - interval '1 day'")
    db.execute("select pg_stat_force_next_flush()")
    db.commit()
    after = {r[0] for r in db.execute("select index_name from ops.unused_index where table_name = 'post'")}
    # the scan happened on a partition's index; the parent index it belongs to is no longer unused
    assert len(after) == len(before) - 1 and after < before
