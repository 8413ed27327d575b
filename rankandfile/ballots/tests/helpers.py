"""Ballots for tests, set up through the services as members would (dave, national secretary, manages ballots)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from rankandfile.ballots import services
from rankandfile.ballots.models import Ballot
from rankandfile.org.models import Member, Unit
from rankandfile.testing import SmallOrg, make_member


def voters(unit: Unit, n: int, prefix: str = "Voter") -> list[Member]:
    return [make_member(f"{prefix} {unit.slug} {i}", unit) for i in range(n)]


def draft_ballot(
    org: SmallOrg,
    *,
    kind: str = "election",
    method: str = "irv",
    labels: Sequence[str] = ("Ann", "Ben", "Cat"),
    unit: Unit | None = None,
    seats: int = 1,
    **extra: object,
) -> Ballot:
    unit = unit or org.leeds
    if kind == "election":
        options = [services.OptionSpec(label) for label in labels]
    else:
        options = services.options_for(
            kind=kind,
            proposal=extra.get("proposal"),  # type: ignore[arg-type]
            alternatives=extra.pop("alternatives", ()),  # type: ignore[arg-type]
            labels=labels,
        )
    return services.ballot_create(
        actor=org.dave,
        unit=unit,
        title=extra.pop("title", f"A {kind} ballot"),  # type: ignore[arg-type]
        kind=kind,
        method=method,
        seats=seats,
        cutoff_on=timezone.localdate(),
        options=options,
        **extra,  # type: ignore[arg-type]
    )


def open_ballot(org: SmallOrg, **kwargs: object) -> Ballot:
    ballot = draft_ballot(org, **kwargs)
    return services.ballot_open(actor=org.dave, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=3))
