"""Shared by the counting tests: where the real elections are, and how an official figure is compared."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"

WARDS = sorted(p.name.removesuffix(".blt") for p in DATA.glob("*_2017_ward*.blt"))


def result_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{name}.result.json").read_text())
    return data


def expected_stages(ward: str) -> list[dict[str, str]]:
    with (DATA / f"{ward}.expected_stages.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def as_shown(value: Decimal, official: str) -> Decimal:
    """Our exact value rounded half-up to the number of decimals the official sheet shows."""
    places = len(official.split(".")[1]) if "." in official else 0
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
