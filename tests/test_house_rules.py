"""House rules that a grep can keep: views fetch through access_*/selectors and write through services."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "rankandfile"
ORM_IN_VIEWS = re.compile(r"\.objects\.|\.save\(|\.delete\(\)")


MAX_LINES = 600


def thin_modules() -> list[Path]:
    """Every views, api and consumers module, including the modules of a views package split by screen."""
    return sorted(p for name in ("views.py", "views/*.py", "api.py", "consumers.py") for p in ROOT.rglob(name))


def production_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not {"migrations", "tests"} & set(p.parts))


def test_it_finds_the_view_modules() -> None:
    assert any(p.parent.name == "org" and p.name == "views.py" for p in thin_modules())
    assert any(p.parent.name == "views" and p.name == "chair.py" for p in thin_modules())


def test_it_keeps_the_orm_out_of_views_api_and_consumers() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in thin_modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ORM_IN_VIEWS.search(line)
    ]
    assert offenders == [], "use access_*/selectors/services instead:\n" + "\n".join(offenders)


def test_it_finds_the_production_modules_and_leaves_out_migrations_and_tests() -> None:
    modules = production_modules()
    assert ROOT / "meetings" / "domain" / "speaking_order.py" in modules
    assert not any("migrations" in p.parts or "tests" in p.parts for p in modules)


def test_it_keeps_production_modules_small() -> None:
    big = [
        f"{p.relative_to(ROOT)} ({n} lines)"
        for p in production_modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    ]
    assert big == [], f"split these by concern (at most {MAX_LINES} lines): " + ", ".join(big)


def test_it_keeps_one_copy_of_the_api_error_schema() -> None:
    copies = sorted(str(p.relative_to(ROOT)) for p in production_modules() if "class ErrorOut(" in p.read_text())
    assert copies == ["api_errors.py"], "import ERRORS from rankandfile.api_errors instead"


def test_it_launches_chromium_in_one_place() -> None:
    this = Path(__file__).resolve()
    everywhere = [p for p in [*ROOT.rglob("*.py"), *ROOT.parent.joinpath("tests").rglob("*.py")] if p != this]
    launches = sorted(str(p.relative_to(ROOT.parent)) for p in everywhere if ".chromium.launch(" in p.read_text())
    assert launches == ["rankandfile/testing.py"], "use the `browser` fixture or rankandfile.testing.chromium()"


def test_it_publishes_live_updates_only_through_a_feed() -> None:
    outside_live = [p for p in production_modules() if p.parent != ROOT / "live"]
    offenders = sorted(
        str(p.relative_to(ROOT))
        for p in outside_live
        if re.search(r"live\.hub|group_send|get_channel_layer", p.read_text())
    )
    assert offenders == [], "declare a Feed in the app's live.py (rankandfile/live/publish.py) and publish through it"


CSV_WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\(")


def test_it_writes_every_csv_through_the_formula_safe_writer() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in production_modules()
        if path.name != "csv_safe.py"
        # The demo's member imports: made in memory and read back by `members_import`, never opened by a spreadsheet
        # (its phones begin with "+", which the safe writer would turn into text).
        and path.relative_to(ROOT).as_posix() != "demo/load.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if CSV_WRITERS.search(line)
    ]
    assert offenders == [], "write CSV with rankandfile.csv_safe.writer (formula injection):\n" + "\n".join(offenders)
