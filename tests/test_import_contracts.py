"""The import contracts have teeth: each forbidden import below, added to a copy of the code, breaks the contract
that names it, whether it imports its target directly or through another module (pyproject.toml, CONTRIBUTING.md).

The copy is checked with the project's own import-linter configuration, read from pyproject.toml unchanged, so a
contract that loses its teeth (indirect imports allowed again, a layer dropped) fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's Python files, copied once per run."""
    tree = tmp_path_factory.mktemp("pristine")
    shutil.copytree(
        ROOT / "rankandfile",
        tree / "rankandfile",
        ignore=shutil.ignore_patterns("static", "templates", "__pycache__", "*.html", "*.js", "*.css", "*.json"),
    )
    return tree


def broken_contracts(output: str) -> set[str]:
    names = {contract["id"]: " ".join(contract["name"].split()) for contract in CONFIG["contracts"]}
    flat = " ".join(output.split())
    return {key for key, name in names.items() if f"{name} BROKEN" in flat}


def test_the_contracts_are_kept(pristine: Path) -> None:
    result = lint_imports(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert broken_contracts(result.stdout) == set()


def test_no_contract_allows_indirect_imports() -> None:
    assert all(not contract.get("allow_indirect_imports", False) for contract in CONFIG["contracts"])


# (module, the line added to it, the contracts it breaks, what lint-imports says)
FORBIDDEN = [
    # The two holes the issue found: a model imported into a domain module; a services import in counting.
    (
        "rankandfile/meetings/domain/speaking_order.py",
        "from rankandfile.org.models import Member",
        {"domain"},
        "rankandfile.meetings.domain is not allowed to import django",
    ),
    (
        "rankandfile/counting/ties.py",
        "from rankandfile.ballots import services",
        {"domain", "apps"},
        "rankandfile.counting is not allowed to import rankandfile.ballots",
    ),
    # Through another module: the domain imports a harmless-looking helper that imports Django.
    (
        "rankandfile/audit/domain/chain.py",
        "from rankandfile import web",
        {"domain"},
        "rankandfile.audit.domain.chain -> rankandfile.web",
    ),
    # Inside an app, a lower room reaching up: a model calling its services, a selector its access rules.
    (
        "rankandfile/proposals/models.py",
        "from rankandfile.proposals import services",
        {"rooms"},
        "rankandfile.proposals.models is not allowed to import rankandfile.proposals.services",
    ),
    (
        "rankandfile/ballots/selectors.py",
        "from rankandfile.ballots.access import access_ballot",
        {"rooms"},
        "rankandfile.ballots.selectors is not allowed to import rankandfile.ballots.access",
    ),
    # Across apps, upward: org reaching the ballots above it, directly or through its forms.
    (
        "rankandfile/org/models.py",
        "from rankandfile.ballots.models import Ballot",
        {"apps"},
        "rankandfile.org is not allowed to import rankandfile.ballots",
    ),
    (
        "rankandfile/org/forms.py",
        "from rankandfile.demo import plan",
        {"apps"},
        "rankandfile.org is not allowed to import rankandfile.demo",
    ),
]


def test_each_forbidden_import_breaks_its_contract(pristine: Path, tmp_path: Path) -> None:
    """All in one spoiled copy (one run of lint-imports): each import is named in the report with its contract."""
    tree = tmp_path / "tree"
    shutil.copytree(pristine, tree)
    for module, line, _contracts, _says in FORBIDDEN:
        path = tree / module
        path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    report = " ".join(result.stdout.split())
    assert set().union(*(contracts for _m, _l, contracts, _s in FORBIDDEN)) <= broken_contracts(result.stdout)
    missing = [says for _m, _l, _c, says in FORBIDDEN if says not in report]
    assert missing == [], result.stdout


def test_every_app_has_its_place_among_the_apps() -> None:
    """A new app (a package with an apps.py) adds its line to the "apps" contract, or this fails."""
    apps_contract = next(c for c in CONFIG["contracts"] if c["id"] == "apps")
    placed = {
        name.strip("() ")
        for layer in apps_contract["layers"]
        for name in layer.replace(":", "|").split("|")
        if name.strip()
    }
    apps = {f"rankandfile.{p.parent.name}" for p in (ROOT / "rankandfile").glob("*/apps.py")}
    assert apps - placed == set(), "add each app's line to the 'apps' contract in pyproject.toml (CONTRIBUTING.md)"
