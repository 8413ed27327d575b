"""Settings from the environment (DESIGN §2): the measured database and channel-layer choices, and a clean
`manage.py check --deploy` with the documented production environment."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

from rankandfile.settings import database_from_url, email_from_url

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "SECRET_KEY": "prod-" + secrets.token_urlsafe(48),
    "HTTPS": "1",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "members.example.org",
}


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run Python in a fresh process with only the given deployment variables set."""
    base = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "HTTPS", "SECRET_KEY"}
    }
    base |= {"RANKANDFILE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "rankandfile.settings"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120, check=False
    )


def check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)


def settings_in_subprocess(env: dict[str, str], tmp_path: Path, *names: str) -> dict[str, object]:
    code = (
        "import json, rankandfile.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_it_pools_postgresql_connections_and_never_keeps_them() -> None:
    config = database_from_url("postgres://app:secret@db.internal:5433/rankandfile")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "rankandfile",
        "app",
    )
    assert config["OPTIONS"]["pool"]["min_size"] >= 1
    assert config["OPTIONS"]["pool"]["max_size"] >= config["OPTIONS"]["pool"]["min_size"]
    assert config["CONN_MAX_AGE"] == 0


def test_it_sets_sqlite_up_for_concurrent_writers(tmp_path: Path) -> None:
    config = database_from_url(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert "busy_timeout" in config["OPTIONS"]["init_command"]
    assert "mmap_size" in config["OPTIONS"]["init_command"]  # a large database read through the OS cache
    assert config["CONN_MAX_AGE"] == 0


def test_it_uses_the_database_url_from_the_environment(tmp_path: Path) -> None:
    found = settings_in_subprocess(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/elsewhere"}, tmp_path, "DATABASES"
    )
    default = found["DATABASES"]["default"]  # type: ignore[index]
    assert default["NAME"] == "elsewhere" and "pool" in default["OPTIONS"] and default["CONN_MAX_AGE"] == 0
    found = settings_in_subprocess({}, tmp_path, "DATABASES")
    assert found["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"  # type: ignore[index]


def test_it_uses_the_redis_pubsub_channel_layer_when_redis_url_is_set(tmp_path: Path) -> None:
    found = settings_in_subprocess({"REDIS_URL": "redis://cache.internal:6379/2"}, tmp_path, "CHANNEL_LAYERS", "CACHES")
    layer = found["CHANNEL_LAYERS"]["default"]  # type: ignore[index]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layer["CONFIG"]["hosts"] == ["redis://cache.internal:6379/2"]
    assert found["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"  # type: ignore[index]


def test_it_uses_the_in_memory_layer_without_redis(tmp_path: Path) -> None:
    found = settings_in_subprocess({}, tmp_path, "CHANNEL_LAYERS")
    assert found["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"  # type: ignore[index]


def test_it_reads_smtp_settings_from_email_url() -> None:
    smtp = email_from_url("smtp://mailer:p%40ss@smtp.example.org:587/?tls=1")
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_PASSWORD"]) == ("smtp.example.org", 587, "p@ss")
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert email_from_url("")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_it_passes_check_deploy_with_the_documented_production_environment(tmp_path: Path) -> None:
    result = check_deploy(PRODUCTION_ENV, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_it_fails_check_deploy_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = check_deploy(env, tmp_path)
    assert result.returncode != 0
    assert "rankandfile.E001" in result.stdout + result.stderr
    # An error, not only Django's warning: it fails at the default fail level too.
    result = run(["manage.py", "check", "--deploy"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_the_server_with_the_development_key_when_debug_is_off(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    # Importing the ASGI application is what uvicorn, daphne and runserver do first.
    result = run(["-c", "import rankandfile.asgi"], env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_it_starts_the_server_with_a_secret_key_or_in_debug_mode(tmp_path: Path) -> None:
    assert run(["-c", "import rankandfile.asgi"], PRODUCTION_ENV, tmp_path).returncode == 0
    debug = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"} | {"DEBUG": "1"}
    result = run(["-c", "import rankandfile.asgi"], debug, tmp_path)
    assert result.returncode == 0, result.stderr


def test_it_still_runs_management_commands_without_a_key(tmp_path: Path) -> None:
    # `make demo` migrates and loads the demo before serving with DEBUG=1; neither needs a key.
    result = run(["manage.py", "check"], {"DEBUG": "0"}, tmp_path)
    assert result.returncode == 0, result.stderr


def documented_production_environment(tmp_path: Path) -> dict[str, str]:
    """The variables docs/deploy.md tells an operator to export (PostgreSQL, Redis, HTTPS, the proxy, hashed static
    files), read from the document itself so that the two cannot drift apart. Generated secrets and files under
    /etc become test values."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    env: dict[str, str] = {}
    for line in block.splitlines():
        if line.startswith("export "):
            for word in shlex.split(line, comments=True)[1:]:
                name, _, value = word.partition("=")
                env[name] = value
    env["SECRET_KEY"] = "prod-" + secrets.token_urlsafe(48)  # the document generates it with $(python3 ...)
    env["AUDIT_SIGNING_KEY_FILE"] = str(tmp_path / "audit-signing.key")
    return env


def test_it_passes_check_deploy_with_the_environment_docs_deploy_md_exports(tmp_path: Path) -> None:
    """Issue 16: `check --deploy --fail-level WARNING` is clean with the production settings as documented."""
    env = documented_production_environment(tmp_path)
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert env["HTTPS"] == "1"
    result = check_deploy(env | {"DEBUG": "0"}, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
