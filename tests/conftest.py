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
