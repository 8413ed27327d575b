"""Driving the services month by month with the simulated dates: `simulate()` is what `rankandfile simulate` runs.

Every write goes through the apps' services (units, the member import, role terms, elections, meetings and
speeches, proposals, ballots, surveys, membership status). The one exception is the founding charter: the unit's
two roles are defined as the demo loader defines its roles (rows and a `role.define` audit entry), because
defining a role needs a member who already holds `manage_roles` there, and a new organization has none yet.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

import time_machine
from django.db import transaction

from rankandfile.audit.services import record
from rankandfile.insights.simulator import governance
from rankandfile.insights.simulator.agents import exit_cause, make_agent, make_leader
from rankandfile.insights.simulator.sitting import hold_meeting
from rankandfile.insights.simulator.world import World
from rankandfile.live.publish import quiet
from rankandfile.notifications.services import muted
from rankandfile.org import services as org
from rankandfile.org.domain.capabilities import CHAIR_MEETINGS, MANAGE_BALLOTS, MANAGE_MEMBERS, MANAGE_ROLES
from rankandfile.org.domain.roles import add_months
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit

RULES = ("fair", "open")
CHAIR_ROLE, COMMITTEE_ROLE = "Chair", "Steering committee"
COMMITTEE_SEATS = 4
JOIN_RATE = 0.008  # new members a month, as a share of the starting size


@dataclass(frozen=True)
class Simulation:
    unit: Unit
    truth: dict[str, Any]
    seconds: float
    members: int
    months: int


def simulate(
    *,
    members: int,
    months: int,
    seed: int,
    rules: str,
    unit_path: str,
    start: dt.date | None = None,
    attendance: int = 28,
    adopt: bool = False,
) -> Simulation:
    """Run the model for `months` from `start` (default: so that the last month ends about today).

    `adopt`: give an existing unit (the demo's Millbrook) a history: its active members become the model's
    members from the day they joined, its role holders its leaders; nobody joins, roles are left to the unit's
    own history, and the model's exits spare every member who ever held a role.
    """
    if rules not in RULES:
        raise ValueError(f"rules must be one of {', '.join(RULES)}")
    if (members < 10 and not adopt) or months < 1:
        raise ValueError("simulate at least 10 members for at least 1 month")
    today = dt.date.today()
    start = start or add_months(today.replace(day=1), -months)
    began = time.perf_counter()
    moment = dt.datetime.combine(start, dt.time(9, 0), tzinfo=dt.UTC)
    # Nobody follows a simulated past live, and none of it is news: no frames, no notifications.
    with quiet(), muted(), time_machine.travel(moment, tick=False) as traveller:
        world = World(unit=_unit(unit_path), rules=rules, rng=random.Random(seed), start=start, traveller=traveller)
        world.tag = f"{world.unit.path.replace('/', '-')}-{seed}"
        world.is_adopted = adopt
        world.at_day(start, 9)
        if adopt:
            _adopt(world)
        else:
            _found(world, members)
        for month in range(months):
            _month(world, month, members, attendance)
        end = add_months(start, months)
        world.at_day(end, 9)
    truth = world.truth.as_dict(as_of=end)
    return Simulation(world.unit, truth, time.perf_counter() - began, members, months)


def _unit(path: str) -> Unit:
    parent: Unit | None = None
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        raise ValueError("give the unit's path, e.g. national/north/leeds")
    for depth in range(len(parts)):
        here = "/".join(parts[: depth + 1])
        unit = Unit.objects.filter(path=here).first()
        if unit is None:
            kind = ("national", "district", "branch")[min(depth, 2)]
            name = parts[depth].replace("-", " ").title()
            unit = org.unit_create(actor=None, parent=parent, name=name, slug=parts[depth], kind=kind)
        parent = unit
    assert parent is not None
    return parent


def _import(world: World, first: int, count: int, day: dt.date) -> list[int]:
    rows = ["email,full_name,joined_on"]
    emails = []
    for index in range(first, first + count):
        email = f"m{index}.{world.tag}@sim.rankandfile.org"
        emails.append(email)
        rows.append(f"{email},Simulated member {index},{day.isoformat()}")
    report = org.members_import(actor=None, unit=world.unit, file="\n".join(rows) + "\n")
    if not report.written:
        raise RuntimeError(f"the simulated import was refused: {report.problems[:3]}")
    ids = dict(Member.objects.filter(email__in=emails).values_list("email", "pk"))
    return [ids[email] for email in emails]


def _join(world: World, count: int, month: int, day: dt.date) -> None:
    first = len(world.agents)
    member_ids = _import(world, first, count, day)
    for offset, member_id in enumerate(member_ids):
        agent = make_agent(world.rng, first + offset, month)
        agent.member_id = member_id
        world.agents.append(agent)
        world.by_member[member_id] = agent
        world.truth.spans[member_id] = (day, None)


def _found(world: World, members: int) -> None:
    """The founding: the members, the charter's two roles, and the first officers acclaimed."""
    with transaction.atomic():
        _join(world, members, 0, world.start)
        world.chair_role = _role(
            world.unit, CHAIR_ROLE, 1, [CHAIR_MEETINGS, MANAGE_MEMBERS, MANAGE_ROLES, MANAGE_BALLOTS]
        )
        world.committee_role = _role(world.unit, COMMITTEE_ROLE, COMMITTEE_SEATS, [CHAIR_MEETINGS, MANAGE_BALLOTS])
        founders = world.rng.sample(world.agents, COMMITTEE_SEATS + 1)
        for agent in founders:
            make_leader(world.rng, agent)
        rows = world.members(founders)
        org.seat_fill(role_type=world.chair_role, holder=rows[founders[0].member_id], how_filled="acclaimed")
        for agent in founders[1:]:
            org.seat_fill(role_type=world.committee_role, holder=rows[agent.member_id], how_filled="acclaimed")
        world.chair_id = founders[0].member_id


def _adopt(world: World) -> None:
    rows = Membership.objects.filter(unit=world.unit, status=Membership.Status.ACTIVE).order_by("member_id")
    for index, (member_id, joined_on) in enumerate(rows.values_list("member_id", "joined_on")):
        agent = make_agent(world.rng, index)
        agent.member_id = member_id
        world.agents.append(agent)
        world.by_member[member_id] = agent
        world.truth.spans[member_id] = (joined_on, None)
    world.protected = set(RoleTerm.objects.filter(holder_id__in=world.by_member).values_list("holder_id", flat=True))


def _role(unit: Unit, name: str, seats: int, capabilities: list[str]) -> RoleType:
    role = RoleType.objects.filter(unit=unit, name=name).first()
    if role is None:
        role = RoleType.objects.create(unit=unit, name=name, seats=seats, term_months=12, capabilities=capabilities)
        payload = {"unit": unit.path, "name": name, "capabilities": capabilities, "seats": seats}
        record("role.define", obj=role, payload=payload)
    return role


def _month(world: World, month: int, members: int, attendance: int) -> None:
    day = add_months(world.start, month)
    with transaction.atomic():
        if month and not world.is_adopted:
            world.at_day(day, 10)
            _join(world, max(1, round(members * JOIN_RATE * world.rng.uniform(0.5, 1.5))), month, day)
        governance.refresh_leaders(world, day)
        hold_meeting(world, day + dt.timedelta(days=7), attendance)
        if month % 3 == 2:
            governance.proposal_round(world, day + dt.timedelta(days=10))
        if month % 3 == 1:
            governance.survey_round(world, day + dt.timedelta(days=12))
        if month % 12 == 11 and not world.is_adopted:
            governance.role_round(world, day + dt.timedelta(days=14), add_months(world.start, month + 1))
        _exits(world, day + dt.timedelta(days=20), month)
    for agent in world.agents:
        agent.silenced *= 0.6


def _exits(world: World, day: dt.date, month: int) -> None:
    world.at_day(day, 12)
    chair = world.chair(MANAGE_MEMBERS)
    active = Membership.objects.filter(unit=world.unit, status=Membership.Status.ACTIVE).select_related("unit")
    for agent in world.active():
        if agent.member_id == world.chair_id or agent.member_id in world.protected:
            continue
        cause = exit_cause(world.rng, agent)
        if cause is None:
            continue
        governance.vacate(world, agent, day)
        # Only the leaver's membership is read (about 0.6 % of members a month): loading every active one each
        # month made the simulator's cost grow with the organization's size times its months.
        membership = org.membership_set_status(
            actor=chair, membership=active.get(member_id=agent.member_id), status=Membership.Status.LEFT, reason=cause,
            on=day,
        )  # fmt: skip
        agent.left_month = month
        world.truth.exits.append({"member": agent.member_id, "month": month, "cause": cause})
        world.truth.spans[agent.member_id] = (world.truth.spans[agent.member_id][0], day)
        governance.exit_survey(world, membership, agent, cause)
