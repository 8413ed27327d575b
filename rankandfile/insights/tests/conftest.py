"""Fixtures for the insights tests: a small Leeds debate with one pile-on, and a simulated unit with history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from rankandfile.insights.simulator.run import Simulation, simulate
from rankandfile.meetings import services as meetings
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, make_member, rows_shared_by_tests


def speak(chair: Member, meeting: Any, member: Member, stance: str) -> Any:
    meetings.hand_raise(member=member, meeting=meeting, stance=stance)
    speech = meetings.speech_start(actor=chair, meeting=meeting)
    return meetings.speech_end(actor=chair, speech=speech)


@pytest.fixture
def leeds_pile_on(org: SmallOrg) -> Any:
    """Alice dissents in an open-rules Leeds meeting; bob, carol and dave (role holders) answer her in a row."""
    meeting = meetings.meeting_create(
        actor=org.bob,
        unit=org.leeds,
        title="Leeds branch meeting",
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        mode="online",
        online_link="https://meet.example.org/leeds",
        chair=org.bob,
        rules_preset="open",
        agenda=["Rent strike"],
    )
    meetings.meeting_open(actor=org.bob, meeting=meeting)
    carol = make_member("Carla North", org.leeds)  # a plain Leeds member, for a fourth voice
    speeches = [speak(org.bob, meeting, org.alice, "against")]
    speeches += [speak(org.bob, meeting, who, "for") for who in (org.bob, org.carol, org.dave)]
    speeches.append(speak(org.bob, meeting, carol, "question"))
    meetings.meeting_close(actor=org.bob, meeting=meeting)
    return meeting, speeches


def simulate_a_branch() -> Simulation:
    return simulate(
        members=30, months=5, seed=11, rules="open", unit_path="sim/branch", start=dt.date(2024, 1, 1), attendance=8
    )


@pytest.fixture
def simulated(db: Any) -> Simulation:
    return simulate_a_branch()


@pytest.fixture(scope="class")
def _simulated_for_the_class(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Simulation]:
    """Simulated once for a test class (a few seconds each time), shared by its tests through `simulated_shared`."""
    with rows_shared_by_tests(django_db_blocker, tmp_path_factory.getbasetemp()):
        yield simulate_a_branch()


@pytest.fixture
def simulated_shared(_simulated_for_the_class: Simulation, db: Any) -> Simulation:
    return _simulated_for_the_class
