"""The reader's vocabulary: cue phrases per kind, kept as data (cues.csv), not literals."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from vnindustry.reader.text import search_form

HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def cues(kind: str) -> tuple[tuple[str, str, int], ...]:
    """(phrase in search form, value, weight) for one kind, longest phrase first."""
    with (HERE / "cues.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kind"] == kind]
    found = [(search_form(r["phrase"]), r["value"], int(r["weight"] or 0)) for r in rows]
    return tuple(sorted(found, key=lambda item: -len(item[0])))
