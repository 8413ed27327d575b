"""Vendored front-end files are exactly the ones noted, with the sha256 in static/vendor/README.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"
ROW = re.compile(
    r"^\|\s*(?P<file>[\w./-]+)\s*\|(?P<package>[^|]+)\|\s*(?P<version>[\w.+-]+)\s*\|\s*(?P<sha>[0-9a-f]{64})\s*\|$"
)
NOT_VENDORED_CODE = {"README.md", "LICENSE", "LICENSE.md"}


def noted() -> dict[str, tuple[str, str]]:
    """file → (version, sha256), from the README's table."""
    rows = {}
    for line in (VENDOR / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match:
            rows[match["file"]] = (match["version"], match["sha"])
    return rows


def test_it_notes_at_least_htmx_its_websocket_extension_and_pico() -> None:
    assert {"htmx/htmx.min.js", "htmx/ext/hx-ws.min.js", "pico/pico.min.css"} <= set(noted())


@pytest.mark.parametrize("name", sorted(noted()))
def test_it_matches_the_noted_sha256(name: str) -> None:
    _version, expected = noted()[name]
    path = VENDOR / name
    assert path.is_file(), f"{name} is noted in the README but missing"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected, f"{name} differs from the noted sha256"


def test_it_vendors_no_file_without_a_noted_hash() -> None:
    present = {
        path.relative_to(VENDOR).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name not in NOT_VENDORED_CODE
    }
    unnoted = present - set(noted())
    assert not unnoted, f"vendored files without a sha256 in static/vendor/README.md: {sorted(unnoted)}"


def test_it_keeps_each_package_s_licence_beside_it() -> None:
    for name in noted():
        package_dir = VENDOR / name.split("/")[0]
        assert any(package_dir.glob("LICENSE*")), f"no licence file in {package_dir.name}/"
