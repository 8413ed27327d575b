"""The simulated unit's governance: roles (elections or appointments), proposals with counter-proposals and
ballots, vacancies, and the climate and exit surveys. All through the services, at the simulated dates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rankandfile.ballots import services as ballots
from rankandfile.ballots.domain import kinds
from rankandfile.ballots.services import elections
from rankandfile.insights import services as insights
from rankandfile.insights.simulator.agents import Agent, likert, make_leader
from rankandfile.insights.simulator.world import World
from rankandfile.org import services as org
from rankandfile.org.models import Member, Membership, RoleTerm
from rankandfile.proposals import services as proposals
from rankandfile.proposals.selectors import cosigners_required

APPOINT_REASON = "Appointed by the chair for continuity of the branch's work."
VACANCY_REASON = "Appointed by the chair to fill a seat left vacant."
VOTERS = 24


def refresh_leaders(world: World, day: dt.date) -> None:
    """The model's leaders are whoever holds a current term (elected dissenters become officers too)."""
    holders = set(
        RoleTerm.objects.current(day)
        .filter(role_type__in=[world.chair_role, world.committee_role])
        .values_list("holder_id", "role_type_id")
    )
    current = {holder for holder, _role in holders}
    for holder, role in holders:
        if world.chair_role is not None and role == world.chair_role.pk:
            world.chair_id = holder
    for agent in world.agents:
        if agent.member_id in current and not agent.is_leader:
            make_leader(world.rng, agent)
        agent.is_leader = agent.member_id in current


def vacate(world: World, agent: Agent, day: dt.date) -> None:
    """A leaving officer's term ends; the chair appoints a loyal member to the seat."""
    if not agent.is_leader:
        return
    chair = world.chair()
    for term in RoleTerm.objects.current(day).filter(holder_id=agent.member_id).select_related("role_type__unit"):
        org.term_end(actor=chair, term=term, reason="Left the organization.", on=day)
        pick = _loyal(world, 1, exclude={agent.member_id})
        if pick:
            holder = world.member(pick[0])
            org.seat_fill(
                role_type=term.role_type,
                holder=holder,
                how_filled="appointed",
                starts_on=max(day, term.starts_on + dt.timedelta(days=1)),
                ends_on=term.ends_on if term.ends_on and term.ends_on > day else None,
                appointed_by=chair,
                reason=VACANCY_REASON,
                actor=chair,
            )
            make_leader(world.rng, pick[0])
    agent.is_leader = False


def _loyal(world: World, count: int, exclude: set[int]) -> list[Agent]:
    pool = [a for a in world.active() if not a.is_leader and a.member_id not in exclude]
    pool.sort(key=lambda a: (-(a.conformity - a.conviction), a.index))
    return pool[:count]


def role_round(world: World, day: dt.date, term_starts_on: dt.date) -> None:
    """The yearly renewal of the steering committee: an open election (fair) or appointments by the chair (open)."""
    world.at_day(day, 10)
    chair = world.chair()
    role = world.committee_role
    assert role is not None and world.chair_role is not None
    incumbents = [a for a in world.leaders() if a.member_id != world.chair_id]
    challengers = [a for a in world.active() if not a.is_leader and a.is_dissenting_type]
    if world.rules == "fair":
        _election(world, chair, incumbents, world.rng.sample(challengers, min(2, len(challengers))), term_starts_on)
    else:
        chosen = incumbents + _loyal(world, max(0, role.seats - len(incumbents)), set())
        for agent in chosen[: role.seats]:
            org.seat_fill(
                role_type=role,
                holder=world.member(agent),
                how_filled="appointed",
                starts_on=term_starts_on,
                appointed_by=chair,
                reason=APPOINT_REASON,
                actor=chair,
            )
        for agent in world.rng.sample(challengers, min(2, len(challengers))):
            agent.passed_over += 1
    org.seat_fill(role_type=world.chair_role, holder=chair, how_filled="acclaimed", starts_on=term_starts_on)


def _election(
    world: World, chair: Member, incumbents: list[Agent], challengers: list[Agent], term_starts_on: dt.date
) -> None:
    assert world.committee_role is not None
    election = elections.election_create(
        actor=chair,
        role_type=world.committee_role,
        seats=world.committee_role.seats,
        method=kinds.Method.STV_SCOTTISH,
        nominations_close_at=world.clock + dt.timedelta(days=3),
        term_starts_on=term_starts_on,
    )
    candidates = incumbents + challengers
    for agent in candidates:
        member = world.member(agent)
        elections.nomination_create(actor=member, election=election, nominee=member, statement="I stand again.")
    world.later(days=3, minutes=1)
    election = elections.election_close_nominations(actor=chair, election=election)
    if election.ballot is None:  # acclaimed (or nobody stood)
        return
    ballot = ballots.ballot_open(actor=chair, ballot=election.ballot, closes_at=world.clock + dt.timedelta(days=5))
    label_of = dict(ballot.options.values_list("candidate_id", "label"))
    labels = list(label_of.values())
    for voter in _voters(world):
        ranked = sorted(
            candidates,
            key=lambda c: -(world.rng.random() + (1.0 if c.is_dissenting_type == voter.is_dissenting_type else 0.0)),
        )
        names = [label_of[c.member_id] for c in ranked if c.member_id in label_of]
        ballots.ballot_cast(voter=world.member(voter), ballot=ballot, names=names, labels=labels)
    world.later(days=5, minutes=1)
    ballots.ballot_close(actor=chair, ballot=ballot)


def _voters(world: World) -> list[Agent]:
    cutoff = world.now.date() if world.now else timezone.localdate()
    eligible = [a for a in world.active() if world.truth.spans[a.member_id][0] <= cutoff]
    return world.rng.sample(eligible, min(VOTERS, len(eligible)))


def proposal_round(world: World, day: dt.date) -> None:
    """An officer's proposal; often a counter-proposal by a dissenter with co-signers; a ballot on both."""
    world.at_day(day, 11)
    rng = world.rng
    chair = world.chair()
    author = rng.choice(world.leaders())
    proposal = proposals.proposal_create(
        actor=world.member(author),
        unit=world.unit,
        title=f"Campaign plan for {day:%B %Y}",
        text="The officers propose that the branch focus on the workplace campaign this quarter.",
    )
    proposals.proposal_submit(actor=world.member(author), proposal=proposal)
    dissenters = [a for a in world.active() if not a.is_leader and a.is_dissenting_type]
    counter = None
    if dissenters and rng.random() < 0.7:
        counter_author = rng.choice(dissenters)
        counter = proposals.proposal_create(
            actor=world.member(counter_author),
            unit=world.unit,
            title=f"Members' plan for {day:%B %Y}",
            text="We propose instead that the branch put the housing campaign first, as members asked.",
            answers=proposal,
        )
        proposals.proposal_submit(actor=world.member(counter_author), proposal=counter)
        world.truth.dissenters.add(counter_author.member_id)
        signers = [a for a in dissenters if a is not counter_author]
        for agent in rng.sample(signers, min(len(signers), rng.randint(2, 9))):
            proposals.proposal_sign(actor=world.member(agent), proposal=counter)
            world.truth.dissenters.add(agent.member_id)
    qualifies = counter is not None and counter.cosignatures.count() >= cosigners_required(world.unit)
    kind = kinds.Kind.CHOICE if qualifies else kinds.Kind.QUESTION
    papers = [counter] if qualifies and counter is not None else []
    ballot = ballots.ballot_create(
        actor=chair,
        unit=world.unit,
        title=proposal.title,
        kind=kind,
        method=kinds.Method.IRV if qualifies else kinds.Method.YES_NO,
        cutoff_on=day,
        options=ballots.options_for(kind=kind, proposal=proposal, alternatives=papers, labels=[]),
        proposal=proposal,
    )
    ballot = ballots.ballot_open(actor=chair, ballot=ballot, closes_at=world.clock + dt.timedelta(days=7))
    labels = list(ballot.options.order_by("position").values_list("label", flat=True))
    for voter in _voters(world):
        rebel = voter.is_dissenting_type or rng.random() < 0.25
        if qualifies:
            names = [labels[1], labels[0]] if rebel else [labels[0], labels[1]]
        else:
            names = [kinds.NO if rebel else kinds.YES]
        ballots.ballot_cast(voter=world.member(voter), ballot=ballot, names=names, labels=labels)
    world.later(days=7, minutes=1)
    ballots.ballot_close(actor=chair, ballot=ballot)


def survey_round(world: World, day: dt.date) -> None:
    """A quarterly climate survey, answered anonymously by a sample of members through the ballot service."""
    world.at_day(day, 9)
    chair = world.chair()
    survey = insights.climate_survey_open(actor=chair, unit=world.unit, closes_at=world.clock + dt.timedelta(days=7))
    questions = list(survey.questions.select_related("ballot"))
    for voter in _voters(world):
        member = world.member(voter)
        score = likert(world.rng, voter)
        for question in questions:
            shifted = max(1, min(5, score + world.rng.choice((-1, 0, 0, 1))))
            ballots.ballot_cast(voter=member, ballot=question.ballot, names=[insights.likert_label(shifted)])
    world.later(days=7, minutes=1)
    for question in questions:
        ballots.ballot_close(actor=chair, ballot=question.ballot)


EXIT_REASONS = {
    "silenced after a pile-on": "silenced",
    "passed over for roles": "roles",
    "moved away": "moved",
    "no time": "no_time",
}


def exit_survey(world: World, membership: Membership, agent: Agent, cause: str) -> None:
    """The exit survey a leaving member is offered; about half answer it."""
    _invitation, raw = insights.exit_survey_offer(membership=membership, send=False)
    if world.rng.random() < 0.5:
        insights.exit_survey_answer(
            raw_token=raw, reason=EXIT_REASONS[cause], free_to_disagree=likert(world.rng, agent)
        )
