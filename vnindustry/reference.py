"""Reference tables (provinces, sectors, divisions, products, units).

One copy lives in `dbt/seeds/` and serves both dbt (as seeds) and the reader (as gazetteers).
`VNINDUSTRY_REFERENCE_DIR` points elsewhere when the package is installed without the repo.
"""
from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    return Path(os.environ.get("VNINDUSTRY_REFERENCE_DIR", REPO_ROOT / "dbt" / "seeds"))


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one reference CSV (e.g. `provinces`), as read-only dicts."""
    path = reference_dir() / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def split_list(cell: str) -> list[str]:
    """Reference cells hold lists separated by `;`."""
    return [item.strip() for item in (cell or "").split(";") if item.strip()]
