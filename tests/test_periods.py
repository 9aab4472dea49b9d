from datetime import date

import pytest
from hypothesis import given, strategies as st

from vnindustry.reader.periods import find_dateline, find_periods, resolve_year
from vnindustry.reader.text import search_form


def months(text: str, published=None, years=()):
    found = find_periods(search_form(text))
    assert found, text
    period = resolve_year(found[0], 0, list(years), published)
    return period.months() if period else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("năm 2023", ("2023-01", "2023-12")),
        ("10 tháng đầu năm 2021", ("2021-01", "2021-10")),
        ("sáu tháng đầu năm 2021", ("2021-01", "2021-06")),
        ("6 tháng năm 2020", ("2020-01", "2020-06")),
        ("quý I/2022", ("2022-01", "2022-03")),
        ("quý II năm 2022", ("2022-04", "2022-06")),
        ("quý 4/2019", ("2019-10", "2019-12")),
        ("tháng 1/2023", ("2023-01", "2023-01")),
        ("tháng 5 năm 2023", ("2023-05", "2023-05")),
        ("giai đoạn 2021-2025", ("2021-01", "2025-12")),
        ("nửa đầu năm 2024", ("2024-01", "2024-06")),
        ("6 tháng cuối năm 2024", ("2024-07", "2024-12")),
        ("từ đầu năm đến hết tháng 10/2022", ("2022-01", "2022-10")),
        ("hai quý đầu năm 2020", ("2020-01", "2020-06")),
    ],
)
def test_period_forms(text, expected):
    assert months(text) == expected


def test_yearless_period_takes_nearest_stated_year_then_publication_date():
    assert months("9 tháng đầu năm", years=[(500, 2018), (40, 2022)]) == ("2022-01", "2022-09")
    assert months("9 tháng đầu năm", published=date(2017, 10, 3)) == ("2017-01", "2017-09")
    assert months("tháng 5", published=date(2023, 6, 1)) == ("2023-05", "2023-05")


def test_no_year_anywhere_means_no_period():
    assert months("10 tháng đầu năm") is None


def test_relative_years_need_the_publication_date():
    assert months("năm nay", published=date(2024, 3, 1)) == ("2024-01", "2024-12")
    assert months("năm trước", published=date(2024, 3, 1)) == ("2023-01", "2023-12")
    assert months("năm trước", years=[(0, 2020)]) is None


def test_dateline():
    assert find_dateline(search_form("Cập nhật 05/8/2017 10:20")) == date(2017, 8, 5)
    assert find_dateline(search_form("Ngày 25-6")) is None


@given(st.integers(min_value=1995, max_value=2035), st.integers(min_value=1, max_value=12))
def test_month_forms_round_trip(year, month):
    assert months(f"tháng {month}/{year}") == (f"{year}-{month:02d}", f"{year}-{month:02d}")
    assert months(f"{month} tháng đầu năm {year}") == (f"{year}-01", f"{year}-{month:02d}")
