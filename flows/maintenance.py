"""Keep the lake small and fast: small batch files merged, inlined rows flushed to Parquet,
snapshots older than the retention expired (never the one the last mart build read, which the
next incremental build starts from), and the files nobody references any more deleted (those of
expired snapshots and merged files, and those a killed writer left behind)."""
from __future__ import annotations

from dataclasses import dataclass

from flows import lake as lakes
from flows import staging
from flows.lake import ALIAS, Lake

DEFAULT_RETENTION = "7 days"


@dataclass
class MaintenanceReport:
    files_before: int
    files_after: int
    snapshots_expired: int


def data_files(con) -> int:
    return staging.run(con, f"SELECT count(*) FROM __ducklake_metadata_{ALIAS}.ducklake_data_file WHERE end_snapshot IS NULL")[0][0]


def maintain(lake: Lake, retention: str = DEFAULT_RETENTION) -> MaintenanceReport:
    """`retention`: how long time travel reaches back (an interval: '7 days', '1 hour')."""
    con = staging.connect(lake)
    try:
        before = data_files(con)
        keep_from = staging.run(con, "SELECT max(snapshot) FROM transform.builds")[0][0] if _has_builds(con) else None
        old = [r[0] for r in staging.run(
            con, f"SELECT snapshot_id FROM {ALIAS}.snapshots() WHERE snapshot_time < now() - CAST(? AS INTERVAL) "
                 "AND snapshot_id < coalesce(?, 9223372036854775807) AND snapshot_id < (SELECT max(snapshot_id) FROM "
                 f"{ALIAS}.snapshots())", [retention, keep_from])]
        steps = [f"CALL ducklake_flush_inlined_data('{ALIAS}')", f"CALL ducklake_merge_adjacent_files('{ALIAS}')"]
        if old:
            steps.append(f"CALL ducklake_expire_snapshots('{ALIAS}', versions => [{', '.join(str(int(v)) for v in old)}])")
        steps.append(f"CALL ducklake_cleanup_old_files('{ALIAS}', older_than => now() - INTERVAL '1 hour')")
        # files of transactions that never committed (a killed writer): unreferenced, old enough
        steps.append(f"CALL ducklake_delete_orphaned_files('{ALIAS}', older_than => now() - INTERVAL '1 hour')")
        for step in steps:
            # its own transaction, without the commit fence: DuckLake keeps compaction apart from changes
            lakes.with_retries(lambda step=step: staging.in_turn(con, lambda: staging.run(con, step)), "lake maintenance")
        return MaintenanceReport(before, data_files(con), len(old))
    finally:
        con.close()


def _has_builds(con) -> bool:
    return bool(staging.run(con, "SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'transform' "
                                 "AND table_name = 'builds'", [ALIAS]))
