"""The speaking list as random sequences against the database (issue 16): hands raised and withdrawn, members
added, moved, inserted and removed by the chair, speeches started and ended, the agenda moved on, and members who
may not take part trying. After every step: nobody waits twice on an item, the queue every screen shows holds exactly
the members waiting, at most one speech runs, the speech started is the head of the queue, every override carries
its reason and its audit entry, and a refused request changes nothing.

Each run of the machine works inside a savepoint of the test's transaction and rolls it back. `STATEFUL_EXAMPLES`
(10) bounds the runs, to keep `make test` short.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import AgendaItem, Meeting, Override, SpeakingRequest, Speech
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, make_member

EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "10"))
STANCES = ("for", "against", "neutral", "question", "point_of_order")
REASON = "Moved by the chair for the stateful test."


def speaking_list_machine(org: SmallOrg, people: list[Member], outsider: Member) -> type[Any]:
    chair = org.bob
    who = st.sampled_from(range(len(people)))

    class SpeakingList(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()
            self.meeting = make_meeting(org, agenda=["Rent strike", "Budget"])
            self.items = list(AgendaItem.objects.filter(meeting=self.meeting).order_by("position"))
            self.current = self.items[0].pk
            self.waiting: dict[int, set[int]] = {item.pk: set() for item in self.items}
            self.running: int | None = None  # the member speaking
            self.overrides = 0

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

        def _waiting_here(self) -> set[int]:
            return self.waiting[self.current]

        def _request_of(self, member: Member) -> SpeakingRequest:
            return SpeakingRequest.objects.get(
                item_id=self.current, member=member, status=SpeakingRequest.Status.WAITING
            )

        # --- members --------------------------------------------------------------------------------------
        @rule(i=who, stance=st.sampled_from(STANCES))
        def raise_hand(self, i: int, stance: str) -> None:
            member = people[i]
            if member.pk in self._waiting_here():
                with pytest.raises(ValidationError):
                    services.hand_raise(member=member, meeting=self.meeting, stance=stance)
                return
            services.hand_raise(member=member, meeting=self.meeting, stance=stance)
            self._waiting_here().add(member.pk)

        @rule(i=who)
        def withdraw_hand(self, i: int) -> None:
            member = people[i]
            if member.pk not in self._waiting_here():
                with pytest.raises(ValidationError):
                    services.hand_withdraw(member=member, meeting=self.meeting)
                return
            services.hand_withdraw(member=member, meeting=self.meeting)
            self._waiting_here().discard(member.pk)

        @rule(stance=st.sampled_from(STANCES))
        def a_member_who_may_not_take_part_tries(self, stance: str) -> None:
            with pytest.raises(PermissionDenied):
                services.hand_raise(member=outsider, meeting=self.meeting, stance=stance)

        # --- the chair ------------------------------------------------------------------------------------
        @rule(i=who, stance=st.sampled_from(STANCES))
        def chair_adds(self, i: int, stance: str) -> None:
            member = people[i]
            if member.pk in self._waiting_here():
                with pytest.raises(ValidationError):
                    services.speaker_add(actor=chair, meeting=self.meeting, member=member, stance=stance)
                return
            services.speaker_add(actor=chair, meeting=self.meeting, member=member, stance=stance)
            self._waiting_here().add(member.pk)

        @rule(i=who, position=st.integers(min_value=0, max_value=6), reason=st.sampled_from([REASON, "", "  "]))
        def chair_moves(self, i: int, position: int, reason: str) -> None:
            member = people[i]
            if member.pk not in self._waiting_here():
                return
            request = self._request_of(member)
            if position < 1 or not reason.strip():
                with pytest.raises(ValidationError):
                    services.request_move(actor=chair, request=request, position=position, reason=reason)
                return
            services.request_move(actor=chair, request=request, position=position, reason=reason)
            self.overrides += 1

        @rule(i=who, position=st.integers(min_value=1, max_value=6), stance=st.sampled_from(STANCES))
        def chair_inserts(self, i: int, position: int, stance: str) -> None:
            member = people[i]
            args = {"actor": chair, "meeting": self.meeting, "member": member, "stance": stance, "position": position}
            if member.pk in self._waiting_here():
                with pytest.raises(ValidationError):
                    services.request_insert(**args, reason=REASON)
                return
            services.request_insert(**args, reason=REASON)
            self._waiting_here().add(member.pk)
            self.overrides += 1

        @rule(i=who)
        def chair_removes(self, i: int) -> None:
            member = people[i]
            if member.pk not in self._waiting_here():
                return
            services.request_remove(actor=chair, request=self._request_of(member), reason=REASON)
            self._waiting_here().discard(member.pk)
            self.overrides += 1

        @rule()
        def a_member_tries_to_act_as_chair(self) -> None:
            with pytest.raises(PermissionDenied):
                services.speech_start(actor=org.alice, meeting=self.meeting)

        @rule()
        def call_next_speaker(self) -> None:
            if self.running is not None or not self._waiting_here():
                with pytest.raises(ValidationError):
                    services.speech_start(actor=chair, meeting=self.meeting)
                return
            head = selectors.speaker_queue(self.meeting, AgendaItem.objects.get(pk=self.current)).head
            assert head is not None
            speech = services.speech_start(actor=chair, meeting=self.meeting)
            assert speech.member_id == head.request.member_id, "the speech started is not the head of the queue"
            self._waiting_here().discard(speech.member_id)
            self.running = speech.member_id

        @rule()
        def end_speech(self) -> None:
            speech = Speech.objects.filter(meeting=self.meeting, ended_at__isnull=True).first()
            assert (speech is None) == (self.running is None)
            if speech is None:
                return
            services.speech_end(actor=chair, speech=speech)
            self.running = None

        @rule(index=st.integers(min_value=0, max_value=1))
        def take_up_an_item(self, index: int) -> None:
            item = self.items[index]
            if self.running is not None:
                with pytest.raises(ValidationError):
                    services.item_select(actor=chair, item=item)
                return
            services.item_select(actor=chair, item=item)
            self.current = item.pk

        # --- what must always hold --------------------------------------------------------------------------
        @invariant()
        def nobody_waits_twice_and_the_queue_shows_who_waits(self) -> None:
            for item in self.items:
                rows = list(
                    SpeakingRequest.objects.filter(item=item, status=SpeakingRequest.Status.WAITING).values_list(
                        "member_id", flat=True
                    )
                )
                assert len(rows) == len(set(rows)), "a member waits twice on one item"
                assert set(rows) == self.waiting[item.pk]
            current = AgendaItem.objects.get(pk=self.current)
            queue = [row.request.member_id for row in selectors.speaker_queue(self.meeting, current).rows]
            assert len(queue) == len(set(queue))
            assert set(queue) == self._waiting_here()

        @invariant()
        def one_speech_at_a_time(self) -> None:
            running = list(
                Speech.objects.filter(meeting=self.meeting, ended_at__isnull=True).values_list("member_id", flat=True)
            )
            assert running == ([self.running] if self.running is not None else [])
            assert Meeting.objects.get(pk=self.meeting.pk).current_item_id == self.current

        @invariant()
        def every_override_has_its_reason_and_audit_entry(self) -> None:
            overrides = Override.objects.filter(meeting=self.meeting)
            assert overrides.count() == self.overrides
            assert not overrides.filter(reason="").exists()
            ids = [str(pk) for pk in overrides.values_list("pk", flat=True)]
            logged = AuditEntry.objects.filter(action__startswith="meeting.override.", object_id__in=ids).count()
            assert logged == self.overrides

    return SpeakingList


@pytest.mark.django_db
def test_the_speaking_list_keeps_its_invariants_under_any_sequence(org: SmallOrg) -> None:
    people = [org.alice, org.bob, org.erin, make_member("Gita Newcomer", org.leeds), org.dave]
    machine = speaking_list_machine(org, people, outsider=org.frank)  # Frank's membership has lapsed
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
