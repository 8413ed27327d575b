"""Issue 12: the guards a chair meets (each passed only with a reason, minuted and audited) and the minutes' times.

Guards: opening more than an hour before the meeting's time, a count larger than the members checked in, a vote or
an approval of minutes while inquorate. The minutes show the real opening and closing times and every inquorate
period.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.audit.models import AuditEntry
from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import InquoratePeriod, Meeting, Motion, Override
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.testing import SmallOrg, log_in


def motion_on(org: SmallOrg, meeting: Meeting) -> Motion:
    assert meeting.current_item is not None
    return services.motion_add(actor=org.bob, meeting=meeting, item=meeting.current_item, text="That we strike.")


def test_opening_more_than_an_hour_early_needs_a_reason_that_is_minuted_and_audited(org: SmallOrg) -> None:
    meeting = make_meeting(org, is_open=False, starts_at=timezone.now() + dt.timedelta(hours=3))
    with pytest.raises(ValidationError) as refused:
        services.meeting_open(actor=org.bob, meeting=meeting)
    assert "more than an hour from now" in refused.value.message_dict["override_reason"][0]
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and not Override.objects.exists()
    services.meeting_open(actor=org.bob, meeting=meeting, override_reason="The hall closes early tonight")
    meeting.refresh_from_db()
    assert meeting.status == "open" and meeting.opened_at is not None
    override = Override.objects.get(meeting=meeting)
    assert (override.action, override.reason) == ("open_early", "The hall closes early tonight")
    entry = AuditEntry.objects.get(action="meeting.override.open_early")
    assert entry.payload["reason"] == "The hall closes early tonight"
    assert selectors.minutes_of(meeting).general_overrides == [override]


def test_opening_within_the_hour_needs_no_reason(org: SmallOrg) -> None:
    meeting = make_meeting(org, is_open=False, starts_at=timezone.now() + dt.timedelta(minutes=50))
    services.meeting_open(actor=org.bob, meeting=meeting)
    assert not Override.objects.exists()


def test_a_vote_while_inquorate_and_a_count_over_the_checked_in_each_need_a_reason(org: SmallOrg) -> None:
    meeting = make_meeting(org)  # quorum 2
    services.attendance_check_in(member=org.alice, meeting=meeting)
    motion = motion_on(org, meeting)
    with pytest.raises(ValidationError, match="not quorate: 1 checked in, quorum 2"):
        services.motion_count(actor=org.bob, motion=motion, votes_for=1, votes_against=0, votes_abstain=0)
    motion.refresh_from_db()
    assert motion.result == "pending"
    # One reason passes both guards; each becomes its own override on the item.
    services.motion_count(
        actor=org.bob, motion=motion, votes_for=3, votes_against=0, votes_abstain=0, override_reason="Urgent"
    )
    actions = list(Override.objects.filter(meeting=meeting).values_list("action", "item_id", "reason"))
    assert actions == [("inquorate", motion.item_id, "Urgent"), ("over_count", motion.item_id, "Urgent")]
    assert AuditEntry.objects.filter(action="meeting.override.over_count").count() == 1
    services.attendance_check_in(member=org.erin, meeting=meeting)
    with pytest.raises(ValidationError, match="3 votes counted, but only 2 members"):
        services.motion_count(actor=org.bob, motion=motion, votes_for=2, votes_against=1, votes_abstain=0)
    services.motion_count(actor=org.bob, motion=motion, votes_for=1, votes_against=1, votes_abstain=0)
    assert Override.objects.count() == 2
    minutes_item = selectors.minutes_of(meeting).items[0]
    assert [o.action for o in minutes_item.overrides] == ["inquorate", "over_count"]


def test_approving_minutes_while_inquorate_needs_a_reason(org: SmallOrg) -> None:
    earlier = make_meeting(org, quorum=0)
    services.meeting_close(actor=org.bob, meeting=earlier)
    later = make_meeting(org, title="Next", starts_at=earlier.starts_at + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="not quorate"):
        services.minutes_approve(actor=org.bob, meeting=later, minutes_of=earlier)
    services.minutes_approve(actor=org.bob, meeting=later, minutes_of=earlier, override_reason="Nothing contested")
    assert Override.objects.get(meeting=later).detail["what"] == "approve"


def test_the_minutes_keep_the_real_times_and_each_inquorate_period(org: SmallOrg) -> None:
    meeting = make_meeting(org)  # opened with nobody checked in, quorum 2: inquorate from the start
    services.attendance_check_in(member=org.alice, meeting=meeting)
    period = InquoratePeriod.objects.get(meeting=meeting)
    assert period.ended_at is None and period.started_at == meeting.opened_at and period.quorum == 2
    services.attendance_check_in(member=org.erin, meeting=meeting)
    period.refresh_from_db()
    assert period.ended_at is not None
    # The quorum raised while open: inquorate again until the meeting closes.
    services.meeting_update(
        actor=org.bob,
        meeting=meeting,
        title=meeting.title,
        starts_at=meeting.starts_at,
        kind=meeting.kind,
        mode=meeting.mode,
        online_link=meeting.online_link,
        chair=org.bob,
        quorum=3,
    )
    services.meeting_close(actor=org.bob, meeting=meeting)
    meeting.refresh_from_db()
    periods = list(InquoratePeriod.objects.filter(meeting=meeting))
    assert len(periods) == 2 and periods[1].ended_at == meeting.closed_at and periods[1].checked_in == 2
    assert selectors.minutes_of(meeting).inquorate_periods == periods

    client = Client()
    log_in(client, org.alice)
    page = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "Opened at" in page and "closed at" in page
    assert page.count('class="inquorate-period"') == 2
    markdown = client.get(reverse("meetings:minutes_md", args=[meeting.pk])).content.decode()
    assert "Not quorate from" in markdown and "Opened at" in markdown
