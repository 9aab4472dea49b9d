import json

import pytest

from vnindustry.events import EventError, build_event, cloudevent_headers, decode_event, encode_event, split_title


def test_same_article_gets_the_same_id_and_nfc_body():
    decomposed = "Nam Đi\u0323nh\nGia\u0301 tri\u0323 sản xuất"
    a = build_event(*split_title(decomposed))
    b = build_event(*split_title(decomposed.replace("\n", "\n  ")))
    assert a["article_id"] == b["article_id"]
    assert a["body"] == "Nam Định\nGiá trị sản xuất"
    assert build_event("t", "x", url="https://a/1")["article_id"] == build_event("other", "y", url="https://a/1")["article_id"]


def test_dateline_fills_published_at():
    event = build_event("t", "Cập nhật 05/8/2017\nNội dung")
    assert event["published_at"] == "2017-08-05"


def test_round_trip_and_headers():
    event = build_event("Tiêu đề", "Nội dung", source="x.txt", published_at="2023-01-02")
    assert decode_event(encode_event(event)) == event
    headers = dict(cloudevent_headers(event))
    assert headers["ce_id"].decode() == event["article_id"] and headers["ce_specversion"] == b"1.0"
    assert headers["content-type"] == b"application/json" and headers["ce_type"]


@pytest.mark.parametrize(
    "raw, phase",
    [
        (b"not json", "decode"),
        (b"\xff\xfe\x00", "decode"),
        (None, "decode"),
        (json.dumps({"schema_version": 2}).encode(), "validate"),
        (json.dumps({"schema_version": 1, "article_id": "ab" * 8, "title": "t", "ingested_at": "2024-01-01T00:00:00"}).encode(), "validate"),
        (json.dumps({"schema_version": 1, "article_id": "ab" * 8, "title": "t", "body": 5, "ingested_at": "2024-01-01T00:00:00"}).encode(), "validate"),
        (json.dumps({"schema_version": 1, "article_id": "ab" * 8, "title": "t", "body": "a\x07b", "ingested_at": "2024-01-01T00:00:00"}).encode(), "validate"),
        (json.dumps([1, 2]).encode(), "validate"),
    ],
)
def test_bad_events_name_their_phase(raw, phase):
    with pytest.raises(EventError) as caught:
        decode_event(raw)
    assert caught.value.phase == phase and caught.value.reason


@pytest.mark.parametrize("value", ["2023-05-01xyz", "2023-05-01\n", "2023-13-45", "2023-02-29", "yesterday", "05/01/2023"])
def test_published_at_is_a_whole_real_date_on_both_sides(value):
    with pytest.raises(EventError, match="published_at"):
        build_event("t", "x", published_at=value)
    event = build_event("t", "x", published_at="2023-05-01")
    event["published_at"] = value  # what another producer could send
    with pytest.raises(EventError, match="published_at") as error:
        decode_event(encode_event(event))
    assert error.value.phase == "validate"


def test_an_iso_date_time_gives_its_date():
    assert build_event("t", "x", published_at="2023-05-01T23:10:00+07:00")["published_at"] == "2023-05-01"
