"""Production settings refuse to start without real, distinct keys."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def load_production(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "IP_HASH_KEY"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    code = "import django; django.setup(); print('started')"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_keys():
    result = load_production({})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr


def test_production_refuses_development_keys():
    result = load_production({
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "FIELD_ENCRYPTION_KEYS": f"dev1:{_key()}",
        "BLIND_INDEX_KEY": _key(), "IP_HASH_KEY": _key(),
    })  # fmt: skip
    assert result.returncode != 0 and "development key" in result.stderr


def test_production_starts_with_real_keys():
    result = load_production({
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "FIELD_ENCRYPTION_KEYS": f"k2026:{_key()}",
        "BLIND_INDEX_KEY": _key(), "IP_HASH_KEY": _key(), "DATABASE_URL": "sqlite:///:memory:",
    })  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


# --- Database connection options (config/settings/base.py: database_options) -----------------

PG = {"ENGINE": "django.db.backends.postgresql"}


def test_postgresql_prepares_repeated_statements_by_default(monkeypatch):
    from config.settings.base import database_options

    monkeypatch.delenv("POSTGRES_PREPARE_THRESHOLD", raising=False)
    options = database_options(PG)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert options["options"] == "-c jit=off"


def test_prepared_statements_can_be_turned_off_for_old_poolers(monkeypatch):
    from config.settings.base import database_options

    monkeypatch.setenv("POSTGRES_PREPARE_THRESHOLD", "off")
    options = database_options(PG)
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    monkeypatch.setenv("POSTGRES_PREPARE_THRESHOLD", "2")
    assert database_options(PG)["prepare_threshold"] == 2


def test_a_mistyped_prepare_threshold_is_refused_by_name(monkeypatch):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import database_options

    monkeypatch.setenv("POSTGRES_PREPARE_THRESHOLD", "fast")
    with pytest.raises(ImproperlyConfigured, match="POSTGRES_PREPARE_THRESHOLD"):
        database_options(PG)


def test_sqlite_gets_wal_and_immediate_transactions():
    from config.settings.base import database_options

    options = database_options({"ENGINE": "django.db.backends.sqlite3"})
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_options_in_the_database_url_win(monkeypatch):
    from config.settings.base import database_options

    monkeypatch.setenv("POSTGRES_PREPARE_THRESHOLD", "5")
    options = database_options({**PG, "OPTIONS": {"sslmode": "require", "prepare_threshold": 9}})
    assert options["sslmode"] == "require" and options["prepare_threshold"] == 9
    assert options["server_side_binding"] is True


def test_every_variable_the_settings_read_is_documented():
    import re

    source = "\n".join(p.read_text() for p in (ROOT / "config" / "settings").glob("*.py"))
    names = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    names |= set(re.findall(r"""_secret\(\s*["']([A-Z][A-Z0-9_]+)["']""", source))
    assert {"DATABASE_URL", "POSTGRES_PREPARE_THRESHOLD", "DJANGO_SECRET_KEY", "IP_HASH_KEY"} <= names
    page = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in page)
    assert missing == [], f"docs/configuration.md does not name: {missing}"
