"""Reader behaviour on sentences written for these tests (not taken from the samples)."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from vnindustry.contract import PARSER_VERSION
from vnindustry.reader import parse_article


def key(o):
    return (o["geo_code"], o["period_start"], o["period_end"], o["sector"], o["division"], o["product"], o["metric"])


def test_value_change_status_and_province(read):
    [o] = read("Năm 2022, giá trị sản xuất công nghiệp tỉnh Hà Nam ước đạt 150.000,5 tỷ đồng, tăng 12,5% so với năm 2021.")
    assert key(o) == ("35", "2022-01", "2022-12", "industry", None, None, "production_value")
    assert (o["value"], o["unit"], o["change_pct"], o["change_base"], o["status"]) == (150000.5, "bn_vnd", 12.5, "previous_year", "estimate")
    assert o["geo_name"] == "Hà Nam" and o["parser_version"] == PARSER_VERSION


def test_breakdown_inherits_period_status_base_metric_and_place(read):
    rows = read(
        "Chỉ số sản xuất công nghiệp (IIP) của tỉnh Bình Dương quý II/2023 ước tăng 4,1% so với cùng kỳ. "
        "Trong đó, ngành khai khoáng giảm 2,5%; ngành chế biến, chế tạo tăng 4,6%; "
        "sản xuất và phân phối điện tăng 7%."
    )
    assert [(r["sector"], r["change_pct"]) for r in rows] == [("industry", 4.1), ("B", -2.5), ("C", 4.6), ("D", 7.0)]
    for r in rows:
        assert (r["metric"], r["geo_code"], r["period_start"], r["period_end"]) == ("iip", "74", "2023-04", "2023-06")
        assert (r["status"], r["change_base"]) == ("estimate", "same_period_last_year")


def test_two_bases_give_two_rows(read):
    rows = read("Tháng 3/2024, IIP toàn tỉnh Long An tăng 3,6% so với tháng trước và tăng 11,1% so với cùng kỳ năm trước.")
    assert {(r["change_base"], r["change_pct"]) for r in rows} == {("previous_period", 3.6), ("same_period_last_year", 11.1)}
    assert all(r["period_start"] == r["period_end"] == "2024-03" for r in rows)


def test_products_in_a_list_each_become_one_fact(read):
    rows = read(
        "Tỉnh Thanh Hóa năm 2020: một số sản phẩm chủ yếu tăng so với năm trước như xi măng đạt 12,5 triệu tấn, tăng 6%; "
        "bia các loại 150 triệu lít, giảm 3,2%; giày dép 80 triệu đôi, tăng 10%."
    )
    got = {(r["product"], r["sector"], r["value"], r["unit"], r["change_pct"]) for r in rows}
    assert got == {("xi măng", "C", 12.5e6, "tonne", 6.0), ("bia", "C", 150e6, "litre", -3.2), ("giày dép", "C", 80e6, "pair", 10.0)}
    assert all(r["metric"] == "output" and r["division"] is None for r in rows)


def test_product_change_only(read):
    [r] = read("Năm 2021, sản lượng xi măng của tỉnh Ninh Bình tăng 12% so với năm 2020.")
    assert (r["product"], r["metric"], r["value"], r["change_pct"], r["sector"]) == ("xi măng", "output", None, 12.0, "C")


def test_branch_figures_carry_their_division(read):
    rows = read("Trong 9 tháng năm 2023 của tỉnh Bắc Ninh, IIP tăng 5%. Trong đó, ngành sản xuất kim loại tăng 15,2%; ngành sản xuất đồ uống giảm 1%.")
    branches = [r for r in rows if r["division"]]
    assert {(r["division"], r["sector"], r["change_pct"], r["metric"]) for r in branches} == {("24", "C", 15.2, "iip"), ("11", "C", -1.0, "iip")}


def test_this_sector_resolves_to_the_sector_last_named(read):
    rows = read(
        "Công nghiệp khai khoáng là thế mạnh của tỉnh Quảng Ninh. "
        "Năm 2018, giá trị tăng thêm của lĩnh vực này tăng 7,2% so với năm trước."
    )
    assert [(r["sector"], r["metric"], r["change_pct"]) for r in rows] == [("B", "value_added", 7.2)]


def test_growth_contribution_and_plan_share(read):
    rows = read(
        "Năm 2022, khu vực công nghiệp và xây dựng của tỉnh Hải Dương tăng 9%, đóng góp 4,2 điểm phần trăm vào mức tăng GRDP. "
        "Giá trị sản xuất công nghiệp đạt 250.000 tỷ đồng, đạt 98,5% kế hoạch năm."
    )
    contribution = [r for r in rows if r["metric"] == "growth_contribution"]
    assert [(r["sector"], r["value"], r["unit"]) for r in contribution] == [("industry_construction", 4.2, "pp")]
    [pv] = [r for r in rows if r["metric"] == "production_value"]
    assert (pv["value"], pv["plan_pct"], pv["change_pct"]) == (250000.0, 98.5, None)


def test_index_forms(read):
    rows = read("Năm 2023, chỉ số sản xuất công nghiệp của tỉnh Yên Bái bằng 95% so với năm trước; sản lượng điện sản xuất gấp 3 lần.")
    assert {(r["metric"], r["change_pct"]) for r in rows} == {("iip", -5.0), ("output", 200.0)}


def test_national_figure_inside_a_provincial_article(read):
    rows = read(
        "Năm 2023, giá trị sản xuất công nghiệp của tỉnh Nghệ An tăng 8,1%. "
        "Cũng trong năm 2023, chỉ số sản xuất công nghiệp cả nước tăng 1,5%."
    )
    assert {(r["geo_code"], r["metric"]) for r in rows} == {("40", "production_value"), ("VN", "iip")}
    assert next(r for r in rows if r["geo_code"] == "VN")["geo_name"] == "Việt Nam"


def test_no_province_named_means_no_fact(read):
    """Precision first: a figure whose place the text never gives is not guessed into a province."""
    assert read("Năm 2019, giá trị sản xuất công nghiệp của tỉnh tăng 10,5% so với năm trước.") == []
    [r] = read("Năm 2019, giá trị sản xuất công nghiệp của tỉnh Hà Nam tăng 10,5% so với năm trước.")
    assert r["geo_code"] == "35"


def test_no_year_anywhere_means_no_fact_but_publication_date_gives_one(read):
    text = "Trong 6 tháng đầu năm, giá trị sản xuất công nghiệp tỉnh Lào Cai tăng 9%."
    assert read(text) == []
    [r] = read(text, published_at="2019-07-10")
    assert (r["period_start"], r["period_end"]) == ("2019-01", "2019-06")


def test_provinces_after_the_2025_merger_use_the_34_list(read):
    [r] = read("Tháng 9/2025, chỉ số sản xuất công nghiệp tỉnh Bắc Ninh tăng 20% so với cùng kỳ.")
    assert (r["geo_code"], r["geo_name"]) == ("24", "Bắc Ninh")
    [r] = read("Tháng 3/2025, chỉ số sản xuất công nghiệp tỉnh Bắc Ninh tăng 20% so với cùng kỳ.")
    assert r["geo_code"] == "27"


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2023, kim ngạch xuất khẩu của tỉnh Đồng Nai đạt 20 tỷ USD, tăng 5%.",
        "Năm 2023, tỉnh Đồng Nai thu hút 50 dự án FDI với tổng vốn đầu tư 1.000 tỷ đồng.",
        "Năm 2023, công nghiệp chế biến, chế tạo chiếm 74% giá trị sản xuất của tỉnh Đồng Nai.",
        "Giai đoạn 2016-2020, giá trị sản xuất công nghiệp tỉnh Đồng Nai tăng bình quân 9,5%/năm.",
        "Năm 2023, tổng mức bán lẻ hàng hóa của tỉnh Đồng Nai đạt 150.000 tỷ đồng.",
        "Năm 2023, trên địa bàn tỉnh Đồng Nai có 1.200 doanh nghiệp công nghiệp, tỷ lệ lấp đầy khu công nghiệp đạt 85%.",
        "Đường dây 500kV qua tỉnh Đồng Nai dài 120 km, khởi công năm 2023.",
    ],
)
def test_not_facts(read, text):
    assert read(text) == []


def test_a_figure_in_the_title_and_the_body_is_one_fact(read):
    body = ("Giá trị sản xuất công nghiệp tỉnh Nam Định năm 2022 tăng 11%\n"
            "Năm 2022, giá trị sản xuất công nghiệp tỉnh Nam Định tăng 11% so với năm trước.")
    rows = read(body, title=body.splitlines()[0])
    assert len([r for r in rows if r["metric"] == "production_value"]) == 1


def test_respectively_pairs_names_with_numbers(read):
    rows = read("Năm 2021, ngành khai khoáng, ngành chế biến, chế tạo và ngành sản xuất, phân phối điện của tỉnh Hà Tĩnh "
                "có chỉ số sản xuất lần lượt tăng 5,1%, 12,3% và 8,8%.")
    assert {(r["sector"], r["change_pct"]) for r in rows} == {("B", 5.1), ("C", 12.3), ("D", 8.8)}
    assert all(r["metric"] == "iip" for r in rows)


def test_boilerplate_is_ignored_and_spans_still_point_into_the_body(read):
    body = ("Chia sẻ: Facebook\nNăm 2020, giá trị sản xuất công nghiệp tỉnh Phú Thọ đạt 95.000 tỷ đồng.\n"
            "Views Today : 102\nĐT: 0210 3812 345")
    [r] = read(body)
    assert body[r["span"][0]:r["span"][1]] == r["evidence"]


def test_tone_placement_and_missing_diacritics_in_names(read):
    a = read("Năm 2020, giá trị sản xuất công nghiệp tỉnh Khánh Hoà tăng 4%.")
    b = read("Năm 2020, giá trị sản xuất công nghiệp tỉnh Khánh Hòa tăng 4%.")
    c = read("Năm 2020, giá trị sản xuất công nghiệp TP.HCM tăng 4%.")
    assert a[0]["geo_code"] == b[0]["geo_code"] == "56" and c[0]["geo_code"] == "79"


SENTENCES = st.sampled_from([
    "Năm 2021, giá trị sản xuất công nghiệp tỉnh Hà Nam đạt 100.000 tỷ đồng, tăng 5%.",
    "Trong đó, ngành chế biến, chế tạo tăng 6,2%; khai khoáng giảm 3%.",
    "Chia sẻ bài viết",
    "Sản lượng xi măng ước đạt 3,5 triệu tấn, tăng 2%.",
    "Tỉnh tiếp tục cải cách thủ tục hành chính.",
    "Quý II/2022, IIP tăng 7,5% so với cùng kỳ.",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(SENTENCES, min_size=1, max_size=8), st.sampled_from([" ", "\n", "\n\n"]))
def test_any_span_slices_its_evidence(sentences, sep):
    body = sep.join(sentences)
    for obs in parse_article({"article_id": "p", "body": body}):
        assert body[obs.span[0]:obs.span[1]] == obs.evidence
        assert re.search(r"\d", obs.evidence)


def test_place_names_holding_cue_words_are_not_cues(read):
    [r] = read("Năm 2021, giá trị sản xuất công nghiệp tỉnh Cao Bằng đạt 5.000 tỷ đồng.")
    assert (r["geo_code"], r["value"], r["change_pct"]) == ("04", 5000.0, None)
    [r] = read("Năm 2021, giá trị sản xuất công nghiệp thị xã Móng Cái tăng 12%.")
    assert r["geo_code"] == "22"


def test_metric_phrases_match_despite_tone_typos(read):
    [r] = read("Năm 2022, tốc độ tăng trương kinh tế khu vực công nghiệp tỉnh Hà Giang tăng 6,5% so với năm trước.")
    assert (r["metric"], r["sector"], r["change_pct"]) == ("value_added", "industry", 6.5)
    [r] = read("Năm 2022, gía trị sàn xuất công nghiệp tỉnh Hà Giang đạt 3.000 tỷ đồng.")
    assert (r["metric"], r["value"]) == ("production_value", 3000.0)
