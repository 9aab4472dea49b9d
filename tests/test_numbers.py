import pytest
from hypothesis import given, strategies as st

from vnindustry.reader.numbers import find_quantities, parse_vietnamese_number
from vnindustry.reader.text import search_form


@pytest.mark.parametrize(
    "text, value",
    [("102.893,2", 102893.2), ("575,8", 575.8), ("1.384", 1384), ("463.700", 463700), ("10", 10),
     ("1.000.000", 1e6), ("0,5", 0.5), ("3.6", 3.6)],
)
def test_vietnamese_grouping_and_decimals(text, value):
    assert parse_vietnamese_number(text) == pytest.approx(value)


def test_not_a_number_is_an_error():
    with pytest.raises(ValueError):
        parse_vietnamese_number("1.2.3,4,5")


def vietnamese(value: float, decimals: int) -> str:
    whole, _, frac = f"{value:.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return grouped + ("," + frac if frac else "")


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_any_formatted_number_parses_back(value, decimals):
    text = vietnamese(value, decimals)
    assert parse_vietnamese_number(text) == pytest.approx(float(f"{value:.{decimals}f}"), rel=1e-12, abs=1e-9)


def one(text: str):
    found = find_quantities(search_form(text))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("463.700 triệu đồng", 463.7, "bn_vnd"),
        ("60,2 ngàn tỷ đồng", 60200, "bn_vnd"),
        ("1,5 nghìn tỷ đồng", 1500, "bn_vnd"),
        ("39,2 triệu tấn", 39_200_000, "tonne"),
        ("12 tỉ đồng", 12, "bn_vnd"),
        ("2,5 triệu m3", 2_500_000, "m3"),
        ("1.250 triệu kWh", 1_250_000_000, "kwh"),
        ("3 GWh", 3_000_000, "kwh"),
        ("15 nghìn đôi", 15_000, "pair"),
        ("800 nghìn chiếc", 800_000, "piece"),
        ("450 kg", 0.45, "tonne"),
        ("12 triệu lít", 12_000_000, "litre"),
    ],
)
def test_scale_words_and_units(text, value, unit):
    q = one(text)
    assert (q.kind, q.unit) == ("amount", unit)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text, bound",
    [("hơn 5 tấn", "over"), ("trên 5 tấn", "over"), ("khoảng 5 tấn", "about"), ("xấp xỉ 5 tấn", "about"),
     ("gần 5 tấn", "under"), ("dưới 5 tấn", "under"), ("chưa đến 5 tấn", "under"), ("đạt 5 tấn", None)],
)
def test_bounds(text, bound):
    assert one(text).bound == bound


def test_percent_times_and_points():
    assert one("tăng 3,4%").kind == "percent"
    assert one("gấp 2,1 lần").kind == "times"
    assert one("đóng góp 3,74 điểm phần trăm").unit == "pp"


@pytest.mark.parametrize("text", ["từ 70 -100%", "3-4 cụm", "từ 5 đến 7 tấn", "trạm 220kV", "Km3", "1.712,64ha"])
def test_ranges_voltages_and_codes_state_no_amount(text):
    assert all(q.kind not in ("amount", "percent") for q in find_quantities(search_form(text)))
