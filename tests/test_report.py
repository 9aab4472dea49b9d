"""`vnindustry report` writes one self-contained HTML page; headless Chromium (Debian's package,
driven by Playwright, no downloaded browser) opens it offline and every chart draws."""
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO

pytestmark = pytest.mark.e2e
CHARTS = ("production-value", "iip-change", "value-added-growth", "ranked-by-region", "product-output")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    assert path, "headless Chromium is missing: apt-get install chromium (.ci/run does)"
    return path


def write_report(data_dir: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VNINDUSTRY_DATA_DIR": str(data_dir)}
    return subprocess.run([str(Path(sys.executable).parent / "vnindustry"), "report", "--out", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_the_report_draws_every_chart_offline_without_console_errors(bi_lake, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    _, work, events = bi_lake  # the lake lives in work/lake: work is its data folder
    out = tmp_path / "report.html"
    result = write_report(work, out)
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    # self-contained: no script, stylesheet, image or frame from elsewhere
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=""", html)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        problems, requests = [], []
        page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()))
        page.goto(out.as_uri())
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(CHARTS)}")
        drawn = {name: page.locator(f"#{name} g.trace .point, #{name} g.hm image").count() for name in CHARTS}  # marks
        review = page.locator("#review-queue tr").count() - 1
        freshness = page.inner_text("#freshness")
        screenshot = page.screenshot(full_page=True)
        browser.close()

    assert problems == []
    assert requests == [out.as_uri()]  # the page itself, nothing from a network
    assert {name: count for name, count in drawn.items() if count == 0} == {}, drawn
    assert review == 3  # contradiction, series outlier, IIP out of band (the BI articles' review queue)
    assert f"{len(events)} (last loaded" in freshness
    image = Image.open(io.BytesIO(screenshot)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.height > 2000 and len(colours) > 200  # drawn charts, not a blank page
    assert max(count for count, _ in colours) < 0.9 * image.width * image.height


def test_report_before_any_transform_says_what_to_run(tmp_path):
    from flows.lake import Lake
    from tests_support import store
    from vnindustry.events import build_event

    store(Lake.at(tmp_path / "lake"), [build_event("Tin", "Năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng đạt 7.000 tỷ đồng.")])
    result = write_report(tmp_path, tmp_path / "report.html")
    assert result.returncode == 5
    assert result.stderr.strip() == ("vnindustry: error: the lake has no marts yet: run `vnindustry transform` "
                                     "(or `vnindustry run`) first")
    assert not (tmp_path / "report.html").exists()
