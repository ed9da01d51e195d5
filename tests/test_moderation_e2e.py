"""Moderators and local chapters end to end: live knowledge updates, pinned FAQs that stay
current, chapter details, the question log and its privacy, a broken database.

The real discord.py client against the Discord-compatible test server, a knowledge base in a
temporary directory that the tests edit as moderators do, and an injected clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.config import CooldownSettings, DiscordSettings, ModerationSettings, Settings
from bot.core.advisor import Advisor
from bot.discord_app.client import AdvisorBot, create_bot
from bot.storage import sqlite as sqlite_store
from tests.discord_server import FakeDiscord
from tests.discord_server import objects as obj
from tests.helpers import CREDENTIALS, FakeClock, save_like_an_editor, write_knowledge

if TYPE_CHECKING:
    from tests.discord_server.fixtures import StartBot

EPHEMERAL = 64
START = dt.datetime(2027, 1, 10, 15, 0, tzinfo=dt.UTC)
CPC_ANSWER = "The CPC is AAPC's professional coding credential."
EXAM_DAY = """
    topics:
      - id: exam-day
        title: Where do I sit the exam?
        category: credentials
        questions: [where do i take the exam]
        answer: >-
          {% if chapter %}{{ chapter.name }} can tell you more{% if chapter.next_sitting %}; its next
          sitting is on {{ chapter.next_sitting.date | day }} ({{ chapter.next_sitting.credential }},
          {{ chapter.next_sitting.place }}){% endif %}.{% else %}Online, or at a testing center.{% endif %}
        sources:
          - title: AAPC — CPC exam FAQs
            url: https://www.aapc.com/resources/cpc-exam-faqs
        reviewed: 2026-11-27
    """


def chapters_yaml(nyc: str, boston_category: str, lead_role: str) -> str:
    return f"""
        chapters:
          - id: nyc
            name: NYC chapter
            channels: [{nyc}]
            city: New York, NY
            meetings: Second Tuesday, 7 pm
            exam_sittings:
              - date: 2027-03-13
                credential: cpc
                place: Midtown Library
            lead_role_ids: [{lead_role}]
          - id: boston
            name: Boston chapter
            channels: [{boston_category}]
            meetings: First Monday, 6 pm
            links:
              - title: AAPC chapters
                url: https://www.aapc.com/local-chapters/
        """


@dataclass
class World:
    """The server as a moderator set it up: a mod-log channel, two chapters (one by channel, one
    by category), a chapter lead, a second moderator, and a member with Manage Server only."""

    server: FakeDiscord
    tmp: Path
    knowledge: Path
    clock: FakeClock
    modlog: str
    nyc: str
    boston: str
    lead: dict[str, Any]
    lead_role: str
    second_moderator: dict[str, Any]
    manager: dict[str, Any]

    @property
    def database(self) -> Path:
        return self.tmp / "state" / "coding-advisor.sqlite3"

    def settings(self) -> Settings:
        return Settings(
            discord=DiscordSettings(guild_ids=[int(self.server.guild_id)]),
            knowledge_dir=self.knowledge,
            state_dir=self.tmp / "state",
            cooldown=CooldownSettings(rate=1000, per_seconds=60),
            duplicate_window_seconds=0,  # every test answer in full, not "answered a moment ago"
            moderation=ModerationSettings(
                moderator_role_ids=[int(self.server.moderator_role_id)], mod_log_channel_id=int(self.modlog)
            ),
        )

    def create(self, maintenance_interval: float | None = None) -> AdvisorBot:
        bot = create_bot(self.settings(), Advisor.from_directory(self.knowledge), self.clock)
        bot.question_log_delay = 0.05  # written a moment after the answer, not the second a server waits
        if maintenance_interval is not None:
            bot.maintenance_interval = maintenance_interval
        assert isinstance(bot, AdvisorBot)
        return bot

    def modlog_messages(self) -> list[str]:
        return [m["content"] for m in self.server.messages.values() if m["channel_id"] == self.modlog]

    async def wait_modlog(self, text: str, timeout: float = 10.0) -> str:
        return await self.server.wait_for(
            lambda: next((m for m in self.modlog_messages() if text in m), None),
            timeout=timeout,
            what=f"a mod-log message with {text!r}; it has {self.modlog_messages()}",
        )

    def pinned(self, channel: str) -> list[str]:
        return [message_id for message_id, _ in self.server.pins.get(channel, [])]

    def question_rows(self) -> int:
        with sqlite3.connect(self.database) as db:
            return int(db.execute("SELECT COUNT(*) FROM questions").fetchone()[0])

    async def logged(self, count: int) -> None:
        """Until `count` questions are in the log: an /ask is written once its answer is sent."""
        await self.server.wait_for(lambda: self.question_rows() == count or None, what=f"{count} logged")


@pytest.fixture
async def world(discord_server: FakeDiscord, tmp_path: Path) -> World:
    server = discord_server
    modlog = await server.add_channel("mod-log")
    nyc = await server.add_channel("nyc-chapter")
    boston_category = await server.add_channel("Boston", category=True)
    boston = await server.add_channel("boston-general", parent_id=boston_category)
    lead_role = await server.add_role("NYC chapter lead")
    manager_role = await server.add_role("Server manager", obj.MANAGE_GUILD)
    knowledge = write_knowledge(
        tmp_path / "knowledge",
        {
            "credentials.yaml": CREDENTIALS,
            "topics/exam-day.yaml": EXAM_DAY,
            "chapters.yaml": chapters_yaml(nyc, boston_category, lead_role),
        },
    )
    return World(
        server=server,
        tmp=tmp_path,
        knowledge=knowledge,
        clock=FakeClock(START),
        modlog=modlog,
        nyc=nyc,
        boston=boston,
        lead=await server.add_member("nyclead", [lead_role]),
        lead_role=lead_role,
        second_moderator=await server.add_member("secondmod", [server.moderator_role_id]),
        manager=await server.add_member("manager", [manager_role]),
    )


async def run(server: FakeDiscord, name: str, **options: Any) -> dict[str, Any]:
    """Run a slash command and return what the user finally sees (after a deferral, the followup)."""
    interaction = await server.send_slash(name, **options)
    reply = await interaction.response(10)
    if reply["type"] == 5:
        return await interaction.wait_followup(timeout=10)
    data: dict[str, Any] = reply["data"]
    return data


def card(message: dict[str, Any]) -> dict[str, Any]:
    return message["embeds"][0]


async def pin(world: World, topic: str, channel: str, as_user: dict[str, Any] | None = None) -> str:
    done = await run(
        world.server, "pin add", topic=topic, channel_id=channel, as_user=as_user or world.server.moderator
    )
    assert done["flags"] & EPHEMERAL and card(done)["title"] == "Pinned", done
    return world.pinned(channel)[-1]


def edited_cpc(world: World, answer: str) -> str:
    return (world.knowledge / "topics/cpc.yaml").read_text().replace(CPC_ANSWER, answer)


# --- live knowledge updates ----------------------------------------------------------------------


async def test_an_edit_reaches_the_pinned_message_and_no_other(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = await start_bot(world.create())
    cpc_message = await pin(world, "cpc", world.nyc)
    ccs_message = await pin(world, "ccs", world.nyc)
    assert server.messages[cpc_message]["pinned"] and server.messages[cpc_message]["author"]["bot"]
    assert card(server.messages[cpc_message])["description"] == CPC_ANSWER

    saved = time.monotonic()
    save_like_an_editor(
        world.knowledge / "topics/cpc.yaml",
        edited_cpc(world, "The CPC is AAPC's credential for pro-fee coding."),
    )
    summary = await world.wait_modlog("Knowledge reloaded")
    reloaded_after = time.monotonic() - saved
    patch = await server.wait_for_request(
        "PATCH", rf"/channels/{world.nyc}/messages/{cpc_message}", timeout=10
    )

    assert reloaded_after < 2.0, f"the reload took {reloaded_after:.2f} s after the save"
    assert "0 added, 1 changed (topic `cpc`), 0 removed" in summary
    assert card(patch.json)["description"] == "The CPC is AAPC's credential for pro-fee coding."
    assert patch.json["allowed_mentions"] == {"parse": []}
    assert (
        card(server.messages[cpc_message])["description"]
        == "The CPC is AAPC's credential for pro-fee coding."
    )
    pins = bot.get_cog("Pins")
    await pins.sync.idle()  # type: ignore[union-attr]
    assert not server.find_requests("PATCH", rf"/channels/\d+/messages/{ccs_message}")  # unchanged: untouched
    answer = await server.slash("ask", question="what is the cpc")
    assert card(answer["data"])["description"] == "The CPC is AAPC's credential for pro-fee coding."


async def test_a_broken_edit_keeps_the_old_answers_and_is_reported_once(
    world: World, start_bot: StartBot
) -> None:
    server = world.server
    bot = await start_bot(world.create())
    version = bot.advisor.kb.version
    path = world.knowledge / "topics/cpc.yaml"
    good = path.read_text()
    broken = good.replace("reviewed:", "reviwed:", 1)
    save_like_an_editor(path, broken)
    await world.wait_modlog("Knowledge reload failed")
    posted = "\n".join(world.modlog_messages())
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "reviwed" in text)
    assert f"knowledge/topics/cpc.yaml:{line}: unknown key `reviwed`" in posted
    assert "did you mean `reviewed`?" in posted
    assert bot.advisor.kb.version == version
    answer = await server.slash("ask", question="what is the cpc")
    assert card(answer["data"])["description"] == CPC_ANSWER  # still the last good knowledge

    # Saving the same broken state again is not reported again; /kb status still shows it.
    attempts, posts = bot.knowledge.attempts, len(world.modlog_messages())
    save_like_an_editor(path, broken)
    (world.knowledge / "categories.yaml").write_text((world.knowledge / "categories.yaml").read_text() + "\n")
    await server.wait_for(lambda: bot.knowledge.attempts > attempts or None, what="another reload")
    assert len(world.modlog_messages()) == posts
    status = await run(server, "kb status", as_user=server.moderator)
    problem = next(f for f in card(status)["fields"] if f["name"].startswith("Last problem"))
    assert f"topics/cpc.yaml:{line}" in problem["value"]
    reloads = next(f for f in card(status)["fields"] if f["name"] == "Reloads since start")
    assert reloads["value"] == str(bot.knowledge.attempts) and bot.knowledge.attempts >= 2

    save_like_an_editor(path, good.replace(CPC_ANSWER, "Fixed and changed."))
    await world.wait_modlog("Knowledge reloaded")
    assert (
        card((await server.slash("ask", question="what is the cpc"))["data"])["description"]
        == "Fixed and changed."
    )


async def test_kb_is_for_moderators_only(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = await start_bot(world.create())
    [put] = server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    kb = next(c for c in put.json if c["name"] == "kb")
    assert int(kb["default_member_permissions"]) == obj.MANAGE_GUILD
    with pytest.raises(PermissionError):
        await server.send_slash("kb reload")  # a student: Discord does not even offer /kb

    server.allow_command("kb", server.guild_id)  # a server that shows /kb to everyone...
    refused = await server.slash("kb reload")
    assert (
        refused["data"]["flags"] & EPHEMERAL and refused["data"]["content"] == "Only moderators can use /kb."
    )
    refused = await server.slash("kb status", as_user=world.manager)  # Manage Server is not enough
    assert "Only moderators" in refused["data"]["content"]
    assert bot.knowledge.attempts == 0

    done = await run(server, "kb reload", as_user=world.second_moderator)  # a moderator role
    assert card(done)["title"] == "Nothing changed" and done["flags"] & EPHEMERAL
    done = await run(server, "kb reload", as_user=server.moderator)  # the owner: administrator
    assert card(done)["title"] == "Nothing changed"
    assert bot.knowledge.attempts == 2


async def test_kb_status_validate_and_stale(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = await start_bot(world.create())
    status = await run(server, "kb status", as_user=server.moderator)
    fields = {f["name"]: f["value"] for f in card(status)["fields"]}
    assert fields["Content hash"] == f"`{bot.advisor.kb.version}`"
    assert (fields["Topics"], fields["Chapters"], fields["Last problem"]) == ("3", "2", "none")
    assert fields["Reloads since start"] == "0"
    assert fields["Loaded at"] == "2027-01-10 15:00 UTC"

    path = world.knowledge / "topics/cpc.yaml"
    on_disk, version = path.read_text(), bot.advisor.kb.version
    upload = server.upload("cpc.yaml", on_disk.replace("related: [ccs]", "related: [ccss]").encode())
    checked = await run(server, "kb validate", file=upload, as_user=server.moderator)
    assert checked["flags"] & EPHEMERAL and card(checked)["title"] == "cpc.yaml: problems"
    line = next(n for n, text in enumerate(on_disk.splitlines(), 1) if "related: [ccs]" in text)
    problems = card(checked)["description"]
    assert f"knowledge/topics/cpc.yaml:{line}: topic `cpc`: related topic `ccss` does not exist" in problems
    assert "(did you mean `ccs`?)" in problems
    assert path.read_text() == on_disk and bot.advisor.kb.version == version  # nothing applied

    new_chapters = (world.knowledge / "chapters.yaml").read_text().replace("Second Tuesday", "Third Tuesday")
    valid = await run(
        server,
        "kb validate",
        file=server.upload("chapters.yaml", new_chapters.encode()),
        as_user=server.moderator,
    )
    assert card(valid)["title"] == "chapters.yaml: valid"
    wrong = await run(
        server, "kb validate", file=server.upload("notes.txt", b"hello"), as_user=server.moderator
    )
    assert "is not a .yaml file" in card(wrong)["description"]

    # Reviewed 2026-11-27; the clock says 2027-01-10.
    fresh = await run(server, "kb stale", as_user=server.moderator)
    assert card(fresh)["title"] == "Nothing older than 12 months"
    stale = await run(server, "kb stale", months=1, as_user=server.moderator)
    assert card(stale)["title"] == "5 entries not reviewed for 1 month"
    assert "2026-11-27 · topic `cpc`" in card(stale)["description"]


async def test_the_question_log_gaps_and_stats(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = world.create()
    bot.question_log_delay = 60.0  # questions wait to be written: what reads the log writes them first
    await start_bot(bot)
    for question in ("best pizza in town?", "Best pizza in town", "what's the weather tomorrow"):
        declined = await server.slash("ask", question=question)
        assert card(declined["data"])["title"] == "I'm not sure about that one"
        world.clock.advance(minutes=1)
    answered = await server.slash("ask", question="what is the cpc", channel_id=world.nyc)
    not_helpful = await server.click(answered, label="Not helpful")
    assert "moderators will look" in not_helpful["data"]["content"]
    helpful_elsewhere = await server.slash("faq", topic="ccs")
    await server.click(helpful_elsewhere, label="Helpful")

    gaps = await run(server, "kb gaps", as_user=server.moderator)
    text = card(gaps)["description"].splitlines()
    assert text[0].startswith("- **2×** Best pizza in town")  # grouped, the latest wording, most first
    assert any("what is the cpc" in line for line in text)  # voted not helpful
    stats = await run(server, "kb stats", days=7, as_user=server.moderator)
    fields = {f["name"]: f["value"] for f in card(stats)["fields"]}
    assert (fields["Answered"], fields["Declined"], fields["Helpful votes"]) == ("1", "3", "👍 1 · 👎 1")
    assert "The CPC credential (`cpc`) · 👍 0 · 👎 1" in card(stats)["description"]
    await server.slash("ask", question="what's the weather tomorrow")  # asked just now: counted too
    stats = await run(server, "kb stats", days=7, as_user=server.moderator)
    assert {f["name"]: f["value"] for f in card(stats)["fields"]}["Declined"] == "4"

    # What is stored: the question, topic, confidence, kind, chapter. No user, no message id.
    with sqlite3.connect(world.database) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(questions)")]
        row = db.execute(
            "SELECT question, topic_id, kind, chapter_id, source FROM questions WHERE topic_id = 'cpc'"
        ).fetchone()
        everything = repr(
            db.execute("SELECT * FROM questions").fetchall() + db.execute("SELECT * FROM votes").fetchall()
        )
    assert row == ("what is the cpc", "cpc", "answer", "nyc", "discord")
    assert not any("user" in column for column in columns)
    assert server.user["id"] not in everything and str(int(server.user["id"])) not in everything


async def test_an_answer_does_not_wait_for_its_question_to_be_logged(
    world: World, start_bot: StartBot
) -> None:
    server = world.server
    await start_bot(world.create())
    other = sqlite3.connect(world.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing: the question's write has to wait
    try:
        answered = await server.slash("ask", question="what is the cpc", channel_id=world.nyc)
        assert card(answered["data"])["title"] == "The CPC credential"
        assert world.question_rows() == 0  # answered before the question was written
        vote = await server.send_click(answered, label="Not helpful")
    finally:
        other.rollback()
        other.close()
    assert "moderators will look" in (await vote.response())["data"]["content"]
    with sqlite3.connect(world.database) as db:
        [(question_id, text, chapter)] = db.execute("SELECT id, question, chapter_id FROM questions")
        [(voted_for,)] = db.execute("SELECT question_id FROM votes")
    assert (text, chapter) == ("what is the cpc", "nyc")
    assert voted_for == question_id  # the vote, cast before the write, counts for that question
    [button] = [
        b for row in answered["data"]["components"] for b in row["components"] if "no" in b["custom_id"]
    ]
    assert button["custom_id"] == f"feedback:no:cpc:{question_id}"


async def test_questions_answered_close_together_are_written_together(
    world: World, start_bot: StartBot
) -> None:
    server = world.server
    bot = world.create()
    bot.question_log_delay = 0.2
    await start_bot(bot)
    await server.slash("ask", question="what is the cpc")
    await world.logged(1)  # written by itself a moment after its answer
    bot.question_log_delay = 60.0  # from now on only what reads the log, or stopping, writes them
    for text in ("what is the ccs", "how do i remove the a", "do i need ceus"):
        await server.slash("ask", question=text)
    await server.slash("faq", topic="cpc")  # not logged; the last /ask has queued its question by now
    assert world.question_rows() == 1
    await bot.close()
    assert world.question_rows() == 4  # the three waiting ones, before the store closed


async def test_a_question_log_that_fails_is_a_warning_and_the_answer_stands(
    world: World, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    monkeypatch.setattr(sqlite_store, "LOCK_WAIT_SECONDS", 0.1)
    await start_bot(world.create())
    other = sqlite3.connect(world.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # held for longer than the bot waits: its writes fail
    try:
        answered = await server.slash("ask", question="what is the cpc")
        await server.wait_for(lambda: "question not logged" in caplog.text or None, what="the warning")
        thanks = await server.click(answered, label="Helpful")
    finally:
        other.rollback()
        other.close()
    assert card(answered["data"])["title"] == "The CPC credential"
    assert answered.interaction.followups == []  # no "something went wrong" after the answer
    assert "locked by another program" in caplog.text
    assert thanks["data"]["content"] == "Thanks for the feedback!"
    assert world.question_rows() == 0


async def test_old_questions_are_deleted_at_start_and_daily(world: World, start_bot: StartBot) -> None:
    server = world.server
    first = await start_bot(world.create())
    await server.slash("ask", question="what is the cpc")
    await server.slash("ask", question="what is the ccs")
    await world.logged(2)
    await first.close()

    world.clock.advance(days=91)  # retention_days is 90
    second = await start_bot(world.create(maintenance_interval=0.1))
    assert world.question_rows() == 0  # pruned at start
    await server.slash("ask", question="what is the cpc")
    await world.logged(1)
    world.clock.advance(days=89)
    await asyncio.sleep(0.3)  # a few daily rounds: the row is 89 days old, kept
    assert world.question_rows() == 1
    world.clock.advance(days=2)
    await server.wait_for(lambda: world.question_rows() == 0 or None, what="the daily pruning")
    assert second.is_ready()


# --- pinned FAQs ----------------------------------------------------------------------------------


async def test_a_pin_survives_a_restart_and_is_still_updated(world: World, start_bot: StartBot) -> None:
    server = world.server
    first = await start_bot(world.create())
    message = await pin(world, "cpc", world.nyc)
    await first.close()

    await start_bot(world.create())
    await server.wait_for_request("GET", rf"/channels/{world.nyc}/messages/{message}")  # re-checked once
    save_like_an_editor(world.knowledge / "topics/cpc.yaml", edited_cpc(world, "Edited after a restart."))
    patch = await server.wait_for_request("PATCH", rf"/channels/{world.nyc}/messages/{message}", timeout=10)
    assert card(patch.json)["description"] == "Edited after a restart."
    listed = await run(server, "pin list", channel_id=world.nyc, as_user=server.moderator)
    assert "The CPC credential" in card(listed)["description"] and message in card(listed)["description"]


async def test_pins_whose_message_or_channel_is_gone_are_dropped(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = await start_bot(world.create())
    by_hand = await pin(world, "cpc", world.nyc)
    while_away = await pin(world, "ccs", world.nyc)
    await pin(world, "cpc", world.boston)

    await server.delete_message(by_hand)  # a member deletes it; the bot sees MESSAGE_DELETE
    await world.wait_modlog(f"`cpc` in <#{world.nyc}> is no longer kept current: its message was deleted")
    await bot.close()
    await server.delete_message(while_away, quietly=True)  # while the bot is off
    bot = await start_bot(world.create())
    await world.wait_modlog(f"`ccs` in <#{world.nyc}> is no longer kept current: the message was deleted")
    # The check after the restart has finished (it still saw Boston), so only the reload's edit can drop it.
    await bot.get_cog("Pins").sync.idle()  # type: ignore[union-attr]
    assert [(r.channel_id, r.topic_id) for r in await bot.store.pins()] == [(int(world.boston), "cpc")]

    # The bot loses sight of a channel, then the knowledge changes: the edit is refused, the record dropped.
    await server.set_overwrites(world.boston, [obj.make_overwrite(server.guild_id, 0, deny=obj.VIEW_CHANNEL)])
    save_like_an_editor(world.knowledge / "topics/cpc.yaml", edited_cpc(world, "Changed once more."))
    await world.wait_modlog(
        f"`cpc` in <#{world.boston}> is no longer kept current: the bot can no longer see the channel"
    )
    refused = server.find_requests("PATCH", rf"/channels/{world.boston}/messages/\d+")
    assert [r.status for r in refused] == [403]  # dropped by the reload's edit, not before it
    assert await bot.store.pins() == []
    assert (
        card((await server.slash("ask", question="what is the cpc"))["data"])["description"]
        == "Changed once more."
    )
    removed = await run(server, "pin remove", topic="cpc", channel_id=world.nyc, as_user=server.moderator)
    assert "is not pinned in this channel" in card(removed)["description"]


async def test_pin_remove_and_duplicates(world: World, start_bot: StartBot) -> None:
    server = world.server
    bot = await start_bot(world.create())
    offered = (
        await server.autocomplete("pin add", "topic", "cpc", channel_id=world.nyc, as_user=server.moderator)
    )["data"]["choices"]
    assert offered[0] == {"name": "The CPC credential", "value": "cpc"}  # every topic, as /faq offers
    message = await pin(world, "cpc", world.nyc)
    again = await run(
        server, "pin add", topic="The CPC credential", channel_id=world.nyc, as_user=server.moderator
    )
    assert card(again)["title"] == "Already pinned here" and len(world.pinned(world.nyc)) == 1
    choices = (
        await server.autocomplete("pin remove", "topic", "cp", channel_id=world.nyc, as_user=server.moderator)
    )["data"]["choices"]
    assert choices == [{"name": "The CPC credential", "value": "cpc"}]
    done = await run(server, "pin remove", topic="cpc", channel_id=world.nyc, as_user=server.moderator)
    assert card(done)["title"] == "Unpinned"
    assert message not in server.messages and world.pinned(world.nyc) == []
    assert await bot.store.pins() == []
    assert not any("no longer kept current" in m for m in world.modlog_messages())  # removed, not lost
    unknown = await run(
        server, "pin add", topic="not-a-topic", channel_id=world.nyc, as_user=server.moderator
    )
    assert "There is no topic `not-a-topic`" in card(unknown)["description"]


async def test_a_missing_pin_permission_is_explained(world: World, start_bot: StartBot) -> None:
    server = world.server
    await start_bot(world.create())
    await server.set_overwrites(world.nyc, [obj.make_overwrite(server.bot_role_id, 0, deny=obj.PIN_MESSAGES)])
    done = await run(server, "pin add", topic="cpc", channel_id=world.nyc, as_user=server.moderator)
    assert "I need the Pin Messages permission in this channel" in card(done)["description"]
    bot_messages = [
        m for m in server.messages.values() if m["channel_id"] == world.nyc and m["author"]["bot"]
    ]
    assert [m for m in bot_messages if not m.get("interaction_metadata")] == []  # the post was taken down


# --- chapters --------------------------------------------------------------------------------------


async def test_one_topic_shows_each_chapters_details(world: World, start_bot: StartBot) -> None:
    server = world.server
    await start_bot(world.create(maintenance_interval=0.1))
    shown = {}
    for name, channel in (("nyc", world.nyc), ("boston", world.boston), ("general", server.channel_id)):
        shown[name] = card((await server.slash("faq", topic="exam-day", channel_id=channel))["data"])[
            "description"
        ]
    assert shown["nyc"] == (
        "NYC chapter can tell you more; its next sitting is on Saturday 13 March 2027 (CPC, Midtown Library)."
    )
    assert shown["boston"] == "Boston chapter can tell you more."  # a channel in the chapter's category
    assert shown["general"] == "Online, or at a testing center."

    nyc_pin, boston_pin = await pin(world, "exam-day", world.nyc), await pin(world, "exam-day", world.boston)
    assert card(server.messages[nyc_pin])["description"] == shown["nyc"]
    assert card(server.messages[boston_pin])["description"] == shown["boston"]

    # The sitting passes: the daily round brings the pinned FAQ up to date, and only that one.
    world.clock.advance(days=70)
    patch = await server.wait_for_request("PATCH", rf"/channels/{world.nyc}/messages/{nyc_pin}", timeout=10)
    assert card(patch.json)["description"] == "NYC chapter can tell you more."
    assert not server.find_requests("PATCH", rf"/channels/\d+/messages/{boston_pin}")


async def test_chapter_command(world: World, start_bot: StartBot) -> None:
    server = world.server
    await start_bot(world.create())
    nyc = card((await server.slash("chapter", channel_id=world.nyc))["data"])
    fields = {f["name"]: f["value"] for f in nyc["fields"]}
    assert nyc["title"] == "NYC chapter" and "New York, NY" in nyc["description"]
    assert fields["Meetings"] == "Second Tuesday, 7 pm"
    assert fields["Exam sittings ahead"] == "Saturday 13 March 2027: CPC at Midtown Library"
    boston = card((await server.slash("chapter", channel_id=world.boston, private=True))["data"])
    assert (
        "[AAPC chapters](https://www.aapc.com/local-chapters/)"
        in {f["name"]: f["value"] for f in boston["fields"]}["Links"]
    )
    elsewhere = card((await server.slash("chapter"))["data"])
    assert elsewhere["title"] == "This channel is not a chapter channel"
    assert (
        "**NYC chapter** (New York, NY)" in elsewhere["description"]
        and "**Boston chapter**" in elsewhere["description"]
    )


async def test_a_chapter_lead_pins_in_their_chapter_only(world: World, start_bot: StartBot) -> None:
    server = world.server
    await start_bot(world.create())
    server.allow_command("pin", world.lead_role)  # Server Settings > Integrations: /pin for the leads
    await pin(world, "exam-day", world.nyc, as_user=world.lead)
    for channel in (world.boston, server.channel_id):
        refused = await server.slash("pin add", topic="cpc", channel_id=channel, as_user=world.lead)
        assert "Only moderators, and a chapter's leads in its own channels" in refused["data"]["content"]
    assert world.pinned(world.boston) == []


# --- storage that cannot be used --------------------------------------------------------------------


async def test_a_corrupt_database_leaves_the_bot_answering(
    world: World, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.server
    world.database.parent.mkdir(parents=True)
    garbage = b"this is not an SQLite database " * 200
    world.database.write_bytes(garbage)
    with caplog.at_level(logging.ERROR):
        await start_bot(world.create())
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1 and str(world.database) in lines[0] and "damaged" in lines[0]
    assert "Traceback" not in caplog.text

    answer = await server.slash("ask", question="what is the cpc")
    assert card(answer["data"])["description"] == CPC_ANSWER
    await world.wait_modlog(
        "Storage is off, so questions are not logged and pinned FAQs are not kept current"
    )
    done = await run(server, "pin add", topic="cpc", channel_id=world.nyc, as_user=server.moderator)
    assert "Pinned FAQs are off" in card(done)["description"] and world.pinned(world.nyc) == []
    gaps = await run(server, "kb gaps", as_user=server.moderator)
    assert "The question log cannot be read" in card(gaps)["description"]
    status = await run(server, "kb status", as_user=server.moderator)
    assert any(f["name"].startswith("Storage") for f in card(status)["fields"])
    assert world.database.read_bytes() == garbage  # the moderators' file is left for them to look at


def test_the_worlds_knowledge_is_valid(tmp_path: Path) -> None:
    """The knowledge the tests above edit, with made-up ids (so a failure there is not this)."""
    write_knowledge(
        tmp_path,
        {
            "credentials.yaml": CREDENTIALS,
            "topics/exam-day.yaml": EXAM_DAY,
            "chapters.yaml": chapters_yaml("11", "12", "13"),
        },
    )
    advisor = Advisor.from_directory(tmp_path)
    assert set(advisor.kb.chapters) == {"nyc", "boston"}
    assert advisor.kb.chapter_of([99, 12]) == advisor.kb.chapters["boston"]  # a channel in the category
