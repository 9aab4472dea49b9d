"""Clause structure: the units a sentence is cut into, on sentences written for these tests."""
from vnindustry.reader import clauses
from vnindustry.reader.lexicon import fold, scan
from vnindustry.reader.numbers import find_quantities
from vnindustry.reader.text import search_form


def units_of(text):
    search = search_form(text)
    tokens = list(scan(text, search, fold(text)))
    figures = [(q.start, q.end) for q in find_quantities(search) if q.kind != "bare"]
    return [(u.kind, text[u.start:u.end].strip(" ,;.")) for u in clauses.parse(0, len(text), search, tokens, figures)]


def test_semicolons_cut_the_main_line_into_segments():
    units = units_of("Ngành dệt tăng 5%; ngành may tăng 7%; ngành da giảm 2%.")
    assert [k for k, _ in units] == ["segment", "segment", "segment"]


def test_a_colon_makes_a_lead_and_its_items():
    units = units_of("Một số sản phẩm tăng khá: sợi 20 nghìn tấn, tăng 4%; vải 3 triệu m2, tăng 6%.")
    assert [k for k, _ in units] == ["lead", "item", "item"]
    assert units[0][1] == "Một số sản phẩm tăng khá"


def test_a_cause_clause_runs_to_the_next_boundary_not_through_the_next_statement():
    units = dict((k, t) for k, t in units_of(
        "Ngành điện giảm 3% do thiếu nước ở các hồ thủy điện, ngành nước tăng 4%."))
    assert units["cause"] == "do thiếu nước ở các hồ thủy điện"


def test_a_comma_inside_a_number_does_not_end_a_comparison():
    units = dict(units_of("IIP tăng 8,2%, cao hơn mức tăng 6,1% của cả nước."))
    assert units["comparison"] == "cao hơn mức tăng 6,1% của cả nước"


def test_brackets_and_dash_asides_are_units_of_their_own():
    units = units_of("Ngành chế biến – chiếm 80% toàn ngành – tăng 9% (cùng kỳ năm trước tăng 6%).")
    kinds = [k for k, _ in units]
    assert "aside" in kinds and "bracket" in kinds
    assert dict(units)["aside"].startswith("– chiếm 80% toàn ngành")


def test_a_dash_inside_a_name_is_not_an_aside():
    units = units_of("Khu vực công nghiệp – xây dựng tăng 7% và Bà Rịa – Vũng Tàu giảm 2%.")
    assert "aside" not in [k for k, _ in units]


def test_respectively_keeps_semicolon_separated_names_together():
    units = units_of("Các ngành khai khoáng; chế biến, chế tạo; sản xuất và phân phối điện lần lượt tăng 1%; 2% và 3%.")
    assert [k for k, _ in units] == ["respectively"]


def test_a_contrast_after_a_comma_starts_a_segment():
    units = units_of("Ngành điện tăng 14%, còn ngành chế biến, chế tạo tăng 8%.")
    assert [k for k, _ in units] == ["segment", "segment"]
    assert units[1][1].startswith("còn ngành chế biến")


def test_nhu_after_a_verb_opens_a_list_as_a_colon_would():
    units = units_of("Một số sản phẩm tăng cao so với cùng kỳ năm trước như tivi tăng 36,6%; thép cán tăng 25,2%.")
    assert [k for k, _ in units] == ["lead", "item", "item"]
    assert units[1][1] == "tivi tăng 36,6%"


def test_nhu_without_a_verb_before_it_or_as_a_comparison_is_not_a_list():
    assert [k for k, _ in units_of("Các sản phẩm như tivi, tủ lạnh tăng 6%.")] == ["segment"]
    assert [k for k, _ in units_of("Chỉ số tăng như cùng kỳ năm trước, đạt 6%.")] == ["segment"]


def test_a_concession_runs_to_its_but():
    units = dict(units_of("Năm 2024, dù nông nghiệp bị bão nhưng công nghiệp - xây dựng tăng 17,75%."))
    assert units["cause"] == "dù nông nghiệp bị bão"
