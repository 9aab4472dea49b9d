"""The Parquet export of the marts, for tools that read files (BI reads the lake itself).

Each export is a new generation folder, written in full, then `current` (a symbolic link) is
switched to it with one rename: a reader that resolves `current` once sees the old generation or
the new, never half. Each start (and each switch) removes what an interrupted export left and
every generation but the current one and the one before it.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from flows.lake import ALIAS, Lake, sql_string
from flows.staging import run

MART_SCHEMA = "marts"
GENERATIONS = "generations"
CURRENT = "current"
COMPLETE = "COMPLETE"  # written into a generation once every mart is in it, before the switch


def clean_leftovers(target: Path) -> None:
    """Drop half-written generations (no COMPLETE marker: an interrupted export) and pointer
    temporaries, and every complete generation but the current one and the one before it (a
    reader that resolved `current` just before a switch has a whole export's time to finish)."""
    current = (target / CURRENT).resolve() if (target / CURRENT).is_symlink() else None
    for link in target.glob(f".{CURRENT}.*"):
        link.unlink(missing_ok=True)
    complete = sorted((g for g in (target / GENERATIONS).glob("*") if (g / COMPLETE).exists()),
                      key=lambda g: (g / COMPLETE).stat().st_mtime)
    previous = [g for g in complete if g.resolve() != current][-1:]
    for generation in (target / GENERATIONS).glob("*"):
        if generation.resolve() != current and generation not in previous:
            shutil.rmtree(generation, ignore_errors=True)


def publish_marts(lake: Lake, target: Path) -> dict[str, int]:
    target.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    con = lake.connect(read_only=True)
    counts: dict[str, int] = {}
    try:
        run(con, "BEGIN TRANSACTION")  # every mart from the same snapshot
        snapshot = run(con, f"SELECT id FROM {ALIAS}.current_snapshot()")[0][0]
        generation = target / GENERATIONS / f"{snapshot:012d}-{uuid.uuid4().hex[:8]}"
        generation.mkdir(parents=True)
        tables = [row[0] for row in run(
            con,
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? "
            "AND table_type = 'BASE TABLE' ORDER BY 1",
            [ALIAS, MART_SCHEMA],
        )]
        for table in tables:
            source = f"{ALIAS}.{MART_SCHEMA}.{duckdb_identifier(table)}"
            run(con, f"COPY (SELECT * FROM {source}) TO {sql_string(str(generation / f'{table}.parquet'))} "
                     "(FORMAT parquet, COMPRESSION zstd)")
            counts[table] = run(con, f"SELECT count(*) FROM {source}")[0][0]
        run(con, "COMMIT")
    finally:
        con.close()
    (generation / COMPLETE).touch()
    pointer = target / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    os.symlink(Path(GENERATIONS) / generation.name, pointer)
    os.replace(pointer, target / CURRENT)
    clean_leftovers(target)
    return counts


def duckdb_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
