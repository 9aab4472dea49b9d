"""Throw generated payloads and article texts at decode + parse: no crash, no hang. Long
sentences and run-on lines go through the ingest path, under the per-article parse budget."""
import json
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings, strategies as st

from flows.batch import process_records
from vnindustry.events import build_event
from vnindustry.reader import parse_article

FRAGMENTS = st.sampled_from([
    "Năm 2023", "10 tháng đầu năm", "quý II/2022", "tháng 5", "giá trị sản xuất công nghiệp", "chỉ số IIP",
    "tỉnh Hà Nam", "TP.HCM", "cả nước", "ước đạt", "tăng", "giảm", "gấp", "bằng", "so với cùng kỳ", "Trong đó,",
    "102.893,2 tỷ đồng", "3,4%", "2,1 lần", "39,2 triệu tấn", "khoảng", "hơn", "lĩnh vực này", "lần lượt", "xi măng",
    "thép cán các loại", ";", ":", ",", ".", "(", ")", "\n", " ", "đóng góp 3,74 điểm %", "kế hoạch", "phấn đấu",
    "khai khoáng", "chế biến, chế tạo", "sản lượng", "tồn kho", "70 -100%", "Views Today : 102", "…", "1.2.3,4",
])
TEXTS = st.one_of(st.lists(FRAGMENTS, max_size=40).map(" ".join), st.text(max_size=300))
# One sentence of 2-16 KB (no full stop), or a run-on line: figures glued by commas and "và".
LONG_TEXTS = st.tuples(
    st.lists(FRAGMENTS.filter(lambda f: f not in (".", "…", "\n")), min_size=3, max_size=30),
    st.sampled_from([" ", ", ", " và ", "; "]),
    st.integers(min_value=2_000, max_value=16_000),
).map(lambda t: (t[1].join(t[0]) + t[1]) * (t[2] // (len(t[1].join(t[0])) + len(t[1])) + 1))
COUNT = {"payloads": 0, "texts": 0, "long": 0}


def record(value: bytes) -> SimpleNamespace:
    return SimpleNamespace(topic="articles", partition=0, offset=0, key=b"k", value=value, headers=[])


@settings(max_examples=5000, deadline=2000, suppress_health_check=list(HealthCheck))
@given(st.one_of(
    st.binary(max_size=400),
    TEXTS.map(lambda t: t.encode("utf-8")),
    st.dictionaries(st.sampled_from(["schema_version", "article_id", "title", "body", "ingested_at", "url", "x"]),
                    st.one_of(st.none(), st.integers(), TEXTS, st.lists(st.integers(), max_size=3)), max_size=7)
    .map(lambda d: json.dumps(d).encode()),
))
def fuzz_payloads(payload):
    COUNT["payloads"] += 1
    batch = process_records([record(payload)])
    assert len(batch.articles) + len(batch.rejected) == 1


@settings(max_examples=5000, deadline=2000, suppress_health_check=list(HealthCheck))
@given(TEXTS, st.one_of(st.none(), st.dates().map(str)))
def fuzz_texts(body, published_at):
    COUNT["texts"] += 1
    for obs in parse_article({"article_id": "f", "body": body, "published_at": published_at}):
        assert body[obs.span[0]:obs.span[1]] == obs.evidence


@settings(max_examples=40, deadline=30_000, suppress_health_check=list(HealthCheck))
@given(LONG_TEXTS, st.sampled_from(["Năm 2023, ", "Tỉnh Hà Nam: ", ""]))
def fuzz_long_sentences(text, lead):
    COUNT["long"] += 1
    event = build_event("Bài dài", lead + text)
    batch = process_records([record(json.dumps(event, ensure_ascii=False).encode())])
    assert len(batch.articles) + len(batch.rejected) == 1
    for row in batch.observations:
        assert event["body"][row["span_start"]:row["span_end"]] == row["evidence"]


def test_ten_thousand_generated_payloads_and_texts_neither_crash_nor_hang():
    fuzz_payloads()
    fuzz_texts()
    fuzz_long_sentences()
    print(f"fuzz: {COUNT['payloads']} payloads through decode+parse, {COUNT['texts']} article texts through parse, "
          f"{COUNT['long']} long sentences and run-on lines through the budgeted ingest path")
    assert COUNT["payloads"] + COUNT["texts"] >= 10_000 and COUNT["long"] >= 40
