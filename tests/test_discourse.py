"""Discourse state: what carries from sentence to sentence, and how far. Articles written for these tests."""


def by(rows, *fields):
    return {tuple(r[f] for f in fields) for r in rows}


def test_a_sentence_naming_no_metric_continues_the_topic(read):
    rows = read("Năm 2023, chỉ số sản xuất toàn ngành công nghiệp tỉnh Hà Nam ước tăng 7,5%. "
                "Ngành chế biến, chế tạo tăng 8,1%; ngành khai khoáng giảm 2,3%.")
    assert by(rows, "sector", "metric", "status", "period_end") == {
        ("industry", "iip", "estimate", "2023-12"), ("C", "iip", "estimate", "2023-12"), ("B", "iip", "estimate", "2023-12")}


def test_rieng_speaks_for_its_own_sentence_only(read):
    rows = read("Chỉ số sản xuất công nghiệp tỉnh Bình Dương 5 tháng đầu năm 2024 ước tăng 6,7% so với cùng kỳ. "
                "Riêng tháng 5, chỉ số này tăng 9%. Ngành chế biến, chế tạo tăng 6,9%.")
    assert by(rows, "sector", "period_start", "period_end", "change_pct") == {
        ("industry", "2024-01", "2024-05", 6.7), ("industry", "2024-05", "2024-05", 9.0), ("C", "2024-01", "2024-05", 6.9)}


def test_nganh_nay_is_the_branch_last_named(read):
    rows = read("Năm 2021, ngành sản xuất kim loại của tỉnh Thái Nguyên tăng 15%; "
                "riêng tháng 12, ngành này tăng 20% so với cùng kỳ.")
    assert by(rows, "division", "period_start", "change_pct") == {("24", "2021-01", 15.0), ("24", "2021-12", 20.0)}


def test_linh_vuc_nay_reaches_back_into_a_sentence_without_figures(read):
    rows = read("Tỉnh Bắc Kạn ưu tiên phát triển công nghiệp chế biến, chế tạo. "
                "Năm 2020, giá trị tăng thêm của lĩnh vực này tăng 12%.")
    assert by(rows, "sector", "metric", "change_pct") == {("C", "value_added", 12.0)}


def test_cua_tinh_is_the_article_province_not_the_last_place_named(read):
    body = ("Đồng Nai: công nghiệp 9 tháng tăng khá\n"
            "Chỉ số sản xuất công nghiệp 9 tháng năm 2022 của tỉnh Đồng Nai ước tăng 9,1%, cao hơn mức tăng chung "
            "của cả nước (ước tăng 8,9%) và của TP.HCM (ước tăng 7,2%). Riêng tháng 9, IIP của tỉnh tăng 15%.")
    rows = read(body, title="Đồng Nai: công nghiệp 9 tháng tăng khá")
    assert by(rows, "geo_code", "period_start", "change_pct") == {
        ("75", "2022-01", 9.1), ("VN", "2022-01", 8.9), ("79", "2022-01", 7.2), ("75", "2022-09", 15.0)}


def test_national_scope_carries_into_its_breakdown(read):
    rows = read("Theo Tổng cục Thống kê, chỉ số sản xuất công nghiệp cả nước năm 2022 ước tăng 7,6%. "
                "Trong đó, ngành chế biến, chế tạo tăng 8%.")
    assert by(rows, "geo_code", "sector") == {("VN", "industry"), ("VN", "C")}


def test_a_new_paragraph_returns_to_the_article_province(read):
    body = ("Năm 2022, chỉ số sản xuất công nghiệp của tỉnh Phú Thọ tăng 9%, trong khi chỉ số của cả nước tăng 7,6%.\n"
            "Giá trị sản xuất công nghiệp năm 2022 đạt 5.000 tỷ đồng.")
    rows = read(body)
    assert ("25", "production_value") in by(rows, "geo_code", "metric")


def test_a_yearless_period_takes_the_topic_year_not_a_project_year(read):
    rows = read("Năm 2022, chỉ số sản xuất công nghiệp tỉnh Thừa Thiên Huế tăng 5%. "
                "Nhà máy mới dự kiến đi vào hoạt động từ năm 2024. "
                "Sản lượng bia 6 tháng cuối năm đạt 100 triệu lít.")
    assert ("bia", "2022-07", "2022-12") in by(rows, "product", "period_start", "period_end")


def test_a_metric_named_again_picks_up_its_own_thread(read):
    rows = read("Năm 2016, chỉ số sản xuất công nghiệp của tỉnh Khánh Hòa tăng 7,9% so với năm 2015. "
                "Giá trị sản xuất công nghiệp đạt 36.825 tỷ đồng. "
                "Chỉ số sản xuất ngành sản xuất đồ uống tăng 12,6%.")
    [drinks] = [r for r in rows if r["division"] == "11"]
    assert drinks["change_base"] == "previous_year"


def test_breakdowns_take_the_status_they_break_down_but_a_stock_is_actual(read):
    rows = read("Năm 2023, giá trị sản xuất công nghiệp tỉnh Ninh Bình ước đạt 100 tỷ đồng. "
                "Trong đó, ngành chế biến, chế tạo đạt 90 tỷ đồng. "
                "Lượng xi măng tồn kho còn khoảng 2 nghìn tấn.")
    assert by(rows, "sector", "metric", "status") == {
        ("industry", "production_value", "estimate"), ("C", "production_value", "estimate"), ("C", "inventory", "actual")}


def test_a_sentence_about_exports_stops_the_topic(read):
    rows = read("Năm 2023, chỉ số sản xuất công nghiệp tỉnh Bắc Ninh tăng 5%. "
                "Kim ngạch xuất khẩu đạt 48 tỷ USD. Tăng 10% so với năm trước.")
    assert by(rows, "metric", "change_pct") == {("iip", 5.0)}


def test_after_the_merger_a_former_province_keeps_its_old_code(read):
    rows = read("Tháng 9/2025, chỉ số sản xuất công nghiệp tỉnh Lào Cai tăng 12% so với cùng kỳ, "
                "trong đó khu vực tỉnh Yên Bái (cũ) tăng 9%.")
    assert by(rows, "geo_code", "geo_name", "change_pct") == {("15", "Lào Cai", 12.0), ("15", "Yên Bái", 9.0)}


def test_a_title_ranking_a_province_in_the_country_is_about_that_province(read):
    rows = read("Năm 2024, tăng trưởng kinh tế của tỉnh Bắc Giang ước đạt 13,85%, tiếp tục đứng đầu cả nước. "
                "Đây là năm thứ 2 liên tiếp Bắc Giang dẫn đầu.\n\n"
                "Trong năm 2024, khu vực công nghiệp - xây dựng ước tăng 17,75%.",
                title="Tỉnh này 2 năm liên tiếp tăng trưởng cao nhất cả nước")
    assert {(r["geo_code"], r["change_pct"]) for r in rows} == {("24", 17.75)}


def test_a_title_ranking_many_provinces_keeps_the_country(read):
    rows = read("Tính chung 6 tháng đầu năm 2025, chỉ số sản xuất công nghiệp ước tăng 9,2% so với cùng kỳ năm trước.\n\n"
                "Chỉ số của tỉnh Phú Thọ tăng 45,45%; tỉnh Bắc Giang tăng 30%; tỉnh Hà Nam tăng 20%.",
                title="Những địa phương nào có chỉ số sản xuất công nghiệp tăng cao nhất cả nước?")
    assert ("VN", 9.2) in {(r["geo_code"], r["change_pct"]) for r in rows}


def test_a_bulletin_whose_first_figure_is_the_countrys_is_national_whichever_paper_printed_it(read):
    rows = read("Báo Sài Gòn Giải Phóng\n\nTheo báo cáo, chỉ số sản xuất công nghiệp tháng 10/2025 của cả nước ước tăng 10,8%.\n\n"
                "Tính chung 10 tháng năm 2025, chỉ số ước tăng 9,2%.\n\nRiêng tại TPHCM, chỉ số 10 tháng tăng 7,5%.",
                title="Sản xuất công nghiệp duy trì xu hướng tăng trưởng")
    assert {(r["geo_code"], r["change_pct"]) for r in rows} == {("VN", 10.8), ("VN", 9.2), ("79", 7.5)}


def test_the_national_office_as_a_source_does_not_frame_the_paragraphs_after(read):
    rows = read("Cục Thống kê, Bộ Tài chính vừa công bố chỉ số sản xuất công nghiệp của Nghệ An 7 tháng năm 2025 tăng 15,8%, "
                "xếp thứ 6/34 tỉnh, thành phố trong cả nước.\n\nSản phẩm chủ lực đạt sản lượng cao: xi măng 5,3 triệu tấn.",
                title="Chỉ số sản xuất công nghiệp Nghệ An nằm trong top 6 cả nước")
    assert {(r["geo_code"], r["metric"]) for r in rows} == {("40", "iip"), ("40", "output")}


def test_nganh_nay_after_a_sentence_whose_cause_names_the_branch(read):
    rows = read("Hai tháng năm 2025, chỉ số sản xuất công nghiệp tỉnh Phú Thọ tăng 45%. Mức tăng mạnh chủ yếu nhờ sự bứt phá "
                "của ngành công nghiệp chế biến, chế tạo. Chỉ số sản xuất của ngành này tăng tới 48,5%.")
    assert {(r["sector"], r["change_pct"]) for r in rows} == {("industry", 45.0), ("C", 48.5)}


def test_a_sentence_announcing_products_makes_the_next_list_products(read):
    rows = read("Trong 6 tháng đầu năm 2022, một số sản phẩm công nghiệp chủ lực của thành phố Hải Phòng tăng cao so với cùng "
                "kỳ năm trước. Trong đó, cấu kiện nhà kim loại tăng 182,37%; máy thu hình tăng 149,32%.")
    assert {(r["product"], r["metric"], r["change_base"]) for r in rows} == {
        ("cấu kiện nhà kim loại", "output", "same_period_last_year"), ("máy thu hình", "output", "same_period_last_year")}
