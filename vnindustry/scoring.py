"""Score the reader against a gold set (the team's matching rule: same key, product or alias,
value within 0.5 %, change within 0.01; then the fields the key leaves out, for a strict score)."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article

KEY = ("geo_code", "period_start", "period_end", "sector", "division", "metric")
DETAIL = ("status", "change_base", "price_basis", "bound", "plan_pct", "unit")
GENERIC = ("các loại", "sản phẩm", "sản lượng")


def norm_product(product: Optional[str]) -> Optional[str]:
    if product is None:
        return None
    product = unicodedata.normalize("NFC", product).lower().strip()
    for generic in GENERIC:
        product = product.replace(generic, " ")
    return " ".join(product.split()) or None


def _close(gold: Optional[float], predicted: Optional[float], rel: float = 0.005, absolute: float = 0.011) -> bool:
    if gold is None:
        return True
    if predicted is None:
        return False
    return abs(gold - predicted) <= max(abs(gold) * rel, absolute)


def matches(gold: dict, predicted: dict) -> bool:
    if any(str(gold.get(k)) != str(predicted.get(k)) for k in KEY):
        return False
    names = {norm_product(x) for x in [gold.get("product")] + gold.get("product_aliases", [])}
    if norm_product(predicted.get("product")) not in names:
        return False
    return _close(gold.get("value"), predicted.get("value")) and _close(gold.get("change_pct"), predicted.get("change_pct"), 0, 0.011)


def detail_right(name: str, gold: dict, predicted: dict) -> bool:
    if name == "plan_pct":
        if gold.get(name) is None:
            return predicted.get(name) is None
        return _close(gold.get(name), predicted.get(name))
    return gold.get(name) == predicted.get(name)


@dataclass
class Score:
    matched: int = 0
    missed: int = 0
    extra: int = 0
    strict: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong_fields: list[str] = field(default_factory=list)

    def _ratio(self, hits: int) -> tuple[float, float, float]:
        predicted, gold = self.matched + self.extra, self.matched + self.missed
        precision = hits / predicted if predicted else 0.0
        recall = hits / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    @property
    def prf(self) -> tuple[float, float, float]:
        return self._ratio(self.matched)

    @property
    def strict_prf(self) -> tuple[float, float, float]:
        return self._ratio(self.strict)

    def summary(self) -> str:
        p, r, f = self.prf
        sp, sr, sf = self.strict_prf
        return (f"gold {self.matched + self.missed} predicted {self.matched + self.extra} matched {self.matched}: "
                f"precision {p:.3f} recall {r:.3f} f1 {f:.3f}; strict p {sp:.3f} r {sr:.3f} f1 {sf:.3f}")


def _brief(row: dict) -> str:
    return json.dumps({k: row.get(k) for k in KEY + ("product", "value", "change_pct")}, ensure_ascii=False)


def score_article(gold_rows: list[dict], predicted: list[dict], name: str, score: Score) -> None:
    left = list(predicted)
    for gold in gold_rows:
        hit = next((p for p in left if matches(gold, p)), None)
        if hit is None:
            score.missed += 1
            score.misses.append(f"{name}: {_brief(gold)}")
            continue
        score.matched += 1
        left.remove(hit)
        wrong = {k: [gold.get(k), hit.get(k)] for k in DETAIL if not detail_right(k, gold, hit)}
        if wrong:
            score.wrong_fields.append(f"{name}: {_brief(gold)} gold/predicted {json.dumps(wrong, ensure_ascii=False)}")
        else:
            score.strict += 1
    score.extra += len(left)
    score.extras.extend(f"{name}: {_brief(p)}" for p in left)


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_file(path: Path) -> list[dict]:
    """What the reader finds in a plain-text article (first line = title), as `extract` prints it."""
    event = build_event(*split_title(path.read_text(encoding="utf-8-sig")), source=str(path))
    return [o.record() for o in parse_article(event)]


def score_set(gold_path: Path, articles: Path, files: Optional[Iterable[str]] = None) -> Score:
    score = Score()
    for entry in load_gold(gold_path):
        if files is not None and entry["file"] not in files:
            continue
        score_article(entry["observations"], read_file(articles / entry["file"]), entry["file"], score)
    return score
