"""Issue 12, the chair console: guards seen before acting and passed with a reason; a speaker added by typing a
name (suggested by a permission-checked lookup); "Close the meeting" away from "End speech" behind a confirm."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rankandfile.meetings import selectors, services
from rankandfile.meetings.models import Meeting, Override, SpeakingRequest
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, log_in, make_member

HTMX = {"HX-Request": "true"}


def client_for(member: Member) -> Client:
    client = Client()
    log_in(client, member)
    return client


def url(name: str, meeting: Meeting) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk])


def test_the_console_warns_before_opening_early_and_opens_only_with_a_reason(org: SmallOrg) -> None:
    meeting = make_meeting(org, is_open=False, starts_at=timezone.now() + dt.timedelta(hours=2))
    bob = client_for(org.bob)
    console = bob.get(url("chair", meeting)).content.decode()
    assert "more than an hour from now" in console and 'data-dialog="open"' in console
    assert 'id="dialog-open"' in console and 'name="override_reason"' in console
    refused = bob.post(url("open", meeting), {}, headers=HTMX)
    assert refused.status_code == 422
    assert "more than an hour from now" in refused.content.decode()  # the service's message, in the feedback
    assert bob.post(url("open", meeting), {"override_reason": "Everyone came early"}, headers=HTMX).status_code == 200
    meeting.refresh_from_db()
    assert meeting.is_open
    assert Override.objects.get(meeting=meeting).reason == "Everyone came early"


def test_the_console_warns_while_inquorate_and_a_count_needs_a_reason(org: SmallOrg, meeting: Meeting) -> None:
    bob = client_for(org.bob)
    controls = bob.get(url("chair_controls", meeting)).content.decode()
    assert "Not quorate: 0 checked in, quorum 2" in controls
    assert meeting.current_item is not None
    motion = services.motion_add(actor=org.bob, meeting=meeting, item=meeting.current_item, text="That we strike.")
    count = {"motion_id": motion.pk, "votes_for": 0, "votes_against": 0, "votes_abstain": 0}
    refused = bob.post(url("motion_count", meeting), count, headers=HTMX)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="count_override_reason_error"' in html and "not quorate" in html
    passed = bob.post(url("motion_count", meeting), {**count, "override_reason": "Adjourned vote"}, headers=HTMX)
    assert passed.status_code == 200
    assert "acted while the meeting was not quorate" in passed.content.decode()  # in the shared overrides


def test_close_is_at_the_foot_of_the_console_behind_a_confirm_far_from_end_speech(
    org: SmallOrg, meeting: Meeting
) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    services.speech_start(actor=org.bob, meeting=meeting)
    bob = client_for(org.bob)
    controls = bob.get(url("chair_controls", meeting)).content.decode()
    assert 'data-place-in="#chair-end"' in controls and 'data-dialog="close"' in controls
    end_speech = controls.index('data-action="end-speech"')
    top_controls_end = controls.index("</div>", end_speech)
    assert 'data-action="close-meeting"' not in controls[:top_controls_end]  # not beside "End speech"
    console = bob.get(url("chair", meeting)).content.decode()
    assert 'id="chair-end"' in console and 'id="dialog-close"' in console
    assert console.index('class="chair-grid"') < console.index('id="chair-end"')


def test_a_chair_adds_a_speaker_by_typing_a_name(org: SmallOrg, meeting: Meeting) -> None:
    services.attendance_check_in(member=org.erin, meeting=meeting)
    bob = client_for(org.bob)
    names = bob.get(url("speaker_lookup", meeting), {"member": "eri"}).content.decode()
    assert names.startswith('<datalist id="speaker-names">')
    assert '<option value="Erin Committee">checked in</option>' in names
    assert "Alice" not in names  # only names containing what was typed
    everyone = selectors.speaker_suggestions(meeting)
    assert everyone[0][0] == org.erin  # the checked-in first
    assert {org.alice, org.bob}.issubset({m for m, _, _ in everyone})
    assert org.otto not in {m for m, _, _ in everyone}  # not a member of Leeds
    added = bob.post(url("speaker_add", meeting), {"member": "alice member", "stance": "for"}, headers=HTMX)
    assert added.status_code == 200
    assert SpeakingRequest.objects.get(meeting=meeting).member == org.alice
    unknown = bob.post(url("speaker_add", meeting), {"member": "Otto Operator", "stance": "for"}, headers=HTMX)
    assert unknown.status_code == 422 and "pick a name from the list" in unknown.content.decode()
    assert client_for(org.alice).get(url("speaker_lookup", meeting)).status_code == 403


def test_a_shared_name_is_suggested_with_its_id_and_resolves_to_that_member(org: SmallOrg, meeting: Meeting) -> None:
    services.attendance_check_in(member=org.erin, meeting=meeting)
    twin = org.alice
    twin.full_name = "Erin Committee"
    twin.save(update_fields=["full_name"])
    values = [value for _, _, value in selectors.speaker_suggestions(meeting, "erin")]
    assert sorted(values) == sorted([f"Erin Committee (#{org.erin.pk})", f"Erin Committee (#{twin.pk})"])
    bob = client_for(org.bob)
    ambiguous = bob.post(url("speaker_add", meeting), {"member": "Erin Committee", "stance": "for"}, headers=HTMX)
    assert ambiguous.status_code == 422 and "Several members are called" in ambiguous.content.decode()
    chosen = {"member": f"Erin Committee (#{twin.pk})", "stance": "against"}
    assert bob.post(url("speaker_add", meeting), chosen, headers=HTMX).status_code == 200
    assert SpeakingRequest.objects.get(meeting=meeting).member == twin


def test_a_name_shared_with_a_member_past_the_suggestions_is_suggested_with_its_id(
    org: SmallOrg, meeting: Meeting
) -> None:
    services.attendance_check_in(member=org.erin, meeting=meeting)
    for n in range(selectors.SUGGESTIONS - 1):  # the checked-in come first: these fill the list with erin
        services.attendance_add(actor=org.bob, meeting=meeting, member=make_member(f"Erin Aaa {n}", org.leeds))
    twin = make_member("Erin Twin", org.leeds)  # not checked in: past the twelve suggested
    twin.full_name = "Erin Committee"
    twin.save(update_fields=["full_name"])
    suggested = {member.pk: value for member, _, value in selectors.speaker_suggestions(meeting, "erin")}
    assert twin.pk not in suggested
    assert suggested[org.erin.pk] == f"Erin Committee (#{org.erin.pk})"


def test_no_meeting_template_carries_an_inline_style() -> None:
    """The CSP allows styles from 'self' only: an inline style logs an error on every live update (issue 12)."""
    from pathlib import Path

    from rankandfile.meetings import views

    templates = Path(views.__file__).resolve().parent.parent / "templates" / "meetings"
    offenders = [p.name for p in templates.glob("*.html") if " style=" in p.read_text() or "<style" in p.read_text()]
    assert offenders == []
