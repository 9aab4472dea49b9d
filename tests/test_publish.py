"""The Parquet export is published as a whole (issue 10, item 9): a publish killed mid-copy
leaves the previous generation in place and readable, the next publish removes what it left,
and readers that resolve `current` once never see a mix or a missing file."""
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from tests_support import synthetic_articles
from test_transform import store
from flows.lake import Lake
from flows.publish_marts import CURRENT, GENERATIONS, publish_marts
from flows.transform import build

pytestmark = pytest.mark.e2e
SLOW_PUBLISH = """
import sys, time
from pathlib import Path
from flows import publish_marts
from flows.lake import Lake
real = publish_marts.run
def slow(con, sql, params=None):
    result = real(con, sql, params)
    if sql.startswith("COPY"):
        print("copied", flush=True)
        time.sleep(1)
    return result
publish_marts.run = slow
publish_marts.publish_marts(Lake.of(Path(sys.argv[1])), Path(sys.argv[2]))
"""


def generation_tables(target: Path) -> tuple[str, dict[str, int]]:
    """Resolve `current` once, then read every mart of that one generation."""
    generation = (target / CURRENT).resolve()
    return generation.name, {f.stem: duckdb.sql(f"select count(*) from '{f}'").fetchall()[0][0]
                             for f in sorted(generation.glob("*.parquet"))}


def test_a_publish_killed_mid_copy_leaves_the_previous_set_and_readers_never_see_a_mix(tmp_path):
    lake, target = Lake.at(tmp_path / "lake"), tmp_path / "published"
    store(lake, synthetic_articles(0, 20, "p"), 0)
    build(lake, tmp_path)
    first = publish_marts(lake, target)
    name, tables = generation_tables(target)
    models = {path.stem for path in (REPO / "dbt" / "models" / "marts").glob("*.sql")}
    assert tables == first and models <= set(tables)  # every mart, each with its row count

    store(lake, synthetic_articles(20, 20, "q"), 20)
    build(lake, tmp_path)
    child = subprocess.Popen([sys.executable, "-c", SLOW_PUBLISH, str(tmp_path / "lake"), str(target)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "copied" and child.stdout.readline().strip() == "copied"
    child.send_signal(signal.SIGKILL)  # two marts copied into the new generation
    child.wait(timeout=30)
    assert len(list((target / GENERATIONS).iterdir())) == 2  # the half-written generation is left behind...
    assert generation_tables(target) == (name, first)  # ...and readers still get the whole previous set
    assert duckdb.sql(f"select count(*) from '{target / CURRENT}/*.parquet'").fetchall()  # the glob reads too

    seen, errors, stop = [], [], threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                generation, counts = generation_tables(target)
                seen.append((generation, tuple(sorted(counts.items()))))
            except Exception as exc:  # a missing or half-written file
                errors.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        results = [publish_marts(lake, target) for _ in range(4)]
    finally:
        stop.set()
        thread.join(timeout=60)
    assert errors == [] and len(seen) > 10
    assert {counts for _, counts in seen} <= {tuple(sorted(first.items())), tuple(sorted(results[0].items()))}
    assert results[0]["fct_observations"] == 80 and first["fct_observations"] == 40
    kept = sorted(p.name for p in (target / GENERATIONS).iterdir())
    assert len(kept) == 2 and (target / CURRENT).resolve().name in kept  # the killed copy is gone, the previous kept
    assert not list(target.glob(f".{CURRENT}.*"))
    print(f"publish killed after 2 of {len(first)} marts: previous set (fct_observations {first['fct_observations']}) still current; "
          f"{len(seen)} reads during 4 publishes, 0 errors, 0 mixes; leftovers removed")
