import os
import tempfile
from pathlib import Path

# Prefect keeps its state in a throwaway home for the test session (its ephemeral server
# starts once, on first flow run); nothing reaches the network.
_prefect_home = tempfile.mkdtemp(prefix="vnindustry-prefect-")
os.environ.setdefault("PREFECT_HOME", _prefect_home)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("DO_NOT_TRACK", "1")
# the ephemeral server's 20 s start-up budget is too short on a loaded 2-core machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.pop("KAFKA_BOOTSTRAP_SERVERS", None)

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
REGRESSION_ARTICLES = Path(__file__).parent / "corpus" / "regression" / "articles"
CORPUS = Path(__file__).parent / "corpus"


def article(body: str, published_at: str | None = None, title: str = "") -> dict:
    return {"article_id": "t", "title": title, "body": body, "published_at": published_at}


@pytest.fixture
def read():
    """Parse a text written for the test; return plain dicts of the contract fields."""
    from vnindustry.reader import parse_article

    def _read(body: str, published_at: str | None = None, title: str = "") -> list[dict]:
        return [o.record() for o in parse_article(article(body, published_at, title))]

    return _read


@pytest.fixture(scope="session")
def postgres():
    """One local Postgres for the session (the scale-out catalog); an error if it cannot start."""
    import shutil

    from tests_support import PostgresServer

    root = tempfile.mkdtemp(prefix="vnindustry-postgres-")  # outside pytest's root-only tmp
    server = PostgresServer(root).start()
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgres"])
def lake_dir(request, tmp_path, monkeypatch):
    """A lake folder: the default SQLite catalog, or a fresh Postgres catalog database (through
    VNINDUSTRY_CATALOG / VNINDUSTRY_DATA_PATH, so flows and child processes see it too)."""
    folder = tmp_path / "lake"
    if request.param == "postgres":
        monkeypatch.setenv("VNINDUSTRY_CATALOG", request.getfixturevalue("postgres").create_database())
        monkeypatch.setenv("VNINDUSTRY_DATA_PATH", str(folder / "files"))
    return folder


# Articles that exercise what BI reads: names, dates, the 2025 merger, agreement between
# articles and every plausibility check (see bi_lake).
BI_ARTICLES = {
    # Cao Bằng 2023: three articles; the latest (7.900) is chosen, "hơn 7.850" agrees, 7.000
    # contradicts it; manufacturing (6.100) is a section of it, never added to it; the same article's IIP change of 85.3% is out of band; cement output twice
    "first_2023": ("Tin 1", "Năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng ước đạt 7.000 tỷ đồng, tăng 5,2% so với "
                            "năm trước. Chỉ số sản xuất công nghiệp năm 2023 của tỉnh tăng 85,3% so với năm trước.", "2024-01-10"),
    "agreeing_2023": ("Tin 5", "Năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng ước đạt hơn 7.850 tỷ đồng. Sản lượng xi "
                               "măng năm 2023 của tỉnh ước đạt 1,2 triệu tấn.", "2024-01-15"),
    "latest_2023": ("Tin 2", "Năm 2023, giá trị sản xuất công nghiệp tỉnh Cao Bằng ước đạt 7.900 tỷ đồng, tăng 5,2% so với "
                             "năm trước; trong đó ngành chế biến, chế tạo ước đạt 6.100 tỷ đồng. Sản lượng xi măng năm 2023 "
                             "của tỉnh ước đạt 1,2 triệu tấn, tăng 3% so với năm trước.",
                    "2024-01-20"),
    # 2021 is ten times the years around it (a unit slip of the kind a reviewer should see)
    "series": ("Tin 3", "Năm 2022, giá trị sản xuất công nghiệp tỉnh Cao Bằng đạt 6.500 tỷ đồng. Năm 2021, giá trị sản "
                        "xuất công nghiệp tỉnh Cao Bằng đạt 65.000 tỷ đồng. Năm 2022, giá trị tăng thêm ngành công nghiệp "
                        "tỉnh Cao Bằng tăng 6,5% so với năm trước.", "2023-01-15"),
    # the same 2025 province on both sides of the merger: Bắc Giang (63-24) became part of Bắc Ninh (34-24)
    "merger": ("Tin 4", "Sáu tháng cuối năm 2025, chỉ số sản xuất công nghiệp tỉnh Bắc Ninh tăng 12,1% so với cùng kỳ. "
                        "Năm 2024, chỉ số sản xuất công nghiệp tỉnh Bắc Giang tăng 22,6% so với năm trước.", "2026-01-10"),
}


def bi_events() -> dict[str, dict]:
    from vnindustry.events import build_event

    return {name: build_event(title, body, published_at=published) for name, (title, body, published) in BI_ARTICLES.items()}


@pytest.fixture(scope="session")
def bi_lake(tmp_path_factory):
    """A lake holding BI_ARTICLES, built in full once for the session: (lake, dbt work folder, events)."""
    from flows.lake import Lake
    from flows.transform import build
    from tests_support import store

    root = tmp_path_factory.mktemp("bi")
    lake, events = Lake.at(root / "lake"), bi_events()
    store(lake, list(events.values()))
    assert build(lake, root).mode == "full"
    return lake, root, events
