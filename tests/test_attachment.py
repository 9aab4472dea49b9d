"""Attachment: each figure takes its subject, period, place, status and base from its own unit
first, then the units that contain it; never from a comparison, cause or bracket it is not in.
Articles written for these tests."""


def rows_by(rows, *fields):
    return {tuple(r[f] for f in fields) for r in rows}


def test_a_comparison_with_the_country_is_a_national_row(read):
    rows = read("Năm 2023, chỉ số sản xuất công nghiệp của tỉnh Nam Định tăng 9,1%, cao hơn mức tăng 6,8% của cả nước.")
    assert rows_by(rows, "geo_code", "change_pct", "period_start", "period_end") == {
        ("36", 9.1, "2023-01", "2023-12"), ("VN", 6.8, "2023-01", "2023-12")}


def test_the_year_of_a_comparison_base_never_dates_the_figure(read):
    [r] = read("Tháng 9/2022, chỉ số sản xuất công nghiệp tỉnh Long An tăng 12% so với cùng kỳ năm 2021.")
    assert (r["period_start"], r["period_end"], r["change_base"]) == ("2022-09", "2022-09", "same_period_last_year")


def test_a_bracketed_change_belongs_to_the_figure_before_it(read):
    [r] = read("Năm 2020, sản lượng xi măng của tỉnh Ninh Bình đạt 2,1 triệu tấn (tăng 5,3%).")
    assert (r["product"], r["value"], r["change_pct"]) == ("xi măng", 2.1e6, 5.3)


def test_a_bracketed_prior_figure_is_its_own_actual_row_and_its_year_does_not_leak(read):
    rows = read("Năm 2022, chỉ số sản xuất công nghiệp tỉnh Bắc Giang ước tăng 20% so với năm trước (năm 2021 tăng 15%). "
                "Trong đó, ngành chế biến, chế tạo tăng 22%.")
    assert rows_by(rows, "sector", "period_start", "change_pct", "status") == {
        ("industry", "2022-01", 20.0, "estimate"), ("industry", "2021-01", 15.0, "actual"), ("C", "2022-01", 22.0, "estimate")}


def test_a_cause_in_a_lead_in_does_not_name_the_items(read):
    rows = read("Cả nước: năm 2022, chỉ số sản xuất công nghiệp ước tăng 7,6%. Một số địa phương có chỉ số tăng cao nhờ "
                "ngành chế biến, chế tạo tăng mạnh: Bắc Giang tăng 21%; Thái Nguyên tăng 9%.", title="Cả nước: năm 2022")
    provincial = [r for r in rows if r["geo_code"] != "VN"]
    assert rows_by(provincial, "geo_code", "sector", "metric", "change_pct") == {
        ("24", "industry", "iip", 21.0), ("19", "industry", "iip", 9.0)}


def test_a_quantity_before_its_name(read):
    [r] = read("Năm 2021, tỉnh Hà Tĩnh sản xuất được 1,2 triệu tấn thép, tăng 5%.")
    assert (r["product"], r["sector"], r["value"], r["change_pct"]) == ("thép", "C", 1.2e6, 5.0)


def test_two_changes_share_one_verb(read):
    rows = read("Tháng 3/2024, chỉ số sản xuất công nghiệp tỉnh Long An tăng 2,1% so với tháng trước và 9,4% so với cùng kỳ.")
    assert rows_by(rows, "change_pct", "change_base") == {(2.1, "previous_period"), (9.4, "same_period_last_year")}


def test_verbless_signed_changes_in_a_list(read):
    rows = read("Năm 2023, chỉ số sản xuất một số ngành của tỉnh Bình Dương: dệt +12,4%, sản xuất trang phục -3%.")
    assert rows_by(rows, "division", "change_pct") == {("13", 12.4), ("14", -3.0)}


def test_a_base_closing_a_coordination_speaks_for_every_change_in_it(read):
    rows = read("Năm 2024, tỉnh Hải Dương đặt mục tiêu chỉ số sản xuất công nghiệp tăng 8% và "
                "giá trị sản xuất công nghiệp tăng 9% so với năm 2023.")
    assert rows_by(rows, "metric", "change_base", "status", "period_start") == {
        ("iip", "previous_year", "target", "2024-01"), ("production_value", "previous_year", "target", "2024-01")}


def test_respectively_pairs_two_figures_per_item(read):
    rows = read("Năm 2022, xi măng và clanhke của tỉnh Thanh Hóa lần lượt đạt 12 triệu tấn và 5 triệu tấn, tăng 4% và 2%.")
    assert rows_by(rows, "product", "value", "change_pct") == {("xi măng", 12e6, 4.0), ("clanhke", 5e6, 2.0)}


def test_a_target_without_a_base_has_none(read):
    [r] = read("Năm 2024, tỉnh Quảng Ninh đặt mục tiêu chỉ số sản xuất công nghiệp tăng 9%.")
    assert (r["status"], r["change_base"]) == ("target", None)


def test_each_row_records_how_it_was_attached(read):
    rows = read("Năm 2022, chỉ số sản xuất công nghiệp tỉnh Nghệ An ước tăng 11,6% so với năm 2021. "
                "Trong đó, ngành chế biến, chế tạo tăng 12%.")
    head, breakdown = sorted(rows, key=lambda r: r["span"][0])
    assert head["attachment"]["period"] == "own" and head["attachment"]["place"] == "own"
    assert breakdown["attachment"]["period"] == "topic" and breakdown["attachment"]["status"] == "topic"
    assert breakdown["attachment"]["subject"] == "own"


def test_a_period_after_so_voi_is_a_base_whatever_its_words(read):
    rows = read("Chỉ số sản xuất công nghiệp 9 tháng năm 2016 của tỉnh Quảng Bình tăng 7,7% so với cùng kỳ. Trong đó: "
                "dệt tăng 4,4%; sản xuất da giảm 1,2% so với 9 tháng đầu năm 2015.")
    assert rows_by(rows, "period_start", "period_end") == {("2016-01", "2016-09")}


def test_running_totals_to_a_month_and_quarters_of_this_year(read):
    rows = read("Tính đến hết tháng 10/2023, chỉ số sản xuất công nghiệp tỉnh Phú Thọ tăng 7%. "
                "Quý II năm nay, giá trị sản xuất công nghiệp của tỉnh tăng 5%.", published_at="2023-11-05T00:00:00+07:00")
    assert rows_by(rows, "metric", "period_start", "period_end") == {
        ("iip", "2023-01", "2023-10"), ("production_value", "2023-04", "2023-06")}


def test_verbless_items_after_a_verbed_one_keep_its_direction(read):
    rows = read("Năm 2022, một số sản phẩm của tỉnh Khánh Hòa giảm như: cá hộp giảm 3%; nước mắm 2%.")
    assert rows_by(rows, "product", "change_pct") == {("cá hộp", -3.0), ("nước mắm", -2.0)}


def test_a_running_total_runs_to_the_last_month_named(read):
    rows = read("Tháng 6/2022, chỉ số sản xuất công nghiệp tỉnh Long An tăng 1,4% so tháng trước. "
                "Lũy kế đến nay, chỉ số tăng 9,9% so cùng kỳ.")
    assert rows_by(rows, "change_pct", "period_start", "period_end") == {(1.4, "2022-06", "2022-06"), (9.9, "2022-01", "2022-06")}


def test_a_running_total_with_no_month_to_run_to_gives_no_row(read):
    assert read("Lũy kế năm 2024, chỉ số sản xuất công nghiệp tỉnh Đồng Nai tăng 9,2% so với cùng kỳ.") == []


def test_industry_and_construction_grow_by_their_value_added(read):
    rows = read("Sáu tháng đầu năm 2022, khu vực công nghiệp và xây dựng của tỉnh Sơn La tăng 5,6%, đóng góp 1,3 điểm phần trăm.")
    assert rows_by(rows, "sector", "metric") == {("industry_construction", "value_added"), ("industry_construction", "growth_contribution")}


def test_a_fronted_concession_ends_at_its_but(read):
    rows = read("Dù nông nghiệp chịu ảnh hưởng của bão nhưng năm 2024 khu vực công nghiệp - xây dựng của tỉnh Bắc Kạn "
                "ước tăng 8,3%.")
    assert rows_by(rows, "sector", "change_pct") == {("industry_construction", 8.3)}


def test_a_district_named_alone_is_not_a_province_row(read):
    rows = read("Năm 2018, giá trị sản xuất công nghiệp tỉnh Thái Bình tăng 10%; các huyện tăng khá: Tiền Hải tăng 16,1%; "
                "Kiến Xương tăng 12,2%.")
    assert rows_by(rows, "geo_code", "change_pct", "product") == {("34", 10.0, None)}


def test_a_verbless_prior_figure_in_a_bracket_is_last_years(read):
    rows = read("Tốc độ tăng trưởng khu vực công nghiệp và xây dựng của tỉnh Quảng Trị 9 tháng năm 2023 tăng 7,1% (cùng kỳ 5,5%).")
    assert rows_by(rows, "period_start", "change_pct") == {("2023-01", 7.1), ("2022-01", 5.5)}


def test_a_change_against_an_earlier_rate_is_not_a_figure(read):
    rows = read("Tính chung 8 tháng năm 2023, IIP tỉnh Bắc Ninh giảm 10,1% so với cùng kỳ năm trước "
                "(giảm 0,4% so với mức giảm của 7 tháng).")
    assert rows_by(rows, "change_pct") == {(-10.1,)}


def test_a_comparison_dated_by_its_own_words_is_not_last_years(read):
    rows = read("Tính chung 7 tháng năm 2017, chỉ số sản xuất toàn ngành công nghiệp cả nước tăng 6,1% so với cùng kỳ năm trước, "
                "thấp hơn mức tăng 7,0% của cùng kỳ năm 2016 nhưng cao hơn mức tăng 5,8% của 6 tháng đầu năm 2017.")
    assert rows_by(rows, "change_pct", "period_start", "period_end") == {
        (6.1, "2017-01", "2017-07"), (7.0, "2016-01", "2016-07"), (5.8, "2017-01", "2017-06")}


def test_beating_a_resolution_is_not_a_change(read):
    rows = read("Năm 2025, tỉnh Hậu Giang phấn đấu giá trị sản xuất công nghiệp đạt hơn 40.000 tỷ đồng, tăng 1,5% so với Nghị quyết.")
    assert rows_by(rows, "value", "change_pct") == {(40000.0, None)}


def test_a_bracket_inside_a_branch_name_is_part_of_it(read):
    rows = read("Năm 2023, chỉ số sản xuất một số ngành của tỉnh Bắc Ninh tăng cao: sản xuất sản phẩm từ kim loại đúc sẵn "
                "(trừ máy móc, thiết bị) tăng 8,3%; sản xuất kim loại tăng 7,6%.")
    assert rows_by(rows, "division", "change_pct") == {("25", 8.3), ("24", 7.6)}


def test_an_item_the_reader_cannot_name_hands_nothing_on(read):
    rows = read("Năm 2023, giá trị tăng thêm ngành công nghiệp tỉnh Bắc Ninh tăng 5%. Chỉ số sản xuất công nghiệp năm 2023 "
                "của một số ngành tăng cao: sản xuất dụng cụ câu cá tăng 12%; sản xuất kim loại tăng 7,6%.")
    assert rows_by(rows, "metric", "division", "change_pct") == {("value_added", None, 5.0), ("iip", "24", 7.6)}


def test_a_change_missing_its_unit_is_nobody_elses(read):
    rows = read("Năm 2019, một số sản phẩm của tỉnh Quảng Ngãi tăng khá so với năm 2018 như: bia tăng 4,3%, "
                "tinh bột mì tăng 39, dăm gỗ tăng 46%.")
    assert rows_by(rows, "product", "change_pct") == {("bia", 4.3), ("dăm gỗ", 46.0)}


def test_a_rate_bracketed_after_an_absolute_change_is_the_values_change(read):
    [r] = read("Tháng 1/2022, giá trị sản xuất công nghiệp của tỉnh Bắc Ninh đạt 35.870 tỷ đồng, tăng 8.480 tỷ đồng "
               "(tăng 31%) so với cùng kỳ.")
    assert (r["value"], r["change_pct"], r["change_base"]) == (35870.0, 31.0, "same_period_last_year")


def test_ownership_sectors_are_not_observations(read):
    rows = read("Tháng 1/2022, giá trị sản xuất công nghiệp của tỉnh Bắc Ninh đạt 35.870 tỷ đồng. Trong đó, khu vực doanh "
                "nghiệp nhà nước đạt 620 tỷ đồng, tăng 5,7%; khu vực doanh nghiệp ngoài quốc doanh 3.395 tỷ đồng, tăng 13,5%.")
    assert rows_by(rows, "value") == {(35870.0,)}


def test_bracketed_percents_after_list_items_take_the_lists_verb(read):
    rows = read("Nhiều địa phương có chỉ số sản xuất công nghiệp 2 tháng năm 2025 tăng cao như Trà Vinh (40,5%), "
                "Bắc Kạn (28,1%) và Hòa Bình (21,4%).")
    assert rows_by(rows, "geo_code", "change_pct") == {("84", 40.5), ("06", 28.1), ("17", 21.4)}


def test_a_base_right_before_a_bracket_dates_the_prior_figure_in_it(read):
    rows = read("Tính chung 8 tháng năm 2019, chỉ số sản xuất toàn ngành công nghiệp cả nước ước tăng 9,5% so với cùng kỳ năm "
                "trước. Ðây là mức tăng thấp hơn so cùng kỳ năm 2018 (tăng 10,8%).")
    assert rows_by(rows, "period_start", "change_pct", "status") == {("2019-01", 9.5, "estimate"), ("2018-01", 10.8, "actual")}


def test_a_figure_without_the_excluded_part_is_not_an_observation(read):
    rows = read("Năm 2019, giá trị sản xuất công nghiệp tỉnh Quảng Ngãi tăng 5%. Nếu không tính sản phẩm lọc hóa dầu thì "
                "giá trị sản xuất công nghiệp tăng 42,4% so với cùng kỳ năm trước.")
    assert rows_by(rows, "change_pct") == {(5.0,)}


def test_a_single_plants_second_figure_is_the_plants_too(read):
    rows = read("Năm 2025, tỉnh Gia Lai sản xuất được 186,5 nghìn tấn đường. Riêng một nhà máy đường ở An Khê đã ép khoảng "
                "1,45 triệu tấn mía, cho ra 162 nghìn tấn đường.")
    assert rows_by(rows, "value") == {(186500.0,)}


def test_ck_is_short_for_cung_ky(read):
    [r] = read("Tính chung 9 tháng năm 2022, chỉ số sản xuất công nghiệp tỉnh Thanh Hóa tăng 16,03% CK.")
    assert r["change_base"] == "same_period_last_year"


def test_a_period_after_hon_is_compared_with_not_the_figures(read):
    [r] = read("Sản xuất công nghiệp cả nước quý IV/2023 tăng trưởng tích cực hơn quý III/2023, tốc độ tăng giá trị tăng thêm "
               "ước đạt 6,86% so với cùng kỳ năm trước.")
    assert (r["period_start"], r["period_end"], r["change_pct"]) == ("2023-10", "2023-12", 6.86)


def test_growth_recorded_with_an_adverb_and_a_bound(read):
    [r] = read("Tháng 1/2026, hoạt động sản xuất công nghiệp tỉnh Quảng Ngãi đã ghi nhận mức tăng trưởng khá, khoảng 11,3% "
               "so với cùng kỳ năm 2025.")
    assert (r["change_pct"], r["bound"], r["metric"]) == (11.3, "about", "iip")
