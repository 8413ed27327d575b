"""The broadcast frame (meetings/live.py): small, shared, and without the chair's controls."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from rankandfile.meetings import live
from rankandfile.meetings.models import Meeting, SpeakingRequest, Speech
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg

FRAME_BOUND = 11_000  # bytes, with 30 waiting requests and 50 speeches: 10.8 KB (was 54.6 KB)
CHAIR_ONLY_MARKUP = ("chair-only", "data-dialog", "hx-post", "<form", "Move…", "Remove…", "Call next speaker")


def fill(meeting: Meeting, *, waiting: int, speeches: int) -> None:
    item = meeting.current_item
    assert item is not None
    start = timezone.now() - dt.timedelta(hours=2)
    members = [
        Member.objects.create(email=f"hall{i}@example.org", full_name=f"Hall Member Number {i}")
        for i in range(max(waiting, speeches))
    ]
    for i in range(speeches):
        at = start + dt.timedelta(minutes=i)
        Speech.objects.create(
            meeting=meeting,
            item=item,
            member=members[i],
            stance="for",
            started_at=at,
            ended_at=at + dt.timedelta(seconds=90),
            summary="We should keep going until the landlord does the repairs",
        )
    for i in range(waiting):
        SpeakingRequest.objects.create(
            meeting=meeting,
            item=item,
            member=members[i],
            stance="against",
            requested_at=start + dt.timedelta(minutes=60, seconds=i),
        )
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)


def test_it_keeps_the_frame_small_with_a_long_queue_and_many_speeches(org: SmallOrg, meeting: Meeting) -> None:
    fill(meeting, waiting=30, speeches=50)
    frame = live.feed.frame(meeting.pk).text
    content = json.loads(frame)["content"]
    assert content.count('class="queue-row') == 30
    assert content.count("<li data-speech-id=") == 10  # the last ten; all fifty are in the minutes
    assert len(frame.encode()) < FRAME_BOUND


def test_it_carries_no_chair_only_controls_in_the_frame(org: SmallOrg, meeting: Meeting) -> None:
    fill(meeting, waiting=3, speeches=3)
    content = json.loads(live.feed.frame(meeting.pk).text)["content"]
    for markup in CHAIR_ONLY_MARKUP:
        assert markup not in content
