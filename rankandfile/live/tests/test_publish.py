"""Publishing a live update (rankandfile/live/publish.py): one frame shape, sent after commit, coalesced on request."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import close_old_connections, transaction

from rankandfile.live import publish as live_publish
from rankandfile.live.publish import Feed, ServerLoop

TIMEOUT = 10  # seconds: only reached when a test fails


class Published:
    """Stands in for the channel layer: records each (group, version, frame) and wakes whoever waits for one."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, int, str]] = []
        self._changed: asyncio.Condition | None = None

    async def __call__(self, group: str, version: int, frame: str) -> None:
        self.frames.append((group, version, frame))
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def until_version(self, version: int) -> None:
        self._changed = self._changed or asyncio.Condition()
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.versions[-1:] == [version]), TIMEOUT)

    @property
    def versions(self) -> list[int]:
        return [version for _, version, _ in self.frames]


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Published:
    recorder = Published()
    monkeypatch.setattr(live_publish, "publish", recorder)
    return recorder


class Thing:
    """An object whose state the test changes: `version` is its state, as a row's version column would be."""

    def __init__(self) -> None:
        self.version = 0

    def render(self, pk: int) -> tuple[int, str] | None:
        return (self.version, f"<p id='thing-{pk}'>state {self.version} …</p>") if self.version >= 0 else None


def test_it_sends_the_whole_state_as_compact_utf8_json() -> None:
    thing = Thing()
    thing.version = 3
    frame = Feed("thing", thing.render).frame(9)
    assert frame.version == 3
    assert frame.text == '{"version":3,"content":"<p id=\'thing-9\'>state 3 …</p>"}'
    assert json.loads(frame.text) == {"version": 3, "content": "<p id='thing-9'>state 3 …</p>"}


def test_it_sends_an_empty_frame_for_an_object_that_is_gone() -> None:
    thing = Thing()
    thing.version = -1
    assert json.loads(Feed("thing", thing.render).frame(9).text) == {"version": 0, "content": ""}


def test_it_names_the_group_after_the_kind_and_the_id() -> None:
    assert Feed("meeting", Thing().render).group(12) == "meeting-12"


@pytest.mark.django_db(transaction=True)
def test_it_publishes_after_commit_and_not_before(published: Published) -> None:
    thing = Thing()
    feed = Feed("thing", thing.render)
    with transaction.atomic():
        thing.version = 1
        feed.publish_on_commit(4)
        assert published.frames == []
        thing.version = 2  # a later write of the same transaction: the frame shows the committed state
    assert published.versions == [2] and published.frames[0][0] == "thing-4"


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_when_the_transaction_rolls_back(published: Published) -> None:
    feed = Feed("thing", Thing().render)
    with pytest.raises(RuntimeError), transaction.atomic():
        feed.publish_on_commit(4)
        raise RuntimeError("refused")
    assert published.frames == []


@pytest.mark.django_db(transaction=True)
def test_it_publishes_at_once_outside_a_server_even_when_it_coalesces(published: Published) -> None:
    thing = Thing()
    feed = Feed("thing", thing.render, coalesce_seconds=60)
    for version in (1, 2, 3):
        with transaction.atomic():
            thing.version = version
            feed.publish_on_commit(4)
    assert published.versions == [1, 2, 3]  # a command or a test: no event loop to hand the frame to


@pytest.mark.django_db(transaction=True)
def test_a_failed_publish_never_fails_the_committed_write(
    published: Published, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(pk: int) -> tuple[int, str]:
        raise ConnectionError("layer down")

    with caplog.at_level(logging.WARNING, logger="rankandfile.live.publish"), transaction.atomic():
        Feed("thing", broken).publish_on_commit(4)
    assert published.frames == [] and "publish to thing-4 failed" in caplog.text


@pytest.mark.django_db(transaction=True)
async def test_it_coalesces_a_burst_of_commits_inside_a_server_into_fewer_frames(published: Published) -> None:
    thing = Thing()
    feed = Feed("thing", thing.render, coalesce_seconds=0.05)

    def burst() -> None:  # a request's code, run in a thread as Django runs a view
        try:
            for version in range(1, 21):
                with transaction.atomic():
                    thing.version = version
                    feed.publish_on_commit(4)
        finally:
            close_old_connections()  # as Django does when a request ends

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await sync_to_async(burst)()

    await ServerLoop(app)({"type": "http"}, None, None)
    assert published.frames == []  # the request did not wait for its frames: the loop sends them
    await published.until_version(20)  # the last change of the burst is always in a frame
    assert 1 <= len(published.frames) < 20 and published.versions == sorted(published.versions)


async def test_changes_reported_on_the_loop_go_out_as_one_frame_with_the_newest_state(published: Published) -> None:
    thing = Thing()
    feed = Feed("thing", thing.render, coalesce_seconds=0.01)
    for version in range(1, 11):  # the cast door: ten casts committed before the loop gets to send anything
        thing.version = version
        feed.changed(4)
    await published.until_version(10)
    assert published.versions == [10]
