"""Views: the three screens, htmx actions with field errors, the live fragments, QR code and the minutes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rankandfile.meetings import services
from rankandfile.meetings.models import Meeting, Override, SpeakingRequest
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org.models import Member
from rankandfile.testing import SmallOrg, log_in

HTMX = {"HX-Request": "true"}


def client_for(member: Member) -> Client:
    client = Client()
    log_in(client, member)
    return client


def url(name: str, meeting: Meeting, *args: object) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk, *args])


def test_it_shows_the_member_view_with_the_live_contract(org: SmallOrg, meeting: Meeting) -> None:
    response = client_for(org.alice).get(url("meeting", meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-ws-path="/ws/meetings/{meeting.pk}/"' in html
    assert 'id="my-panel"' in html and 'id="meeting-queue"' in html and 'id="meeting-now"' in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows no inline code or style


def test_it_shows_the_chair_console_and_the_projector_only_to_those_who_run(org: SmallOrg) -> None:
    meeting = make_meeting(org, mode="in_person", place="Union hall", online_link="")
    assert client_for(org.bob).get(url("chair", meeting)).status_code == 200
    projector = client_for(org.bob).get(url("projector", meeting))
    assert projector.status_code == 200
    assert meeting.checkin_code in projector.content.decode()
    assert client_for(org.alice).get(url("chair", meeting)).status_code == 403
    assert client_for(org.alice).get(url("projector", meeting)).status_code == 403
    assert meeting.checkin_code not in client_for(org.alice).get(url("meeting", meeting)).content.decode()


def test_it_serves_the_qr_code_of_the_check_in_link(org: SmallOrg, meeting: Meeting) -> None:
    response = client_for(org.bob).get(url("qr", meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_it_raises_a_hand_over_htmx_and_answers_with_the_panel_and_the_fragments(
    org: SmallOrg, meeting: Meeting
) -> None:
    response = client_for(org.alice).post(url("hand_raise", meeting), {"stance": "for"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="my-panel"')
    assert 'id="meeting-queue" class="meeting-queue" hx-swap-oob="true"' in html
    assert "Withdraw my hand" in html
    assert int(response["X-Meeting-Version"]) == Meeting.objects.get(pk=meeting.pk).version


def test_it_answers_a_second_hand_with_a_field_error(org: SmallOrg, meeting: Meeting) -> None:
    client = client_for(org.alice)
    client.post(url("hand_raise", meeting), {"stance": "for"}, headers=HTMX)
    response = client.post(url("hand_raise", meeting), {"stance": "against"}, headers=HTMX)
    assert response.status_code == 422
    assert "already have your hand raised" in response.content.decode()
    assert SpeakingRequest.objects.filter(member=org.alice).count() == 1


def test_it_redirects_a_browser_without_htmx(org: SmallOrg, meeting: Meeting) -> None:
    response = client_for(org.alice).post(url("hand_raise", meeting), {"stance": "for"})
    assert response.status_code == 302
    assert response["Location"] == url("meeting", meeting)


def test_it_shows_the_check_in_code_error_on_its_field(org: SmallOrg) -> None:
    meeting = make_meeting(org, mode="in_person", place="Union hall", online_link="")
    response = client_for(org.alice).post(url("check_in", meeting), {"code": "wrong"}, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="checkin_code_error"' in html and "code shown on the projector" in html


def test_it_checks_in_from_the_qr_link(org: SmallOrg) -> None:
    meeting = make_meeting(org, mode="in_person", place="Union hall", online_link="")
    link = url("check_in_code", meeting, meeting.checkin_code)
    client = client_for(org.alice)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert meeting.attendances.filter(member=org.alice, how="qr").exists()


def test_it_refuses_an_override_without_a_reason_on_the_reason_field(org: SmallOrg, meeting: Meeting) -> None:
    request = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    response = client_for(org.bob).post(
        url("request_move", meeting), {"request_id": request.pk, "position": 1, "reason": ""}, headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="form-move"' in html
    assert 'id="move_reason_error"' in html and "Give a reason" in html
    assert not Override.objects.exists()


def test_it_applies_an_override_with_a_reason_and_returns_the_fragments(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    erin = services.hand_raise(member=org.erin, meeting=meeting, stance="for")
    response = client_for(org.bob).post(
        url("request_move", meeting), {"request_id": erin.pk, "position": 1, "reason": "Erin must leave"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erin must leave" in html and 'id="meeting-overrides"' in html


def test_it_refuses_a_member_posting_a_chair_action(org: SmallOrg, meeting: Meeting) -> None:
    request = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    response = client_for(org.alice).post(
        url("request_move", meeting), {"request_id": request.pk, "position": 1, "reason": "me first"}, headers=HTMX
    )
    assert response.status_code == 403
    assert not Override.objects.exists()


def test_it_reports_a_refused_one_tap_action_in_the_feedback(org: SmallOrg, meeting: Meeting) -> None:
    response = client_for(org.bob).post(url("speech_next", meeting), headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="meeting-feedback"' in html and "Nobody is waiting" in html


def test_it_calls_the_next_speaker_with_one_tap(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    response = client_for(org.bob).post(url("speech_next", meeting), headers=HTMX)
    assert response.status_code == 200
    assert 'class="speaker-name">Alice Member' in response.content.decode()


def test_it_serves_the_live_fragments_with_a_fixed_number_of_queries(
    org: SmallOrg, meeting: Meeting, django_assert_max_num_queries: object
) -> None:
    client = client_for(org.alice)
    for member in (org.alice, org.erin, org.bob):
        services.hand_raise(member=member, meeting=meeting, stance="for")
    client.get(url("live", meeting))  # warm the session and capability caches
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        response = client.get(url("live", meeting))
    assert response.status_code == 200
    assert int(response["X-Meeting-Version"]) == Meeting.objects.get(pk=meeting.pk).version
    assert response.content.decode().count("queue-row") == 3


@pytest.mark.parametrize("extra", [0, 10])
def test_it_does_not_add_queries_per_waiting_speaker(
    org: SmallOrg, meeting: Meeting, extra: int, django_assert_max_num_queries: object
) -> None:
    from rankandfile.testing import make_member

    for n in range(extra):
        services.hand_raise(member=make_member(f"Member {n}", org.leeds), meeting=meeting, stance="for")
    client = client_for(org.alice)
    client.get(url("live", meeting))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        client.get(url("live", meeting))


def test_it_returns_my_panel_with_my_place(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.erin, meeting=meeting, stance="for")
    services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    html = client_for(org.alice).get(url("me", meeting)).content.decode()
    assert "data-my-position>2<" in html
    assert f"open|{SpeakingRequest.objects.get(member=org.alice).pk}||0" in html


def test_it_shows_speeches_and_overrides_in_the_minutes_html_and_markdown(org: SmallOrg, meeting: Meeting) -> None:
    services.hand_raise(member=org.alice, meeting=meeting, stance="against")
    erin = services.hand_raise(member=org.erin, meeting=meeting, stance="for")
    services.request_move(actor=org.bob, request=erin, position=1, reason="Reporting for the committee")
    speech = services.speech_start(actor=org.bob, meeting=meeting)
    services.speech_summarize(member=org.erin, speech=speech, summary="The committee backs the strike")
    services.speech_end(actor=org.bob, speech=speech)
    client = client_for(org.alice)
    html = client.get(url("minutes", meeting)).content.decode()
    for text in ("Erin Committee", "for", "The committee backs the strike", "Reporting for the committee"):
        assert text in html
    markdown = client.get(url("minutes_md", meeting))
    assert markdown["Content-Type"].startswith("text/markdown")
    text = markdown.content.decode()
    assert "**Erin Committee**, for" in text
    assert "“The committee backs the strike”" in text
    assert "reason: Reporting for the committee" in text
    assert "&amp;" not in text  # Markdown, not escaped HTML


def test_it_lets_the_secretary_edit_the_narrative_and_shows_the_edit(org: SmallOrg, meeting: Meeting) -> None:
    client = client_for(org.bob)
    response = client.post(url("minutes_edit", meeting), {"narrative": "A lively meeting."})
    assert response.status_code == 302
    html = client.get(url("minutes", meeting)).content.decode()
    assert "A lively meeting." in html and "Edits to the narrative" in html


def test_it_shows_a_dissent_form_error_for_a_member_who_did_not_attend(org: SmallOrg, meeting: Meeting) -> None:
    response = client_for(org.alice).post(url("dissent", meeting), {"kind": "dissent", "text": "No."})
    assert response.status_code == 422
    assert "Only members who attended" in response.content.decode()


def test_it_creates_a_meeting_from_the_form_with_field_errors_first(org: SmallOrg) -> None:
    client = client_for(org.bob)
    create = reverse("meetings:create", args=[org.leeds.pk])
    data = {"title": "AGM", "kind": "general", "mode": "in_person", "starts_at": "2026-12-01T18:30", "quorum": 5}
    data["rules_preset"] = "fair"
    response = client.post(create, data)
    assert response.status_code == 200
    assert 'id="id_place_error"' in response.content.decode()
    data |= {"place": "Union hall", "agenda": "Reports\nElections"}
    response = client.post(create, data)
    assert response.status_code == 302
    created = Meeting.objects.get(title="AGM")
    assert [i.title for i in created.items.all()] == ["Reports", "Elections"]


def test_it_lists_a_units_meetings(org: SmallOrg, meeting: Meeting) -> None:
    html = client_for(org.alice).get(reverse("meetings:unit_meetings", args=[org.leeds.pk])).content.decode()
    assert meeting.title in html
    assert client_for(org.otto).get(reverse("meetings:unit_meetings", args=[org.leeds.pk])).status_code == 403


def test_it_serves_the_chair_their_controls_placed_in_the_shared_fragments(org: SmallOrg, meeting: Meeting) -> None:
    request = services.hand_raise(member=org.alice, meeting=meeting, stance="for")
    response = client_for(org.bob).get(url("chair_controls", meeting))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"data-place-in='#meeting-queue [data-request-id=\"{request.pk}\"]'" in html
    assert "Move…" in html
    assert "Call next speaker" in html
    assert client_for(org.alice).get(url("chair_controls", meeting)).status_code == 403
