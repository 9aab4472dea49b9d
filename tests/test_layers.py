"""The domain core (contract, events, reader) imports nothing from Kafka, Prefect or DuckDB."""
import subprocess
import sys


def test_domain_core_is_pure():
    code = (
        "import sys, vnindustry.contract, vnindustry.events, vnindustry.reader, vnindustry.reference\n"
        "from vnindustry.reader import parse_article\n"
        "parse_article({'article_id': 'x', 'body': 'Năm 2020, giá trị sản xuất công nghiệp tỉnh Hà Nam tăng 5%.'})\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('kafka', 'prefect', 'duckdb', 'dbt', 'pyarrow')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
