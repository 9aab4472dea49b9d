"""Read the lake as BI does: attached read-only, at its latest snapshot or as it was at a
snapshot id or a timestamp (DuckLake time travel)."""
from __future__ import annotations

from typing import Optional

from flows.lake import Lake


def query(lake: Lake, sql: str, at: Optional[str] = None) -> tuple[list[str], list[tuple]]:
    con = lake.connect(read_only=True, snapshot=at)
    try:
        result = con.execute(sql)
        columns = [d[0] for d in result.description or []]
        return columns, result.fetchall()
    finally:
        con.close()


def snapshots(lake: Lake, limit: int = 20) -> list[tuple]:
    """The latest snapshots: id, time and what changed (for choosing `--at`)."""
    con = lake.connect(read_only=True)
    try:
        return con.execute("SELECT snapshot_id, snapshot_time, changes FROM lake.snapshots() ORDER BY snapshot_id DESC LIMIT ?",
                           [limit]).fetchall()
    finally:
        con.close()
