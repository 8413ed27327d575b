"""One monthly meeting of the simulated unit: hands raised by the model, the order decided by the services."""

from __future__ import annotations

import datetime as dt

from rankandfile.insights.simulator.agents import Agent, wants_reply, will_speak
from rankandfile.insights.simulator.truth import ItemLog
from rankandfile.insights.simulator.world import World
from rankandfile.meetings import selectors as meeting_selectors
from rankandfile.meetings import services as meetings
from rankandfile.meetings.models import AgendaItem, Meeting, SpeakingRequest
from rankandfile.org.models import Member

AGENDA = ("Reports and the campaign plan", "Motions from members")
MAX_SPEECHES = 24
MOVE_REASON = "The chair called an officer to answer before the next speaker."
DISSENT_TEXT = "I dissent: the objection raised in the debate was answered by officers and never heard."


def hold_meeting(world: World, day: dt.date, attendance: int) -> Meeting:
    world.at_day(day)
    chair = world.chair()
    meeting = meetings.meeting_create(
        actor=chair,
        unit=world.unit,
        title=f"Branch meeting, {day:%B %Y}",
        starts_at=world.now or dt.datetime.now(dt.UTC),
        chair=chair,
        place="The branch office",
        rules_preset=world.rules,
        agenda=list(AGENDA),
    )
    leaders = world.leaders()
    others = [a for a in world.active() if not a.is_leader]
    present = leaders + world.rng.sample(others, min(len(others), attendance))
    rows = world.members(present)
    for agent in present:
        meetings.attendance_add(actor=chair, meeting=meeting, member=rows[agent.member_id])
    meetings.meeting_open(actor=chair, meeting=meeting)
    silenced: list[Agent] = []
    for index, item in enumerate(meeting.items.order_by("position", "id")):
        if index:
            meetings.item_select(actor=chair, item=item)
        silenced += _debate(world, meeting, item, present, rows, chair)
    meetings.meeting_close(actor=chair, meeting=meeting)
    for agent in silenced:
        if world.rng.random() < 0.3:
            meetings.dissent_add(member=rows[agent.member_id], meeting=meeting, text=DISSENT_TEXT)
            world.truth.dissenters.add(agent.member_id)
    return meeting


def _debate(  # noqa: PLR0917 (one item of one sitting: everything it needs is positional and local)
    world: World, meeting: Meeting, item: AgendaItem, present: list[Agent], rows: dict[int, Member], chair: Member
) -> list[Agent]:
    rng = world.rng
    log = ItemLog(meeting.pk, item.pk)
    waiting: dict[int, SpeakingRequest] = {}
    replies: dict[int, int] = {}

    def raise_hand(agent: Agent, stance: str) -> None:
        if agent.member_id in waiting or not agent.is_active:
            return
        waiting[agent.member_id] = meetings.hand_raise(member=rows[agent.member_id], meeting=meeting, stance=stance)

    leaders = [a for a in present if a.is_leader]
    crowd = [a for a in present if not a.is_leader]
    rng.shuffle(crowd)
    pending = [(a, s) for a in crowd if (s := will_speak(rng, a)) is not None]
    raise_hand(rng.choice(leaders), "for")  # an officer opens the item for the line
    for agent, stance in pending[:2]:
        raise_hand(agent, stance)
    pending = pending[2:]
    dissenter: Agent | None = None
    for _turn in range(MAX_SPEECHES):
        if not waiting:
            break
        _maybe_move_an_officer_up(world, meeting, item, chair, waiting)
        world.later(seconds=20)
        speech = meetings.speech_start(actor=chair, meeting=meeting)
        world.later(seconds=rng.randint(40, 170))
        meetings.speech_end(actor=chair, speech=speech)
        speaker = world.by_member[speech.member_id]
        waiting.pop(speaker.member_id, None)
        log.given(speech.pk, speaker.member_id, speech.stance, speaker.is_leader)
        if not speaker.is_leader and speech.stance == "against":
            dissenter = speaker
            for leader in rng.sample(leaders, len(leaders)):
                if rng.random() < leader.pile_on:
                    raise_hand(leader, "for")
        elif (
            speaker.is_leader
            and dissenter is not None
            and replies.get(dissenter.member_id, 0) < 2
            and dissenter.member_id not in waiting
            and wants_reply(rng, dissenter, speaker.sarcasm)
        ):
            replies[dissenter.member_id] = replies.get(dissenter.member_id, 0) + 1
            raise_hand(dissenter, "against")
        if pending and rng.random() < 0.6:
            agent, stance = pending.pop(0)
            raise_hand(agent, stance)
    for request in waiting.values():  # the time for the item is up: the rest withdraw
        meetings.hand_withdraw(member=rows[request.member_id], meeting=meeting)
    events = log.finish()
    world.truth.pile_ons += events
    world.truth.dissenters |= log.answered_dissenters
    silenced: list[Agent] = []
    for event in events:
        if not event["answered"]:
            agent = _dissenter_of(world, log, event)
            agent.silenced += 1.0
            silenced.append(agent)
    return silenced


def _dissenter_of(world: World, log: ItemLog, event: dict[str, object]) -> Agent:
    for dissent_id, dissenter, _answers, _start in log.runs:
        if dissent_id == event["dissent_speech"]:
            return world.by_member[dissenter]
    raise LookupError(event)


def _maybe_move_an_officer_up(
    world: World, meeting: Meeting, item: AgendaItem, chair: Member, waiting: dict[int, SpeakingRequest]
) -> None:
    """A chair who favours officers sometimes moves a waiting officer to the top, with a reason (an override)."""
    officers = [r for member_id, r in waiting.items() if world.by_member[member_id].is_leader]
    chair_agent = world.by_member[chair.pk]
    if not officers or world.rng.random() >= chair_agent.favouritism * 0.12:
        return
    queue = meeting_selectors.speaker_queue(meeting, item)
    head = queue.head
    if head is None or world.by_member[head.request.member_id].is_leader:
        return
    meetings.request_move(actor=chair, request=officers[0], position=1, reason=MOVE_REASON)
