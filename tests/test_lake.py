"""Opening the lake: extensions from their pip packages, offline; configuration from the environment."""
import duckdb

from flows.lake import EXTENSIONS, Lake, install_extensions, is_conflict


def test_extensions_install_from_the_pip_packages_into_an_empty_extension_folder(tmp_path):
    con = duckdb.connect(config={"extension_directory": str(tmp_path), "autoinstall_known_extensions": False})
    install_extensions(con)
    installed = dict(con.execute("select extension_name, install_path from duckdb_extensions() where installed").fetchall())
    for name in EXTENSIONS.values():
        assert installed[name].startswith(str(tmp_path)), name
    con.execute("LOAD ducklake")
    con.execute("LOAD sqlite_scanner")
    lake = Lake.at(tmp_path / "lake")
    lake.prepare()
    con.execute(lake.attach_sql())
    con.execute("CREATE TABLE lake.t AS SELECT 1 AS x")
    assert con.execute("SELECT x FROM lake.t").fetchall() == [(1,)]


def test_catalog_and_data_path_come_from_the_environment(tmp_path):
    default = Lake.from_env(tmp_path, {})
    assert default.catalog == f"sqlite:{tmp_path / 'catalog.sqlite'}" and default.data_path == f"{tmp_path / 'files'}/"
    scaled = Lake.from_env(tmp_path, {"VNINDUSTRY_CATALOG": "host=pg dbname=lake user=etl password=hunter22",
                                      "VNINDUSTRY_DATA_PATH": "s3://bucket/lake/"})
    assert scaled.catalog == "postgres:host=pg dbname=lake user=etl password=hunter22"
    assert scaled.data_path == "s3://bucket/lake/"
    assert "hunter22" not in scaled.describe()
    assert "ATTACH 'ducklake:postgres:host=pg" in scaled.attach_sql(read_only=True, snapshot=7)
    assert "READ_ONLY, SNAPSHOT_VERSION 7" in scaled.attach_sql(read_only=True, snapshot=7)
    assert "SNAPSHOT_TIME '2026-12-01 10:00:00'" in scaled.attach_sql(snapshot="2026-12-01 10:00:00")


def test_only_write_conflicts_are_retried():
    assert is_conflict(duckdb.TransactionException("Transaction conflict - attempting to insert into table"))
    assert is_conflict(duckdb.Error("Failed to commit: database is locked"))
    assert not is_conflict(duckdb.CatalogException("Table with name nope does not exist"))
    assert not is_conflict(RuntimeError("conflict"))  # not a database error


def test_an_s3_data_path_gets_a_secret_from_the_aws_variables(monkeypatch, tmp_path):
    from flows.lake import s3_secret_sql

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "minio-user")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "minio-secret-from-env")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://minio:9000")
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    install_extensions(con)
    con.execute("LOAD httpfs")
    con.execute(s3_secret_sql())  # DuckDB accepts it (no network needed to create a secret)
    [(provider, scope)] = con.execute("select provider, scope from duckdb_secrets() where name = 'vnindustry_s3'").fetchall()
    assert provider == "config" and scope == ["s3://", "s3n://", "s3a://"]
    assert "ENDPOINT 'minio:9000'" in s3_secret_sql() and "USE_SSL false" in s3_secret_sql()
