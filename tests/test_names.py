"""Names: metrics, sections, branches and products as the text names them (sentences written
for these tests), and what a name says about the statement it opens."""
import pytest

from vnindustry.reader.lexicon import fold, scan
from vnindustry.reader.names import product_section, read_subject
from vnindustry.reader.text import Forms


def subject(text):
    forms = Forms.of(text)
    tokens = list(scan(forms.body, forms.search, forms.plain))
    return read_subject([(0, len(text))], tokens, forms)


@pytest.mark.parametrize("region, name, section", [
    ("Sản lượng than sạch sản xuất ước đạt ", "than sạch", "B"),
    ("giày, dép da ", "giày, dép da", "C"),
    ("xăng dầu các loại đạt ", "xăng dầu", "C"),
    ("Riêng muối biển chỉ đạt ", "muối biển", "B"),
    ("ghế có khung bằng gỗ ", "ghế có khung bằng gỗ", "C"),
    ("vải dệt từ sợi tổng hợp ", "vải dệt từ sợi tổng hợp", "C"),
    ("Theo Cục Thống kê, sản lượng xi-măng ước đạt ", "xi-măng", "C"),
    ("Trong tháng, điện thương phẩm đạt ", "điện thương phẩm", "D"),
    ("Đến cuối năm, lượng thép tồn kho của các doanh nghiệp còn khoảng ", "thép", "C"),
    ("Đá các loại ", "đá", "B"),
])
def test_products_are_named_as_written(region, name, section):
    found = subject(region)
    assert (found.product, found.product_section) == (name, section)


@pytest.mark.parametrize("region", [
    "Hà Nam đạt ",  # a province is never a product
    "sản xuất được ",  # the quantity comes before the name
    ", tiếp tục tăng ",
    "các doanh nghiệp dệt may ước sản xuất được ",  # who made it, not what
])
def test_words_that_name_no_product(region):
    assert subject(region).product is None


def test_a_single_plant_is_not_a_statistic():
    assert subject("Riêng Nhà máy Đạm Hà Bắc đã sản xuất ").not_fact
    assert subject("một nhà máy đường lớn đã ép ").not_fact
    assert not subject("các nhà máy đường đã ép ").not_fact


@pytest.mark.parametrize("region, sector, division", [
    ("ngành sản xuất và phân phối điện tăng ", "D", None),  # the longest phrase is the section
    ("sản xuất, phân phối điện tăng ", "D", None),
    ("cung cấp nước, xử lý rác thải tăng ", "E", None),
    ("công nghiệp – xây dựng tăng ", "industry_construction", None),
    ("ngành may mặc tăng ", None, "14"),
    ("ngành chế biến, bảo quản thủy sản tăng ", None, "10"),
    ("khai thác, xử lý và cung cấp nước tăng ", None, "36"),
])
def test_sections_and_branches_by_their_many_names(region, sector, division):
    found = subject(region)
    assert (found.sector, found.division) == (sector, division)


@pytest.mark.parametrize("region, metric", [
    ("chỉ số phát triển công nghiệp tăng ", "iip"),
    ("chỉ số sản xuất ngành dệt tăng ", "iip"),
    ("Tốc độ tăng trương kinh tế khu vực công nghiệp tăng ", "value_added"),  # tone typo
    ("gía trị sàn xuất đạt ", "production_value"),
    ("giá trị tăng thêm ngành công nghiệp tăng ", "value_added"),
])
def test_metrics_by_their_names_despite_tone_typos(region, metric):
    assert subject(region).metric == metric


def test_out_of_contract_words_mark_the_subject():
    assert subject("Kim ngạch xuất khẩu đạt ").not_fact
    assert subject("chỉ số tiêu thụ ngành chế biến tăng ").not_fact
    assert not subject("chỉ số sản xuất công nghiệp tăng ").not_fact


def test_sections_of_products_outside_the_catalogue_come_from_their_head_word():
    assert product_section(fold("tinh bột mì"))[0] == "C"
    assert product_section(fold("điện gió"))[0] == "D"
    assert product_section(fold("nước sạch"))[0] == "E"
    assert product_section(fold("quặng sắt"))[0] == "B"


def test_products_that_rise_together_are_each_a_row(read):
    rows = read("Chín tháng năm 2019, một số sản phẩm của tỉnh Hà Tĩnh tăng: thép thanh và phân urê cùng tăng 8,8%; "
                "xi măng tăng 5%.")
    assert {(r["product"], r["change_pct"]) for r in rows} == {("thép thanh", 8.8), ("phân urê", 8.8), ("xi măng", 5.0)}


def test_an_activity_measured_in_a_physical_unit_names_its_product(read):
    [r] = read("Bảy tháng năm 2025, tỉnh Ninh Bình khai thác đá xây dựng 2,2 triệu m3.")
    assert (r["product"], r["value"], r["unit"]) == ("đá xây dựng", 2.2e6, "m3")


def test_a_times_figure_in_a_bracket_belongs_to_the_item_before_it(read):
    rows = read("7 tháng năm 2025, sản lượng linh kiện của tỉnh Bắc Giang tăng mạnh: loa 12,5 triệu chiếc (gấp 2,4 lần), "
                "tai nghe 40 triệu chiếc (tăng 43%).")
    assert {(r["product"], r["change_pct"]) for r in rows} == {("loa", 140.0), ("tai nghe", 43.0)}


def test_a_branch_phrase_inside_a_product_name_is_the_product(read):
    rows = read("6 tháng đầu năm 2018, các sản phẩm chủ yếu của tỉnh Thái Bình tăng khá: quần áo may sẵn tăng 4,4%, "
                "phụ tùng xe có động cơ tăng 6,5%, thịt đông lạnh tăng 3,3%.")
    assert {(r["product"], r["metric"], r["division"]) for r in rows} == {
        ("quần áo may sẵn", "output", None), ("phụ tùng xe có động cơ", "output", None), ("thịt đông lạnh", "output", None)}


def test_a_product_name_may_join_two_long_names(read):
    [r] = read("Quý I/2019, một số sản phẩm của tỉnh Yên Bái giảm so với cùng kỳ: cao lanh và đất sét cao lanh khác giảm 12%.")
    assert (r["product"], r["sector"], r["change_pct"]) == ("cao lanh và đất sét cao lanh khác", "B", -12.0)


def test_a_branch_alias_without_a_branch_word_in_a_product_list_names_goods(read):
    rows = read("Trong tháng 02/2017, các sản phẩm công nghiệp chủ yếu của tỉnh Bình Dương tăng so với cùng kỳ như: "
                "mạch in khác (+132,9%), giường, tủ, bàn, ghế (+84,7%).")
    assert {(r["product"], r["division"], r["metric"]) for r in rows} == {
        ("mạch in khác", None, "output"), ("giường, tủ, bàn, ghế", None, "output")}


def test_a_branch_named_with_its_branch_word_stays_a_branch_even_among_products(read):
    rows = read("Năm 2021, một số sản phẩm của tỉnh Hà Giang tăng như: chế biến gỗ và sản phẩm từ gỗ tăng 58,56%; "
                "sản xuất giường, tủ, bàn, ghế tăng 10%.")
    assert {(r["division"], r["metric"]) for r in rows} == {("16", "iip"), ("31", "iip")}


def test_a_change_verb_glued_to_the_name_before_it(read):
    rows = read("11 tháng năm 2024, sản lượng một số sản phẩm chủ yếu của tỉnh Gia Lai tăng như:Đường tinh chếtăng 3,22%; "
                "tinh bột sắn tăng 21%.")
    assert {(r["product"], r["change_pct"]) for r in rows} == {("đường tinh chế", 3.22), ("tinh bột sắn", 21.0)}


def test_an_industry_word_inside_a_product_name_is_an_adjective(read):
    rows = read("4 tháng đầu năm 2025, một số sản phẩm của tỉnh Hải Dương tăng như: máy văn phòng khác tăng 61,2%; "
                "máy khâu công nghiệp tăng 56,5%.")
    assert {(r["product"], r["metric"], r["sector"]) for r in rows} == {
        ("máy văn phòng khác", "output", "C"), ("máy khâu công nghiệp", "output", "C")}
