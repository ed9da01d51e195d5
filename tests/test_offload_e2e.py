"""A large knowledge base is searched in a worker thread: the bot keeps answering meanwhile.

End to end, with the real discord.py client against the test server (tests/discord_server), both
on this process's event loop: a search that holds the loop holds the server too, so whether a
second interaction is answered while a slow search runs tells whether the search left the loop.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.core import advisor as advisor_module
from bot.core.advisor import Advisor, Answer
from bot.core.knowledge.templates import Place
from bot.discord_app.client import create_bot
from tests.discord_server import FakeDiscord
from tests.test_bot_e2e import settings_for

if TYPE_CHECKING:
    from tests.discord_server.fixtures import StartBot

SLOW = 1.0  # seconds the slow search holds whatever runs it


@pytest.mark.parametrize("large", [True, False], ids=["large", "small"])
async def test_a_slow_search_holds_the_event_loop_only_when_the_knowledge_is_small(
    discord_server: FakeDiscord,
    start_bot: StartBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    large: bool,
) -> None:
    advisor = Advisor.from_directory()
    assert not advisor.worth_a_thread  # the shipped knowledge is small...
    if large:
        monkeypatch.setattr(advisor_module, "THREAD_MIN", len(advisor.kb.topics))  # ...unless it is not
    assert advisor.worth_a_thread is large
    asking = advisor.ask

    def slow_ask(question: str, place: Place | None = None) -> Answer:
        if question == "a slow one":
            time.sleep(SLOW)  # a search over a huge knowledge base: CPU work, holding the GIL's caller
        return asking(question, place)

    monkeypatch.setattr(advisor, "ask", slow_ask)
    await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))

    loop = asyncio.get_running_loop()
    start = loop.time()
    slow = await discord_server.send_slash("ask", question="a slow one")
    completed = await discord_server.autocomplete("faq", "topic", "cpc", timeout=10)
    waited = loop.time() - start
    answered = await slow.response(timeout=10)

    assert completed["data"]["choices"] and answered["type"] == 4
    if large:
        assert waited < SLOW / 2  # completed while the search ran in its thread
    else:
        assert waited >= SLOW  # in line behind the search, which held the loop


def test_a_topic_is_named_by_id_or_title_the_first_one_winning() -> None:
    advisor = Advisor.from_directory()
    for topic in advisor.kb.topics.values():
        expected = next(
            t.id for t in advisor.kb.topics.values() if topic.title.casefold() in (t.id, t.title.casefold())
        )
        assert advisor.topic_id(f"  {topic.title.upper()} ") == expected
        assert advisor.topic_id(topic.id) == topic.id
    assert advisor.topic_id("no such topic") is None
