"""Demo activity: what a new organizer sees after `make demo` in the Millbrook branch of the demo organization.

Everything is created through the apps' services (so the audit chain records it as it would any real use):

1. a closed branch meeting: agenda, attendance, speeches with stances and summaries, a chair override with its
   reason, a motion counted by a show of hands (its minutes page);
2. a meeting next week, chaired by the chair@ login, that members can join;
3. a submitted proposal, a counter-proposal by another member, and co-signatures;
4. an open remote ballot (a yes/no question) in which the member@ login has not voted yet;
5. a closed STV election to the branch steering committee, with its ballots counted and the results published.

The services stamp the moment they run, so the past is made with the clock set (time-machine, in the demo only):
the closed meeting takes its evening two hours ago, speech by speech, and the election runs its nominations, vote
and count in the hour before the load; what is still open is made at the real time. Nothing is rewritten afterwards.
Loading twice does nothing the second time: when the closed demo meeting exists, `load_activity` returns False.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import time_machine
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rankandfile.ballots import services as ballots
from rankandfile.ballots.domain import kinds
from rankandfile.ballots.models import Ballot, Election
from rankandfile.ballots.services import elections
from rankandfile.demo.shape import DEMO_DOMAIN, PERSONAS, ROOT_SLUG
from rankandfile.meetings import services as meetings
from rankandfile.meetings.domain.speaking_order import Stance
from rankandfile.meetings.models import Meeting, Speech
from rankandfile.org.models import Member, Membership, RoleTerm, RoleType, Unit
from rankandfile.proposals import services as proposals
from rankandfile.proposals.models import Proposal

BRANCH_PATH = f"{ROOT_SLUG}/riverside/millbrook"
PAST_MEETING_TITLE = "Branch meeting: staffing at the depot"
NEXT_MEETING_TITLE = "Branch meeting: the Saturday office"
PROPOSAL_TITLE = "Open the branch office on Saturday mornings"
COUNTER_TITLE = "Open the branch office two weekday evenings instead"
QUESTION_TITLE = "Should Millbrook branch affiliate to the Millbrook Trades Council?"
STEERING_ROLE = "Steering committee"
RNG_SEED = 2026

AGENDA = [
    "Minutes of the last meeting and matters arising",
    "Staffing at the depot",
    "The branch social fund",
]

# (speaker index in the pool, stance, one-line summary in the speaker's words or "")
DEPOT_SPEECHES: list[tuple[int, Stance, str]] = [
    (0, Stance.FOR, "Three vacancies unfilled since June: the night shift runs two people short every week."),
    (1, Stance.QUESTION, ""),
    (2, Stance.AGAINST, "I agree on the vacancies, but a petition first, then the overtime ban if it fails."),
    (3, Stance.FOR, ""),
    (4, Stance.AGAINST, ""),
    (5, Stance.FOR, ""),
]


def _persona(key: str) -> Member:
    return Member.objects.get(email=f"{key}@{DEMO_DOMAIN}")


def _pool(branch: Unit) -> QuerySet[Member]:
    """Active members of the branch who are not demo logins, in a fixed order."""
    persona_emails = [f"{p.key}@{DEMO_DOMAIN}" for p in PERSONAS]
    return (
        Member.objects.filter(memberships__unit=branch, memberships__status=Membership.Status.ACTIVE, is_active=True)
        .exclude(email__in=persona_emails)
        .distinct()
        .order_by("pk")
    )


def activity_loaded() -> bool:
    return Meeting.objects.filter(unit__path=BRANCH_PATH, title=PAST_MEETING_TITLE).exists()


def load_activity() -> bool:
    """Create the demo activity in one transaction; return False (changing nothing) when it is already there."""
    with transaction.atomic():
        if activity_loaded():
            return False
        branch = Unit.objects.get(path=BRANCH_PATH)
        chair, member, organizer = _persona("chair"), _persona("member"), _persona("organizer")
        pool = _pool(branch)
        # Candidates for the steering committee hold no role yet (so no term limit stands in their way).
        candidates = list(pool.exclude(pk__in=RoleTerm.objects.values("holder_id")).reverse()[: len(STATEMENTS)])
        others = list(pool.exclude(pk__in=[c.pk for c in candidates]))
        now = timezone.now()
        with time_machine.travel(now - dt.timedelta(hours=2, minutes=10), tick=False) as traveller:
            clock = Clock(traveller)
            _past_meeting(branch, chair, member, others[:40], clock)
            traveller.move_to(now - dt.timedelta(minutes=50))
            _election(branch, organizer, candidates, others[:45], clock)
        _next_meeting(branch, chair)
        _proposals(branch, others[40:48])
        _open_question(branch, organizer, others[:24])
    return True


class Clock:
    """The demo's clock while it makes the past: each step moves it on by a seeded number of seconds."""

    def __init__(self, traveller: Any) -> None:
        self.traveller = traveller
        self.rng = random.Random(RNG_SEED)

    def wait(self, low: int, high: int | None = None) -> None:
        self.traveller.shift(dt.timedelta(seconds=low if high is None else self.rng.randint(low, high)))


# --- 1. the closed meeting ----------------------------------------------------------------------------------
def _speak(
    chair: Member, meeting: Meeting, speaker: Member, stance: Stance, clock: Clock, *, summary: str = ""
) -> Speech:
    meetings.hand_raise(member=speaker, meeting=meeting, stance=stance)
    return _call_next(chair, meeting, clock, summary=summary)


def _call_next(chair: Member, meeting: Meeting, clock: Clock, *, summary: str = "") -> Speech:
    """The chair's words between speeches, then a speech of one to three minutes."""
    clock.wait(20, 90)
    speech = meetings.speech_start(actor=chair, meeting=meeting)
    clock.wait(60, 180)
    meetings.speech_end(actor=chair, speech=speech)
    if summary:
        meetings.speech_summarize(member=speech.member, speech=speech, summary=summary)
    return speech


def _past_meeting(branch: Unit, chair: Member, member: Member, people: list[Member], clock: Clock) -> Meeting:
    """Scheduled ten minutes before it starts, opened three minutes late, held speech by speech."""
    meeting = meetings.meeting_create(
        actor=chair,
        unit=branch,
        title=PAST_MEETING_TITLE,
        starts_at=timezone.now() + dt.timedelta(minutes=10),
        place="Millbrook Community Hall, Station Road",
        chair=chair,
        secretary=people[0],
        quorum=15,
        agenda=AGENDA,
    )
    for attendee in [chair, member, *people[:30]]:
        clock.wait(5, 20)
        meetings.attendance_add(actor=chair, meeting=meeting, member=attendee)
    clock.traveller.move_to(meeting.starts_at + dt.timedelta(minutes=3))
    meetings.meeting_open(actor=chair, meeting=meeting)
    minutes, depot, fund = list(meeting.items.all())

    _speak(
        chair, meeting, people[10], Stance.NEUTRAL, clock, summary="The canteen repairs promised last time are done."
    )
    clock.wait(30)
    approve = meetings.motion_add(
        actor=chair, meeting=meeting, item=minutes, text="That the minutes of the last meeting be approved."
    )
    meetings.motion_count(actor=chair, motion=approve, votes_for=27, votes_against=0, votes_abstain=3)

    clock.wait(60)
    meetings.item_select(actor=chair, item=depot)
    speakers = people[11:]
    for index, stance, summary in DEPOT_SPEECHES:
        _speak(chair, meeting, speakers[index], stance, clock, summary=summary)
    # The chair's override: moving a member up the list, with the reason everyone sees and the minutes keep.
    meetings.hand_raise(member=speakers[6], meeting=meeting, stance=Stance.FOR)
    moved = meetings.hand_raise(member=speakers[7], meeting=meeting, stance=Stance.AGAINST)
    meetings.request_move(
        actor=chair,
        request=moved,
        position=1,
        reason="Called before their turn: leaving early for the night shift at the depot.",
    )
    _call_next(
        chair, meeting, clock, summary="We cannot afford lost pay in December: ballot the members before any ban."
    )
    _call_next(chair, meeting, clock)
    clock.wait(30)
    motion = meetings.motion_add(
        actor=chair,
        meeting=meeting,
        item=depot,
        text=(
            "That the branch petition management to fill the three depot vacancies within six weeks, and ballot "
            "the members on an overtime ban if they are not filled."
        ),
        moved_by=speakers[0],
    )
    meetings.motion_count(actor=chair, motion=motion, votes_for=21, votes_against=7, votes_abstain=2)

    clock.wait(60)
    meetings.item_select(actor=chair, item=fund)
    _speak(chair, meeting, speakers[8], Stance.QUESTION, clock)
    _speak(
        chair,
        meeting,
        member,
        Stance.FOR,
        clock,
        summary="The fund should pay for childcare so parents can come to meetings.",
    )
    clock.wait(240)
    return meetings.meeting_close(actor=chair, meeting=meeting)


# --- 2. next week's meeting ---------------------------------------------------------------------------------
def _next_meeting(branch: Unit, chair: Member) -> Meeting:
    day = timezone.localdate() + dt.timedelta(days=7)
    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0)))
    return meetings.meeting_create(
        actor=chair,
        unit=branch,
        title=NEXT_MEETING_TITLE,
        starts_at=starts_at,
        mode=Meeting.Mode.HYBRID,
        place="Millbrook Community Hall, Station Road",
        online_link="https://meet.example.org/cwf-millbrook",
        chair=chair,
        quorum=15,
        agenda=[
            "Minutes of the last meeting",
            "Report back: the depot petition",
            "Opening the branch office on Saturdays",
            "Any other business",
        ],
    )


# --- 3. a proposal and its counter-proposal ----------------------------------------------------------------
PROPOSAL_TEXT = """Members on shifts cannot reach the branch office, which is open only on weekday afternoons.

The branch opens the office every Saturday from 9:00 to 12:00, staffed by two volunteers on a rota kept by the
secretary, for a trial of six months. The steering committee reports on visits and costs at the end of the trial."""

COUNTER_TEXT = """Saturday mornings suit day workers, but the night shift sleeps then, and volunteers are scarce at
weekends.

The branch opens the office on Tuesday and Thursday evenings from 18:00 to 20:00 instead, staffed by two volunteers
on a rota kept by the secretary, for a trial of six months, with the same report at the end."""


def _proposals(branch: Unit, people: list[Member]) -> Proposal:
    author, counter_author = people[0], people[1]
    proposal = proposals.proposal_create(actor=author, unit=branch, title=PROPOSAL_TITLE, text=PROPOSAL_TEXT)
    proposals.proposal_submit(actor=author, proposal=proposal)
    counter = proposals.proposal_create(
        actor=counter_author, unit=branch, title=COUNTER_TITLE, text=COUNTER_TEXT, answers=proposal
    )
    proposals.proposal_submit(actor=counter_author, proposal=counter)
    for signer in people[2:6]:
        proposals.proposal_sign(actor=signer, proposal=proposal)
    for signer in people[6:8]:
        proposals.proposal_sign(actor=signer, proposal=counter)
    return proposal


# --- 4. an open ballot -------------------------------------------------------------------------------------
def _open_question(branch: Unit, organizer: Member, voters: list[Member]) -> Ballot:
    ballot = ballots.ballot_create(
        actor=organizer,
        unit=branch,
        title=QUESTION_TITLE,
        description=(
            "The Trades Council brings together the unions of Millbrook. Affiliation costs the branch 40 a year "
            "and gives it two delegates."
        ),
        kind=kinds.Kind.QUESTION,
        method=kinds.Method.YES_NO,
        cutoff_on=timezone.localdate(),
        options=ballots.options_for(kind=kinds.Kind.QUESTION, proposal=None, alternatives=[], labels=[]),
    )
    ballot = ballots.ballot_open(actor=organizer, ballot=ballot, closes_at=timezone.now() + dt.timedelta(days=5))
    rng = random.Random(RNG_SEED)
    labels = list(kinds.QUESTION_OPTIONS)
    for voter in voters:
        choice = rng.choices(labels, weights=[6, 3, 1])[0]
        ballots.ballot_cast(voter=voter, ballot=ballot, names=[choice], labels=labels)
    return ballot


# --- 5. a closed election ----------------------------------------------------------------------------------
STATEMENTS = [
    "Twelve years at the depot; I organised the petition on the night-shift rota.",
    "I want the branch to meet where shift workers can come, and to publish every decision within a week.",
    "Treasurer of the tenants' association on Mill Lane; I will keep the social fund honest.",
    "New to the branch and not afraid of the work: I will run the Saturday rota if it passes.",
    "Steward at the sorting office for five years; the steering committee should hear from every workplace.",
]


def _election(
    branch: Unit, organizer: Member, candidates: list[Member], voters: list[Member], clock: Clock
) -> Election:
    """Nominations for ten minutes, a vote of about a quarter of an hour, then the count (closed by the organizer)."""
    role_type = RoleType.objects.get(unit=branch, name=STEERING_ROLE)
    # The new terms start when the last current term ends (a term's end date is exclusive).
    ends = [day for day in role_type.terms.values_list("ends_on", flat=True) if day is not None]
    term_starts_on = max([*ends, timezone.localdate()])
    closes_at = timezone.now() + dt.timedelta(minutes=10)
    election = elections.election_create(
        actor=organizer,
        role_type=role_type,
        seats=role_type.seats,
        method=kinds.Method.STV_SCOTTISH,
        nominations_close_at=closes_at,
        term_starts_on=term_starts_on,
    )
    for candidate, statement in zip(candidates, STATEMENTS, strict=True):
        clock.wait(30, 90)
        elections.nomination_create(actor=candidate, election=election, nominee=candidate, statement=statement)
    clock.traveller.move_to(closes_at + dt.timedelta(seconds=30))
    election = elections.election_close_nominations(actor=organizer, election=election)
    assert election.ballot is not None
    ballot = ballots.ballot_open(
        actor=organizer, ballot=election.ballot, closes_at=timezone.now() + dt.timedelta(days=1)
    )
    labels = list(ballot.options.order_by("position").values_list("label", flat=True))
    # Uneven support, so that the count takes several stages: surpluses transferred, the last candidates excluded.
    weights = [9, 7, 5, 3, 2]
    rng = random.Random(RNG_SEED + 1)
    for voter in voters:
        order = sorted(labels, key=lambda label: rng.random() ** (1 / weights[labels.index(label)]), reverse=True)
        clock.wait(5, 30)
        ballots.ballot_cast(voter=voter, ballot=ballot, names=order[: rng.randint(2, len(order))], labels=labels)
    clock.wait(60)
    ballots.ballot_close(actor=organizer, ballot=ballot)
    election.refresh_from_db()
    return election
