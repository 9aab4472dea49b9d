import re
from pathlib import Path

import yaml

from producers.kafka_settings import configured_bootstrap, settings_from_env

REPO = Path(__file__).resolve().parents[1]


def test_kafka_security_settings_come_from_standard_environment_variables():
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": "b1:9093,b2:9093",
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": "ingest",
        "KAFKA_SASL_PASSWORD": "from-the-environment",
        "KAFKA_SSL_CAFILE": "/etc/ssl/ca.pem",
        "KAFKA_SSL_CHECK_HOSTNAME": "false",
    }
    settings = settings_from_env(configured_bootstrap(env), env)
    config = settings.client_config()
    assert config["bootstrap_servers"] == ["b1:9093", "b2:9093"]
    assert config["security_protocol"] == "SASL_SSL" and config["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (config["sasl_plain_username"], config["sasl_plain_password"]) == ("ingest", "from-the-environment")
    assert config["ssl_cafile"] == "/etc/ssl/ca.pem" and config["ssl_check_hostname"] is False


def test_no_cluster_configured_means_embedded_and_no_security_keys():
    assert configured_bootstrap({}) is None
    assert set(settings_from_env("127.0.0.1:1", {}).client_config()) == {"bootstrap_servers"}


def test_no_secrets_in_the_repository_files():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN", name):
                assert str(value).startswith("${"), f"{name} must come from the environment"
    profile = (REPO / "dbt" / "profiles.yml").read_text()
    assert "env_var('VNINDUSTRY_LAKE')" in profile and "password" not in profile.lower()
    tracked = [p for p in REPO.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts
               and "data" not in p.parts and p.suffix in (".py", ".yml", ".yaml", ".toml", ".md", ".sql", ".json")]
    for path in tracked:
        text = path.read_text(encoding="utf-8", errors="ignore")
        assert not re.search(r"(?i)(password|secret)\s*[:=]\s*['\"][^'\"${}]{6,}['\"]", text), path
