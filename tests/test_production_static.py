"""`make serve` serves hashed static files: collectstatic and the server use the same (manifest) storage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RENDER_LOGIN = """
import django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/")
print(response.status_code)
print(response.content.decode())
"""


def test_it_serves_pages_with_hashed_static_files_after_collectstatic(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rankandfile.settings",
        "RANKANDFILE_PLAIN_STATIC": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "RANKANDFILE_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    rendered = subprocess.run(
        [sys.executable, "-c", RENDER_LOGIN], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout
    status, page = rendered.split("\n", 1)
    assert status == "200"
    assert "/static/vendor/pico/pico.min." in page and "/static/vendor/pico/pico.min.css" not in page
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_it_collects_static_files_for_make_serve_with_the_storage_the_server_uses() -> None:
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    collect = next(line for line in serve.splitlines() if "collectstatic" in line)
    run = next(line for line in serve.splitlines() if "uvicorn" in line)
    assert "RANKANDFILE_PLAIN_STATIC=0" in collect and "RANKANDFILE_PLAIN_STATIC=0" in run
