"""Gold sets (the seeds' shared gold, copied to tests/fixtures, and the team's dev articles): every fact, no extra."""
import json
import unicodedata

import pytest

from conftest import FIXTURES, SEEDS
from vnindustry.events import build_event, split_title
from vnindustry.reader import parse_article

KEY = ("geo_code", "period_start", "period_end", "sector", "division", "metric")


def norm_product(p):
    if p is None:
        return None
    p = unicodedata.normalize("NFC", p).lower()
    for generic in ("các loại", "sản phẩm", "sản lượng"):
        p = p.replace(generic, " ")
    return " ".join(p.split()) or None


def matches(gold, pred):
    if any(str(gold.get(k)) != str(pred.get(k)) for k in KEY):
        return False
    if norm_product(pred.get("product")) not in {norm_product(x) for x in [gold.get("product")] + gold.get("product_aliases", [])}:
        return False
    for field, tolerance in (("value", 0.005), ("change_pct", 0)):
        if gold.get(field) is not None:
            if pred.get(field) is None or abs(gold[field] - pred[field]) > max(abs(gold[field]) * tolerance, 0.011):
                return False
    return True


def load(gold_path, articles):
    return [(json.loads(line), articles) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]


GOLD = load(FIXTURES / "gold_seeds.jsonl", SEEDS) + load(FIXTURES / "dev" / "gold.jsonl", FIXTURES / "dev" / "articles")


@pytest.mark.parametrize("entry, articles", GOLD, ids=[g["file"] for g, _ in GOLD])
def test_article_yields_exactly_its_gold(entry, articles):
    event = build_event(*split_title((articles / entry["file"]).read_text(encoding="utf-8")))
    predicted = [o.record() for o in parse_article(event)]
    left = list(predicted)
    for gold in entry["observations"]:
        hit = next((p for p in left if matches(gold, p)), None)
        assert hit is not None, f"missed {gold}"
        assert hit["status"] == gold["status"]
        assert hit["change_base"] == gold["change_base"]
        assert hit["bound"] == gold["bound"] and hit["plan_pct"] == gold["plan_pct"] and hit["price_basis"] == gold["price_basis"]
        left.remove(hit)
    assert left == [], f"extra facts: {left}"
