"""A live meeting in three browsers and on a projector (issue 4), in Debian's chromium.

The chair (bob) and two members (alice, erin) each have their own browser context; the projector is a second tab
of the chair's. Members raise hands, the chair calls the next speaker and overrides the order with a reason, and
every page follows without a reload; a page that loses its connection catches up when it comes back; the minutes
show the speeches and the override with its reason.

`ChannelsLiveServerTestCase` serves the ASGI app (HTTP and WebSockets) from another process, so the test database
is a file (settings.py) and everything a page does goes through that server.
"""

from __future__ import annotations

import os
import re
from contextlib import ExitStack
from typing import Any, ClassVar

import pytest
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess
from django.db import connections
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from rankandfile.meetings import services
from rankandfile.meetings.models import Meeting
from rankandfile.meetings.tests.conftest import make_meeting
from rankandfile.org.models import Member
from rankandfile.testing import async_unsafe_allowed, build_small_org, chromium, log_in, make_member

pytestmark = pytest.mark.browser
CLOCK = re.compile(r"^\+?\d+:\d\d$")  # what a timer shows: 2:59, or +0:04 past the time


class FreshConnectionsDaphneProcess(DaphneProcess):
    """The live server, a forked process, on the test database with connections of its own.

    - channels' own `setup` prefixes the database name with `test_` again when no TEST NAME is set (PostgreSQL),
      and psycopg's pool then retried the missing `test_test_…` database for ever: the forked process already
      holds the test database's settings, so it needs no setup;
    - it must not share this process's open connections (or pool), or both would talk over the same sockets;
    - it must not inherit what earlier tests left in this process: the channel layers (their groups and queues
      belong to event loops that do not exist in the child) and asgiref's thread executors (threads are not copied
      by fork, so an executor that had started its one thread would queue the child's database work for ever).
    """

    def __init__(self, host: str, get_application: Any, **kwargs: Any) -> None:
        kwargs["setup"] = None
        super().__init__(host, get_application, **kwargs)

    def start(self) -> None:
        for connection in connections.all():
            connection.close()
            close_pool = getattr(connection, "close_pool", None)
            if close_pool is not None:
                close_pool()
        super().start()

    def run(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from asgiref.sync import SyncToAsync
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        SyncToAsync.context_to_thread_executor.clear()
        super().run()


@pytest.mark.browser
class LiveMeetingInTheBrowserTest(ChannelsLiveServerTestCase):
    ProtocolServerProcess = FreshConnectionsDaphneProcess
    browser: ClassVar[Browser]
    around_server: ClassVar[ExitStack]  # Django's async-safety check off, from before the server forks to its end
    around_browser: ClassVar[ExitStack]

    @classmethod
    def setUpClass(cls) -> None:
        cls.around_server = ExitStack()
        cls.around_server.enter_context(async_unsafe_allowed())
        super().setUpClass()
        cls.around_browser = ExitStack()
        cls.browser = cls.around_browser.enter_context(chromium())

    @classmethod
    def tearDownClass(cls) -> None:
        cls.around_browser.close()
        super().tearDownClass()
        cls.around_server.close()

    def setUp(self) -> None:
        self.org = build_small_org()
        self.meeting: Meeting = make_meeting(self.org)
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []

    def tearDown(self) -> None:
        for context in self.contexts:
            context.close()

    # --- helpers ---------------------------------------------------------------------------------------------
    def context_for(self, member: Member, *, width: int = 390, height: int = 844) -> BrowserContext:
        client = Client()
        log_in(client, member)
        context = self.browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.live_server_url}]
        )
        self.contexts.append(context)
        return context

    def open(self, context: BrowserContext, name: str) -> Page:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self.note_console_error)
        page.goto(self.live_server_url + reverse(f"meetings:{name}", args=[self.meeting.pk]))
        expect(page.locator("[data-live-status].is-live").first).to_be_visible()
        return page

    def note_console_error(self, message: Any) -> None:
        # A refused form answers 422 on purpose (the field errors are the content); anything else is a problem.
        if message.type == "error" and "status of 422" not in message.text:
            self.problems.append(f"console: {message.text}")

    def url(self, name: str) -> str:
        return self.live_server_url + reverse(f"meetings:{name}", args=[self.meeting.pk])

    # --- the flow --------------------------------------------------------------------------------------------
    def test_it_keeps_every_screen_live_and_minutes_the_speeches_and_overrides(self) -> None:
        chair = self.open(self.context_for(self.org.bob, width=1280, height=900), "chair")
        projector = self.open(chair.context, "projector")
        alice = self.open(self.context_for(self.org.alice), "meeting")
        erin = self.open(self.context_for(self.org.erin), "meeting")
        everyone = [chair, projector, alice, erin]

        # Members raise hands: every screen shows the queue, each member sees their own place.
        alice.locator(".raise-hand").get_by_role("button", name="for", exact=True).click()
        for page in everyone:
            expect(page.locator("#meeting-queue")).to_contain_text("Alice Member")
        expect(alice.locator("[data-my-position]")).to_have_text("1")
        erin.locator(".raise-hand").get_by_role("button", name="against", exact=True).click()
        for page in everyone:
            expect(page.locator("#meeting-queue .queue-row")).to_have_count(2)
        expect(erin.locator("[data-my-position]")).to_have_text("2")
        expect(chair.locator("#meeting-queue")).to_contain_text("in order of request")

        # The chair calls the next speaker: the current speaker and a running timer appear everywhere.
        chair.get_by_role("button", name="Call next speaker").click()
        for page in everyone:
            expect(page.locator("#meeting-now .speaker-name")).to_have_text("Alice Member")
            expect(page.locator("#meeting-now [data-timer-display]")).to_have_text(CLOCK)
        expect(erin.locator("[data-my-position]")).to_have_text("1")
        expect(alice.locator("#my-panel")).to_contain_text("You have the floor")
        chair.get_by_role("button", name="End speech").click()
        for page in everyone:
            expect(page.locator("#meeting-now")).to_contain_text("Nobody is speaking")
        expect(alice.locator(".summary-form")).to_be_visible()
        alice.locator(".summary-form input[name=summary]").fill("Strike until the repairs are done")
        alice.locator(".summary-form").get_by_role("button").click()
        expect(erin.locator("#meeting-speeches")).to_contain_text("Strike until the repairs are done")
        expect(alice.locator(".summary-saved")).to_contain_text("Strike until the repairs are done")  # confirmed
        expect(alice.locator(".summary-form input[name=summary]")).to_have_value("Strike until the repairs are done")

        # Alice asks again (no reply is due to her, so none is offered); erin's page loses its connection while
        # the chair overrides the order.
        expect(alice.locator(".raise-hand").get_by_role("button", name="reply", exact=True)).to_have_count(0)
        alice.locator(".raise-hand").get_by_role("button", name="question", exact=True).click()
        expect(chair.locator("#meeting-queue .queue-row")).to_have_count(2)
        erin.evaluate("window.meetingLive.disconnect()")
        expect(erin.locator("[data-live-status]").first).not_to_have_class("live-status is-live")
        version_before = erin.evaluate("window.meetingLive.version()")
        row = chair.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.alice.pk}"]')
        row.get_by_role("button", name="Move…", exact=True).click()
        dialog = chair.locator("#dialog-move")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Move", exact=True).click()  # no reason: refused with a field error
        expect(dialog).to_contain_text("Give a reason")
        dialog.get_by_label("Reason").fill("Alice was misquoted and asked to correct the record")
        dialog.get_by_role("button", name="Move", exact=True).click()
        expect(dialog).to_be_hidden()
        for page in (chair, projector, alice):
            expect(page.locator("#meeting-queue .queue-row").first).to_contain_text("Alice Member")
            expect(page.locator("#meeting-overrides")).to_contain_text("asked to correct the record")
        expect(erin.locator("#meeting-queue .queue-row").first).to_contain_text("Erin Committee")  # still stale
        assert erin.evaluate("window.meetingLive.version()") == version_before

        erin.evaluate("window.meetingLive.connect()")
        expect(erin.locator("#meeting-queue .queue-row").first).to_contain_text("Alice Member")
        expect(erin.locator("#meeting-overrides")).to_contain_text("asked to correct the record")
        expect(erin.locator("[data-my-position]")).to_have_text("2")

        # The minutes, produced from the meeting, show the speech, its summary and the override with its reason.
        alice.goto(self.url("minutes"))
        minutes = alice.locator("article.minutes")
        expect(minutes).to_contain_text("Alice Member")
        expect(minutes).to_contain_text("Strike until the repairs are done")
        expect(minutes).to_contain_text("Alice was misquoted and asked to correct the record")
        assert not self.problems, self.problems

    def test_the_members_bar_on_a_phone_checks_in_by_raising_a_hand_and_marks_her_row(self) -> None:
        """Issue 12: the bar stays at the top; raising a hand checks alice in; her own row is marked with why it is
        where it is; "reply" is offered only when due."""
        erin = self.open(self.context_for(self.org.erin), "meeting")
        erin.locator(".raise-hand").get_by_role("button", name="against", exact=True).click()
        alice = self.open(self.context_for(self.org.alice), "meeting")
        bar = alice.locator("#my-panel")
        box = bar.bounding_box()
        assert box is not None and box["y"] + box["height"] < 844  # the bar is on the first screen
        expect(bar.get_by_role("button", name="reply", exact=True)).to_have_count(0)
        bar.get_by_role("button", name="for", exact=True).click()
        expect(bar).to_contain_text("You are checked in.")
        mine = alice.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.alice.pk}"]')
        expect(mine).to_have_class(re.compile("is-me"))
        expect(mine.locator(".my-reason")).to_contain_text("You are here because:")
        expect(erin.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.alice.pk}"]')).not_to_have_class(
            re.compile("is-me")
        )
        alice.mouse.wheel(0, 2000)
        alice.wait_for_timeout(300)
        box = bar.bounding_box()
        assert box is not None and -1 <= box["y"] < 10  # still at the top after scrolling
        for button in bar.get_by_role("button").all():
            button_box = button.bounding_box()
            assert button_box is not None and button_box["height"] >= 44
        assert not self.problems, self.problems

    # --- issue 12: the chair console, the projector, the member's journeys -----------------------------------
    @staticmethod
    def open_chair_box(page: Page, summary: str) -> None:
        """Open one of the console's folded forms, as a chair does: click its summary until it shows open.

        Once, on a loaded machine, the motion's form stayed folded after the click (most likely a live update moved
        the summary between Playwright's hit test and its click). A chair who sees the form stay folded clicks
        again; so does this, up to three times, and then the wait fails.
        """
        box = page.locator("details.chair-box", has=page.get_by_text(summary, exact=True))
        for _ in range(3):
            if box.get_attribute("open") is None:
                box.locator("summary").click()
            try:
                expect(box).to_have_attribute("open", "", timeout=2_000)
                return
            except AssertionError:
                continue
        expect(box).to_have_attribute("open", "")

    def csp_errors(self) -> list[str]:
        return [p for p in self.problems if "Content-Security-Policy" in p or "Content Security Policy" in p]

    def test_the_chair_console_logs_no_csp_error_and_keeps_close_away_from_end_speech(self) -> None:
        chair = self.open(self.context_for(self.org.bob, width=1920, height=1080), "chair")
        alice = self.open(self.context_for(self.org.alice), "meeting")
        alice.locator(".raise-hand").get_by_role("button", name="for", exact=True).click()
        expect(chair.locator("#meeting-queue .queue-row")).to_have_count(1)
        # Inquorate (alice alone, quorum 2): the chair sees the warning before acting.
        expect(chair.locator("#meeting-now .guard-warning")).to_contain_text("Not quorate: 1 checked in, quorum 2")

        # A speaker without a phone, added by typing a name: the list suggests from the members who may take part.
        self.open_chair_box(chair, "Add a speaker without a phone")
        name = chair.locator("#form-add-speaker input[name=member]")
        name.press_sequentially("Eri")
        expect(chair.locator("#speaker-names option[value='Erin Committee']")).to_have_count(1)
        expect(chair.locator("#speaker-names option[value='Alice Member']")).to_have_count(0)
        name.fill("Erin Committee")
        chair.locator("#form-add-speaker").get_by_label("Stance").select_option("against")
        chair.locator("#form-add-speaker").get_by_role("button", name="Add to the list").click()
        expect(chair.locator("#meeting-queue .queue-row")).to_have_count(2)

        chair.get_by_role("button", name="Call next speaker").click()
        end_speech = chair.get_by_role("button", name="End speech")
        close = chair.get_by_role("button", name="Close the meeting…")
        expect(end_speech).to_be_visible()
        assert chair.locator("#meeting-now").get_by_role("button", name="Close the meeting…").count() == 0
        expect(chair.locator("#chair-end")).to_contain_text("Close the meeting…")
        end_box, close_box = end_speech.bounding_box(), close.bounding_box()
        assert end_box is not None and close_box is not None
        assert close_box["y"] - (end_box["y"] + end_box["height"]) > 300  # another region of the page
        if shots := os.environ.get("RF_SCREENSHOTS"):
            chair.screenshot(path=f"{shots}/chair-1080p.png", full_page=True, caret="initial")  # no injected style
        end_speech.click()
        expect(chair.locator("#meeting-now")).to_contain_text("Nobody is speaking")

        # The count meets two guards; the dialog shows the service's warning on the reason field.
        self.open_chair_box(chair, "Put a motion on this item")
        chair.locator("#form-motion textarea[name=text]").fill("That the branch backs the strike.")
        chair.locator("#form-motion").get_by_role("button", name="Add motion").click()
        chair.get_by_role("button", name="Record the count…").click()
        dialog = chair.locator("#dialog-count")
        dialog.get_by_label("For").fill("3")
        dialog.get_by_label("Against").fill("0")
        dialog.get_by_role("button", name="Record the count").click()
        expect(dialog).to_contain_text("not quorate: 1 checked in, quorum 2")
        dialog.get_by_label("Reason to go ahead anyway").fill("Members at the door voted by show of hands")
        dialog.get_by_role("button", name="Record the count").click()
        expect(dialog).to_be_hidden()
        expect(chair.locator("#meeting-overrides")).to_contain_text("Members at the door voted")

        # Closing takes a confirm step.
        close.click()
        confirm = chair.locator("#dialog-close")
        expect(confirm).to_be_visible()
        confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_be_hidden()
        assert chair.locator("#meeting-now").get_attribute("data-status") == "open"
        close.click()
        confirm.get_by_role("button", name="Yes, close the meeting").click()
        expect(chair.locator("#meeting-now")).to_have_attribute("data-status", "closed")
        assert not self.csp_errors(), self.csp_errors()  # each live update logged one while styles were inline
        assert chair.locator("#meeting [style]").count() == 0
        assert not self.problems, self.problems

    def test_the_projector_fits_one_1080p_screen_with_big_badges_and_a_reason_per_speaker(self) -> None:
        for n in range(12):
            person = make_member(f"Speaker Number {n + 1} With A Long Family Name", self.org.leeds)
            stance = ("for", "against", "question")[n % 3]
            services.hand_raise(member=person, meeting=self.meeting, stance=stance)
        services.hand_raise(member=self.org.alice, meeting=self.meeting, stance="for")
        services.speech_start(actor=self.org.bob, meeting=self.meeting)
        projector = self.open(self.context_for(self.org.bob, width=1920, height=1080), "projector")
        rows = projector.locator("#meeting-queue .queue-row")
        expect(rows).to_have_count(12)
        if shots := os.environ.get("RF_SCREENSHOTS"):  # to look at it: RF_SCREENSHOTS=/some/dir
            projector.screenshot(path=f"{shots}/projector-1080p.png", caret="initial")
        for i in range(12):
            row = rows.nth(i)
            expect(row).to_be_visible()
            reason = row.locator(".queue-reasons")
            expect(reason).to_be_visible()
            reason_box, name_box = reason.bounding_box(), row.locator("b").bounding_box()
            assert reason_box is not None and name_box is not None
            assert reason_box["height"] < 1.6 * 0.022 * 1080 * 1.5  # one line
        for badge in projector.locator(".stance, .tag").all():
            if badge.is_visible():
                box = badge.bounding_box()
                assert box is not None and box["height"] >= 0.03 * 1080, (badge.text_content(), box)
        expect(projector.locator("#meeting-now .speaker-name")).to_be_visible()
        sizes = projector.evaluate(
            "({sh: document.documentElement.scrollHeight, ch: document.documentElement.clientHeight,"
            " sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth})"
        )
        assert sizes["sh"] <= sizes["ch"] and sizes["sw"] <= sizes["cw"], sizes  # no scrolling
        last = rows.nth(11).bounding_box()
        assert last is not None and last["y"] + last["height"] <= 1080
        waiting = projector.locator("#meeting-queue .queue-more")  # the count, on the screen too
        expect(waiting).to_have_text("12 waiting")
        count_box = waiting.bounding_box()
        assert count_box is not None and count_box["y"] + count_box["height"] <= 1080
        assert not self.csp_errors(), self.csp_errors()
        assert not self.problems, self.problems

    def test_a_member_on_a_phone_is_told_why_she_moved_and_is_offered_a_reply_only_when_due(self) -> None:
        alice = self.open(self.context_for(self.org.alice), "meeting")
        erin = self.open(self.context_for(self.org.erin), "meeting")
        chair = self.open(self.context_for(self.org.bob, width=1920, height=1080), "chair")
        alice.locator(".raise-hand").get_by_role("button", name="for", exact=True).click()
        erin.locator(".raise-hand").get_by_role("button", name="against", exact=True).click()
        expect(erin.locator("[data-my-position]")).to_have_text("2")
        mine = erin.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.erin.pk}"] .my-reason')
        expect(mine).to_contain_text("You are here because:")
        row = chair.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.erin.pk}"]')
        row.get_by_role("button", name="Move…", exact=True).click()
        chair.locator("#dialog-move").get_by_label("Reason").fill("Erin reports for the committee")
        chair.locator("#dialog-move").get_by_role("button", name="Move", exact=True).click()
        expect(erin.locator("[data-my-position]")).to_have_text("1")
        expect(mine).to_contain_text("You moved from place 2 to 1 because: placed by the chair: Erin reports")
        expect(mine).to_have_class(re.compile("is-moved"))
        # alice's own row says why she is where she is; her screen shows erin's row unmarked.
        alice_row = alice.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.alice.pk}"]')
        expect(alice_row.locator(".my-reason")).to_contain_text("You moved from place 1 to 2 because:")
        erin_on_alices = alice.locator(f'#meeting-queue .queue-row[data-member-id="{self.org.erin.pk}"]')
        expect(erin_on_alices.locator(".my-reason")).to_have_count(0)

        # Erin (against) speaks, then alice (for) ... erin is answered: "reply" is offered to the member due one.
        for _ in range(2):
            chair.get_by_role("button", name="Call next speaker").click()
            expect(chair.get_by_role("button", name="End speech")).to_be_visible()
            chair.get_by_role("button", name="End speech").click()
            expect(chair.locator("#meeting-now")).to_contain_text("Nobody is speaking")
        expect(alice.locator(".raise-hand").get_by_role("button", name="reply", exact=True)).to_have_count(0)
        expect(erin.locator(".raise-hand").get_by_role("button", name="reply", exact=True)).to_have_count(0)
        gina = make_member("Gina Member", self.org.leeds)  # a second "for" speaker (raised without a page)
        services.hand_raise(member=gina, meeting=self.meeting, stance="for")
        chair.reload()
        chair.get_by_role("button", name="Call next speaker").click()
        expect(chair.locator("#meeting-now .speaker-name")).to_have_text("Gina Member")
        chair.get_by_role("button", name="End speech").click()
        expect(chair.locator("#meeting-now")).to_contain_text("Nobody is speaking")
        # erin (against) was answered by two "for" speeches in a row (right of reply after 2 in the fair rules).
        reply = erin.locator(".raise-hand").get_by_role("button", name="reply", exact=True)
        expect(reply).to_be_visible()
        expect(erin.locator(".reply-offer")).to_be_visible()
        expect(alice.locator(".raise-hand").get_by_role("button", name="reply", exact=True)).to_have_count(0)
        box = reply.bounding_box()
        assert box is not None and box["height"] >= 44
        assert not self.csp_errors(), self.csp_errors()
        assert not self.problems, self.problems

    def test_a_saved_summary_is_confirmed_and_editable_until_the_minutes_are_approved(self) -> None:
        services.attendance_check_in(member=self.org.alice, meeting=self.meeting)
        services.attendance_check_in(member=self.org.erin, meeting=self.meeting)
        services.hand_raise(member=self.org.alice, meeting=self.meeting, stance="for")
        speech = services.speech_start(actor=self.org.bob, meeting=self.meeting)
        services.speech_end(actor=self.org.bob, speech=speech)
        alice = self.open(self.context_for(self.org.alice), "meeting")
        form = alice.locator(".summary-form")
        form.locator("input[name=summary]").fill("Strike until the repairs are done")
        form.get_by_role("button", name="Save my summary").click()
        expect(alice.locator(".summary-saved")).to_contain_text("Strike until the repairs are done")
        expect(alice.locator(".summary-saved")).to_contain_text("You can change it until the minutes are approved")
        form.locator("input[name=summary]").fill("Strike until every repair is done")
        form.get_by_role("button", name="Change my summary").click()
        expect(alice.locator(".summary-saved")).to_contain_text("Strike until every repair is done")

        # A later meeting approves the minutes: the summary is locked, no longer offered for editing.
        services.meeting_close(actor=self.org.bob, meeting=self.meeting)
        later = make_meeting(self.org, title="Next meeting", quorum=0)
        services.minutes_approve(actor=self.org.bob, meeting=later, minutes_of=self.meeting)
        alice.reload()
        expect(alice.locator(".summary-form")).to_have_count(0)
        alice.goto(self.url("minutes"))
        expect(alice.locator("article.minutes")).to_contain_text("Strike until every repair is done")
        expect(alice.locator("article.minutes .minutes-times")).to_contain_text("Opened at")
        assert not self.problems, self.problems
