"""The squashed @v1.0.0 plan builds the same schema as the plan it replaced.

The plan before the baseline (commit 2f9b5e3: 99 changes, two reworks at @v0.2.0) is
materialised from git at test time, both plans are deployed into two fresh databases by the
Python layer, and the catalog fingerprints (lokdarpan_db.migrations.fingerprint, the revert-fidelity
machinery) must be identical once the constraint and index renames of the baseline are
applied to the old side. The seed rows of every product table must match too (timestamps
left out: they are the deploy's own now()).

DROP THIS TEST with the old plan at the next release (v1.1.0): from then on the released
history is pinned by sqitch itself (history is frozen after @v1.0.0).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from lokdarpan_db.migrations.engine import Deployer
from lokdarpan_db.migrations.fingerprint import diff, fingerprint

from ..conftest import ROOT, db_url

OLD_COMMIT = "2f9b5e3"

# Constraints and indexes that PostgreSQL named by default in the old plan and the baseline
# names by the convention (CONTRIBUTING.md: pk_/fk_/ck_/uq_/ix_). The only intended
# difference: same definition, new name. Old name -> new name.
RENAMES: dict[str, str] = {
    # names over 63 bytes, which PostgreSQL had truncated
    "uq_article_analysis_cache__article_uri__analysis_type__model_us": "uq_article_analysis_cache__uri__type__model",
    "ix_real_time_notification__recipient_user_id__status__created_a":
        "ix_real_time_notification__recipient__status__created_at",
    # PostgreSQL's default names
    "alert_pkey": "pk_alert",
    "alert_ward_name_fkey": "fk_alert__ward",
    "app_user_pkey": "pk_app_user",
    "author_pkey": "pk_author",
    "batch_pkey": "pk_batch",
    "budget_tracker_pkey": "pk_budget_tracker",
    "campaign_position_created_by_fkey": "fk_campaign_position__created_by",
    "campaign_position_evidence_fact_id_fkey": "fk_campaign_position__evidence_fact_id",
    "campaign_position_party_fkey": "fk_campaign_position__party",
    "campaign_position_pkey": "pk_campaign_position",
    "campaign_position_ward_name_fkey": "fk_campaign_position__ward_name",
    "concern_pkey": "pk_concern",
    "crisis_communication_log_approved_by_fkey": "fk_crisis_communication_log__approved_by",
    "crisis_communication_log_crisis_id_fkey": "fk_crisis_communication_log__crisis_id",
    "crisis_communication_log_pkey": "pk_crisis_communication_log",
    "crisis_communication_log_sent_by_fkey": "fk_crisis_communication_log__sent_by",
    "crisis_communication_log_ward_name_fkey": "fk_crisis_communication_log__ward_name",
    "crisis_event_alert_id_fkey": "fk_crisis_event__alert_id",
    "crisis_event_created_by_fkey": "fk_crisis_event__created_by",
    "crisis_event_pkey": "pk_crisis_event",
    "crisis_event_ward_crisis_id_fkey": "fk_crisis_event_ward__crisis_id",
    "crisis_event_ward_ward_name_fkey": "fk_crisis_event_ward__ward_name",
    "crisis_performance_metrics_crisis_id_fkey": "fk_crisis_performance_metrics__crisis_id",
    "crisis_performance_metrics_pkey": "pk_crisis_performance_metrics",
    "demographic_insight_created_by_fkey": "fk_demographic_insight__created_by",
    "demographic_insight_pkey": "pk_demographic_insight",
    "demographic_insight_reviewed_by_fkey": "fk_demographic_insight__reviewed_by",
    "demographic_insight_segment_id_fkey": "fk_demographic_insight__segment_id",
    "demographic_insight_ward_name_fkey": "fk_demographic_insight__ward_name",
    "election_pkey": "pk_election",
    "embedding_model_pkey": "pk_embedding_model",
    "embedding_store_pkey": "pk_embedding_store",
    "emotion_label_emotion_fkey": "fk_emotion_label__emotion",
    "emotion_label_pkey": "pk_emotion_label",
    "emotion_pkey": "pk_emotion",
    "engagement_pattern_pkey": "pk_engagement_pattern",
    "engagement_pattern_segment_id_fkey": "fk_engagement_pattern__segment_id",
    "engagement_pattern_ward_name_fkey": "fk_engagement_pattern__ward_name",
    "epaper_city_fkey": "fk_epaper__city",
    "epaper_party_fkey": "fk_epaper__party",
    "epaper_pkey": "pk_epaper",
    "fact_check_result_checked_by_fkey": "fk_fact_check_result__checked_by",
    "fact_check_result_fact_id_fkey": "fk_fact_check_result__fact_id",
    "fact_check_result_pkey": "pk_fact_check_result",
    "fact_check_result_ward_name_fkey": "fk_fact_check_result__ward_name",
    "geopolitical_report_pkey": "pk_geopolitical_report",
    "integrity_check_pkey": "pk_integrity_check",
    "issue_tracker_pkey": "pk_issue_tracker",
    "issue_tracker_ward_name_fkey": "fk_issue_tracker__ward_name",
    "knowledge_base_pkey": "pk_knowledge_base",
    "knowledge_base_verified_by_fkey": "fk_knowledge_base__verified_by",
    "knowledge_base_ward_name_fkey": "fk_knowledge_base__ward_name",
    "party_alias_party_fkey": "fk_party_alias__party",
    "party_alias_pkey": "pk_party_alias",
    "party_pkey": "pk_party",
    "performance_threshold_pkey": "pk_performance_threshold",
    "polling_station_pkey": "pk_polling_station",
    "polling_station_ward_name_fkey": "fk_polling_station__ward_name",
    "post_fingerprint_pkey": "pk_post_fingerprint",
    "real_time_notification_alert_id_fkey": "fk_real_time_notification__alert_id",
    "real_time_notification_crisis_id_fkey": "fk_real_time_notification__crisis_id",
    "real_time_notification_pkey": "pk_real_time_notification",
    "real_time_notification_recipient_user_id_fkey": "fk_real_time_notification__recipient_user_id",
    "real_time_notification_ward_name_fkey": "fk_real_time_notification__ward_name",
    "reject_batch_id_fkey": "fk_reject__batch_id",
    "reject_pkey": "pk_reject",
    "response_workflow_assigned_to_fkey": "fk_response_workflow__assigned_to",
    "response_workflow_crisis_id_fkey": "fk_response_workflow__crisis_id",
    "response_workflow_pkey": "pk_response_workflow",
    "result_ps_party_fkey": "fk_result_ps__party",
    "result_ps_total_election_id_fkey": "fk_result_ps_total__election_id",
    "result_ps_total_polling_station_id_fkey": "fk_result_ps_total__polling_station_id",
    "result_ward_agg_election_id_fkey": "fk_result_ward_agg__election_id",
    "result_ward_agg_party_fkey": "fk_result_ward_agg__party",
    "result_ward_agg_ward_name_fkey": "fk_result_ward_agg__ward_name",
    "sentiment_snapshot_dominant_emotion_fkey": "fk_sentiment_snapshot__dominant_emotion",
    "sentiment_snapshot_pkey": "pk_sentiment_snapshot",
    "sentiment_snapshot_ward_name_fkey": "fk_sentiment_snapshot__ward_name",
    "service_gap_analysis_pkey": "pk_service_gap_analysis",
    "service_gap_analysis_service_fkey": "fk_service_gap_analysis__service",
    "service_gap_analysis_ward_name_fkey": "fk_service_gap_analysis__ward_name",
    "system_metrics_pkey": "pk_system_metrics",
    "talking_points_generation_fact_fact_id_fkey": "fk_talking_points_generation_fact__fact_id",
    "talking_points_generation_fact_generation_id_fkey": "fk_talking_points_generation_fact__generation_id",
    "talking_points_generation_pkey": "pk_talking_points_generation",
    "talking_points_generation_template_id_fkey": "fk_talking_points_generation__template_id",
    "talking_points_generation_user_id_fkey": "fk_talking_points_generation__user_id",
    "talking_points_generation_ward_name_fkey": "fk_talking_points_generation__ward_name",
    "talking_points_template_created_by_fkey": "fk_talking_points_template__created_by",
    "talking_points_template_pkey": "pk_talking_points_template",
    "voter_segment_concern_concern_fkey": "fk_voter_segment_concern__concern",
    "voter_segment_concern_segment_id_fkey": "fk_voter_segment_concern__segment_id",
    "voter_segment_pkey": "pk_voter_segment",
    "voter_segment_ward_name_fkey": "fk_voter_segment__ward_name",
    "ward_assignment_ward_name_fkey": "fk_ward_assignment__ward_name",
    "ward_demographics_pkey": "pk_ward_demographics",
    "ward_demographics_ward_name_fkey": "fk_ward_demographics__ward_name",
    "ward_features_pkey": "pk_ward_features",
    "ward_features_ward_name_fkey": "fk_ward_features__ward_name",
    "ward_hour_party_party_fkey": "fk_ward_hour_party__party",
    "ward_hour_ward_name_fkey": "fk_ward_hour__ward",
    "ward_momentum_indicators_pkey": "pk_ward_momentum_indicators",
    "ward_momentum_indicators_ward_name_fkey": "fk_ward_momentum_indicators__ward_name",
    "ward_pkey": "pk_ward",
    "ward_profile_last_election_id_fkey": "fk_ward_profile__last_election_id",
    "ward_profile_last_winner_party_fkey": "fk_ward_profile__last_winner_party",
    "ward_profile_pkey": "pk_ward_profile",
    "ward_profile_ward_name_fkey": "fk_ward_profile__ward_name",
    "ward_sentiment_timeseries_ward_name_fkey": "fk_ward_sentiment_timeseries__ward_name",
}

# Every SECURITY DEFINER function now lists pg_temp last in its search_path (CONTRIBUTING.md:
# otherwise pg_temp is searched first and a caller's temporary table or function could stand
# in for a catalog one). The old plan's definitions are compared with pg_temp appended.
_DEFINER_PATH = re.compile(r"^( SET search_path TO .*?)(?<!'pg_temp')$", re.M)

# Comments inside function bodies (part of the definition) that named changes the baseline
# removed: old text -> new text.
BODY_EDITS = {
    "-- closed months rewritten in their policy's order (core/partition_order)":
        "-- closed months rewritten in their policy's order (core.order_closed_partitions)",
}

# Any other difference would be listed here with its reason; there is none.
ALLOWED: set[str] = set()

# Tables whose rows the deploy writes as a log of itself, not as seed data: the event trigger
# of audit/grant_audit records every GRANT/REVOKE the later changes run, and the baseline runs
# fewer (the grants on the day rollups and the author tables are one statement now).
NOT_SEED = {"audit.audit_log"}


@pytest.fixture(scope="module")
def old_plan(tmp_path_factory) -> Path:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history of the repository (the old plan is read from commit "
                    f"{OLD_COMMIT})")
    have = subprocess.run([git, "cat-file", "-e", f"{OLD_COMMIT}^{{commit}}"], cwd=ROOT,
                          capture_output=True)
    if have.returncode != 0:
        pytest.skip(f"commit {OLD_COMMIT} is not in this clone (shallow?): fetch it to run the test")
    out = tmp_path_factory.mktemp("old_plan")
    archive = subprocess.run([git, "archive", OLD_COMMIT, "sqitch.plan", "sqitch.conf", "sql"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    assert (out / "sql" / "deploy" / "analytics" / "rollup@v0.2.0.sql").exists()
    return out


def _rows_without_timestamps(conn) -> dict[str, list[str]]:
    """Table -> sorted rows (text) of every product table, timestamp columns left out."""
    tables = conn.execute("""
        select c.oid::regclass::text,
               string_agg(quote_ident(a.attname), ', ' order by a.attnum)
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where c.relkind in ('r', 'p') and not c.relispartition
           and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'lokdarpan_meta',
                                 'sqitch', 'public', 'extensions')
           and a.atttypid not in ('timestamptz'::regtype, 'timestamp'::regtype)
         group by c.oid""").fetchall()
    out = {}
    for table, cols in tables:
        rows = conn.execute(f"select ({cols})::text from {table}").fetchall()  # noqa: S608 (catalog names)
        out[table] = sorted(r[0] for r in rows)
    return out


def _definer_with_pg_temp(row: str) -> str:
    head, sep, body = row.partition("AS $")
    if "SECURITY DEFINER" not in head:
        return row
    return _DEFINER_PATH.sub(r"\1, 'pg_temp'", head) + sep + body


def _renamed(fp: dict[str, list[str]]) -> dict[str, list[str]]:
    """The old fingerprint as the baseline means it: renames applied, pg_temp appended to the
    search_path of SECURITY DEFINER functions, the body comments edited."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, RENAMES)) + r")\b")
    out = {section: [pattern.sub(lambda m: RENAMES[m.group(1)], row) for row in rows]
           for section, rows in fp.items()}
    out["functions"] = [_definer_with_pg_temp(row) for row in out["functions"]]
    for old, new in BODY_EDITS.items():
        out["functions"] = [row.replace(old, new) for row in out["functions"]]
    return {section: sorted(rows) for section, rows in out.items()}


@pytest.fixture(scope="module")
def both(admin_url, server_has_vector, old_plan):
    if not server_has_vector:
        pytest.skip("the test server has no pgvector")
    names = [f"ld_v1_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("old", "new")]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'create database "{name}"')
    old_url, new_url = (db_url(admin_url, n) for n in names)
    try:
        Deployer(old_url, old_plan).deploy()
        Deployer(new_url, ROOT).deploy(to="@v1.0.0")  # the baseline, not the changes added after it
        with psycopg.connect(old_url) as old, psycopg.connect(new_url) as new:
            yield ((fingerprint(old), _rows_without_timestamps(old)),
                   (fingerprint(new), _rows_without_timestamps(new)))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'drop database if exists "{name}" with (force)')


def test_baseline_builds_the_same_catalog(both):
    (old_fp, _), (new_fp, _) = both
    differences = [d for d in diff(_renamed(old_fp), new_fp, limit=10_000) if d not in ALLOWED]
    assert differences == [], "\n".join(differences[:40])


def test_every_rename_is_real(both):
    """Each listed rename names a constraint or index of the old plan, and the new name is
    the one the baseline uses (so the list cannot hide a dropped object)."""
    (old_fp, _), (new_fp, _) = both
    old_text, new_text = "\n".join(old_fp["constraints"] + old_fp["indexes"]), \
        "\n".join(new_fp["constraints"] + new_fp["indexes"])
    for old_name, new_name in RENAMES.items():
        assert re.search(rf"\b{old_name}\b", old_text), old_name
        assert not re.search(rf"\b{old_name}\b", new_text), old_name
        assert re.search(rf"\b{new_name}\b", new_text), new_name


def test_baseline_seeds_the_same_rows(both):
    (_, old_rows), (_, new_rows) = both
    assert old_rows.keys() == new_rows.keys()
    different = sorted(t for t in old_rows if old_rows[t] != new_rows[t] and t not in NOT_SEED)
    assert different == [], different
    assert len(new_rows["core.ward"]) == 145
