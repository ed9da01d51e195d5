"""The advisor bot end to end: the real discord.py client against the Discord-compatible test server.

Nothing of discord.py is mocked: the bot logs in over REST and the gateway, syncs its commands and
answers interactions exactly as it would on Discord; the server checks every request as Discord
does (and against Discord's OpenAPI spec when it is present).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from asyncio.subprocess import Process
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.config import CooldownSettings, DiscordSettings, Settings
from bot.core import replies
from bot.core.advisor import Advisor
from bot.core.earnings import LIMITS
from bot.core.limits import QUESTION_MAX
from bot.discord_app.client import AdvisorBot, ShardedAdvisorBot, create_bot
from tests.discord_server import FakeDiscord

if TYPE_CHECKING:
    from tests.discord_server.fixtures import StartBot

STUDENT_COMMANDS = {"ask", "faq", "compare", "earnings", "topics", "roadmap", "help", "chapter"}
STUDENT_COMMANDS |= {"which-credential", "course-check", "audit-risk"}
COMMANDS = STUDENT_COMMANDS | {"kb", "pin"}  # and the moderators' groups
CALLBACK = r"/interactions/\d+/[^/]+/callback"
EPHEMERAL = 64


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


def settings_for(server: FakeDiscord, state: Path, **changes: Any) -> Settings:
    settings = Settings(
        discord=DiscordSettings(guild_ids=[int(server.guild_id)]),
        state_dir=state,
        cooldown=CooldownSettings(rate=100, per_seconds=60),
    )
    return settings.model_copy(update=changes)


@pytest.fixture
async def bot(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> AdvisorBot:
    return await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))


def embed(reply: dict[str, Any]) -> dict[str, Any]:
    [first] = reply["data"]["embeds"]
    return first


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row["components"]]


def no_rejections(server: FakeDiscord) -> None:
    rejected = [(r.method, r.path, r.status, r.response) for r in server.requests if r.status >= 400]
    assert rejected == []


async def test_login_syncs_every_command_to_the_configured_guild(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    [put] = discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert put.status == 200
    assert {c["name"] for c in put.json} == COMMANDS
    # Described as /help and the console list them: one list of commands.
    described = {c["name"]: c["description"] for c in put.json if c["name"] in STUDENT_COMMANDS}
    assert described == {c.name: c.description for c in replies.COMMANDS}
    earnings = next(c for c in put.json if c["name"] == "earnings")
    options = {o["name"]: o for o in earnings["options"]}
    assert options["charts_per_hour"]["type"] == 10  # a number
    # The same bounds as the console and the CLI: Discord's client refuses what they refuse.
    for option, bound in (
        ("charts_per_hour", "charts_per_hour"),
        ("rate", "pay_per_chart"),
        ("hours_per_week", "hours_per_week"),
        ("weeks_per_year", "weeks_per_year"),
        ("compare_charts_per_hour", "charts_per_hour"),
    ):
        limits = LIMITS[bound]
        assert (options[option]["min_value"], options[option]["max_value"]) == (
            limits.minimum,
            limits.maximum,
        )
    assert options["charts_per_hour"]["min_value"] == 0.1 and options["charts_per_hour"]["max_value"] == 200
    assert not discord_server.find_requests("PUT", r"/applications/\d+/commands")  # not global as well


async def test_ask_and_faq_take_a_long_story(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    [put] = discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    for name, option in (("ask", "question"), ("faq", "topic")):
        command = next(c for c in put.json if c["name"] == name)
        assert (
            next(o for o in command["options"] if o["name"] == option)["max_length"] == QUESTION_MAX == 2000
        )
    story = "so i have been working retail for eleven years and my back is done. " * 25
    assert 1500 < len(story + "how do i get rid of the a on my cpc?") <= QUESTION_MAX
    reply = await discord_server.slash("ask", question=story + "how do i get rid of the a on my cpc?")
    assert embed(reply)["title"] == bot.advisor.kb.topics["removing-the-a"].title
    no_rejections(discord_server)


async def test_ask_computes_the_figures_a_message_gives(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("ask", question="i do 28 an hour at 55 cents, whats my hourly")
    card = embed(reply)
    assert "$15.40 an hour" in card["description"]
    assert any(f["name"] == "Weekly" and f["value"] == "$616" for f in card["fields"])
    no_rejections(discord_server)


async def test_commands_are_synced_only_when_they_change(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> None:
    settings = settings_for(discord_server, tmp_path)
    await start_bot(create_bot(settings, advisor))
    await start_bot(create_bot(settings, advisor))  # a restart with the same definitions
    assert len(discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")) == 1
    (tmp_path / "commands.sha256").write_text("changed\n")  # as if the definitions had changed
    await start_bot(create_bot(settings, advisor))
    assert len(discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")) == 2


async def test_ask_answers_with_an_embed_sources_and_buttons(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    reply = await discord_server.slash("ask", question="cpc or ccs which one should i get")
    assert reply["type"] == 4
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    assert not reply["data"].get("flags", 0) & EPHEMERAL  # public by default
    card = embed(reply)
    assert card["title"] == bot.advisor.kb.topics["cpc-vs-ccs"].title
    assert "CPC" in card["description"] and "CCS" in card["description"]
    sources = next(f for f in card["fields"] if f["name"] == "Sources")
    assert "](https://" in sources["value"]
    assert "reviewed" in card["footer"]["text"]
    labels = [b["label"] for b in buttons(reply.message)]
    assert "Helpful" in labels and "Not helpful" in labels
    assert bot.advisor.kb.topics["cpc"].title in labels  # a related topic
    no_rejections(discord_server)


async def test_ask_declines_and_offers_the_closest_topics(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    reply = await discord_server.slash("ask", question="what is the best pizza in town")
    card = embed(reply)
    assert card["title"] == "I'm not sure about that one"
    assert "/topics" in card["description"]


async def test_private_replies_are_ephemeral(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("ask", question="how do i remove the a", private=True)
    assert reply["data"]["flags"] & EPHEMERAL


async def test_faq_autocomplete_is_fuzzy_and_within_limits(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    reply = await discord_server.autocomplete("faq", "topic", "externshp")
    choices = reply["data"]["choices"]
    assert 0 < len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 for c in choices)
    assert choices[0]["value"] == "externships"
    empty = await discord_server.autocomplete("faq", "topic", "")
    assert len(empty["data"]["choices"]) == 25
    # The same core function the console's Tab calls:
    typo = (await discord_server.autocomplete("faq", "topic", "remvoing teh a"))["data"]["choices"]
    assert [c["value"] for c in typo] == [m.id for m in bot.advisor.suggest("remvoing teh a")]
    assert typo[0]["value"] == "removing-the-a"


async def test_faq_opens_a_topic_and_a_repeat_links_to_the_first_answer(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    first = await discord_server.slash("faq", topic="removing-the-a")
    assert embed(first)["title"] == bot.advisor.kb.topics["removing-the-a"].title
    again = await discord_server.slash("faq", topic="removing-the-a")
    assert again["data"]["flags"] & EPHEMERAL
    assert first.message is not None and first.message["id"] in again["data"]["content"]
    assert "answered here a moment ago" in again["data"]["content"]
    elsewhere = await discord_server.slash("ask", question="how to get rid of the a", private=True)
    assert (
        embed(elsewhere)["title"] == bot.advisor.kb.topics["removing-the-a"].title
    )  # private: always answered


async def test_related_button_opens_the_topic_privately(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("faq", topic="cpc-vs-ccs")
    click = await discord_server.click(reply, custom_id="faq:ccs")
    assert click["type"] == 4 and click["data"]["flags"] & EPHEMERAL
    assert embed(click)["title"] == bot.advisor.kb.topics["ccs"].title


async def test_feedback_is_recorded(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("faq", topic="cpc")
    thanks = await discord_server.click(reply, label="Helpful")
    assert "Thanks" in thanks["data"]["content"] and thanks["data"]["flags"] & EPHEMERAL
    again = await discord_server.click(reply, label="Not helpful")  # the same person, the same answer
    assert "already voted" in again["data"]["content"]
    report = await bot.store.report(bot.clock() - dt.timedelta(days=1))
    assert [(t.id, t.helpful, t.not_helpful) for t in report.top_topics] == [("cpc", 1, 0)]


async def test_buttons_work_after_a_restart_and_removed_topics_answer_politely(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> None:
    first = await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))
    reply = await discord_server.slash("faq", topic="cpc-vs-ccs")
    await first.close()
    await start_bot(create_bot(settings_for(discord_server, tmp_path), advisor))
    click = await discord_server.click(reply, custom_id="faq:cpc")
    assert embed(click)["title"] == advisor.kb.topics["cpc"].title
    # A button whose topic has since been removed from the knowledge base:
    reply.message["components"][0]["components"][0]["custom_id"] = "faq:a-topic-that-was-removed"
    gone = await discord_server.click(reply, custom_id="faq:a-topic-that-was-removed")
    assert "no longer in the knowledge base" in gone["data"]["content"]


async def test_compare_with_autocomplete(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    choices = (await discord_server.autocomplete("compare", "first", "cc"))["data"]["choices"]
    assert "ccs" in [c["value"] for c in choices]
    typo = (await discord_server.autocomplete("compare", "second", "cpa"))["data"]["choices"]
    assert typo[0] == {"name": "CPC — Certified Professional Coder", "value": "cpc"}
    reply = await discord_server.slash("compare", first="cpc", second="ccs")
    card = embed(reply)
    assert card["title"].startswith("CPC")
    assert {"Setting", "Code sets", "Exam", "Exam fee", "Renewal"} <= {f["name"] for f in card["fields"]}
    unknown = await discord_server.slash("compare", first="cpc", second="not-a-credential")
    assert embed(unknown)["title"] == "Unknown credential"
    guessed = await discord_server.slash("compare", first="cpa", second="ccs")
    assert "'cpa' (did you mean CPC?)" in embed(guessed)["description"]


async def test_earnings_shows_every_figure_and_a_comparison(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    reply = await discord_server.slash(
        "earnings", charts_per_hour=25, rate=0.75, hours_per_week=40, compare_charts_per_hour=40
    )
    fields = {f["name"]: f["value"] for f in embed(reply)["fields"]}
    assert fields["Weekly"] == "$750" and fields["Bi-weekly"] == "$1,500"
    assert fields["Monthly"].startswith("$3,250") and fields["Annual (52 weeks)"] == "$39,000"
    assert fields["Effective hourly"] == "$18.75"
    assert "$5,510.52" in next(v for k, v in fields.items() if k.startswith("As a 1099 contractor"))
    assert "$1,200/week" in fields["At 40 charts/h instead"]


async def test_topics_menu_and_select(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("topics")
    assert "Pay and earnings" in embed(reply)["description"]
    picked = await discord_server.select(reply, ["earnings"], custom_id="topics:category")
    assert picked["type"] == 7  # the message is updated in place
    assert "/faq per-chart-math" in picked["data"]["embeds"][0]["description"]


async def test_roadmap_pages_with_buttons(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("roadmap")
    steps = bot.advisor.kb.roadmap
    assert embed(reply)["title"] == steps[0].title
    previous = next(b for b in buttons(reply.message) if b["label"] == "Previous")
    assert previous["disabled"] is True
    page = await discord_server.click(reply, label="Next")
    assert page["type"] == 7 and page["data"]["embeds"][0]["title"] == steps[1].title
    assert f"step 2 of {len(steps)}" in page["data"]["embeds"][0]["footer"]["text"]


async def test_help(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    reply = await discord_server.slash("help")
    assert "/earnings" in embed(reply)["description"] and not reply["data"].get("flags", 0) & EPHEMERAL
    assert (await discord_server.slash("help", private=True))["data"]["flags"] & EPHEMERAL


async def test_cooldown_answers_kindly(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> None:
    settings = settings_for(discord_server, tmp_path, cooldown=CooldownSettings(rate=2, per_seconds=60))
    await start_bot(create_bot(settings, advisor))
    for question in ("cpc", "ccs"):
        assert (await discord_server.slash("ask", question=question))["data"]["embeds"]
    slow_down = await discord_server.slash("ask", question="cca")
    assert "asking quickly" in slow_down["data"]["content"] and slow_down["data"]["flags"] & EPHEMERAL


@pytest.mark.parametrize(
    "question",
    [
        "@everyone @here <@&123456789012345678> <@123456789012345678> cpc vs ccs",
        "x" * 500,
        "c\u200bp\u200bc \u200b vs \u2060ccs",
        "医療コーディングの資格 CPC",
        "**__~~||`[click](https://evil.example)`||~~__**",
        "\n\n\n",
        "",
    ],
)
async def test_hostile_questions_get_safe_replies(
    discord_server: FakeDiscord, bot: AdvisorBot, question: str
) -> None:
    reply = await discord_server.slash("ask", question=question)
    assert reply["type"] == 4
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    text = json.dumps(reply["data"]["embeds"])
    assert "@everyone" not in text and "<@&" not in text  # the question is never echoed back
    no_rejections(discord_server)


async def test_values_beyond_the_declared_ranges_are_handled(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    # Discord's client enforces the declared ranges; a value that gets past it anyway is still safe.
    reply = await discord_server.slash(
        "ask", question="cpc " * 1500
    )  # 6,000 characters, Discord's own maximum
    assert reply["type"] == 4 and reply["data"]["embeds"]
    reply = await discord_server.slash("earnings", charts_per_hour=500, rate=0.75, hours_per_week=40)
    assert reply["data"]["flags"] & EPHEMERAL
    assert "charts per hour must be at most 200" in embed(reply)["description"]
    no_rejections(discord_server)


async def test_a_failing_command_is_answered_and_the_bot_keeps_running(
    discord_server: FakeDiscord,
    bot: AdvisorBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the knowledge base exploded")

    monkeypatch.setattr(bot.advisor, "ask", broken)
    reply = await discord_server.slash("ask", question="cpc")
    assert "something went wrong" in reply["data"]["content"] and reply["data"]["flags"] & EPHEMERAL
    assert "the knowledge base exploded" in caplog.text
    monkeypatch.undo()
    assert embed(await discord_server.slash("ask", question="cpc"))["title"]


async def test_gateway_drop_then_resume(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    await discord_server.drop_gateway(4000)
    await discord_server.wait_gateway("RESUMED", count=1)
    assert discord_server.gateway_events("RESUME")
    assert embed(await discord_server.slash("ask", question="ceus"))["title"]


async def test_rate_limit_and_server_error_on_a_reply_are_retried(
    discord_server: FakeDiscord, bot: AdvisorBot
) -> None:
    discord_server.fail_next("POST", CALLBACK, status=429, retry_after=0.1)
    assert embed(await discord_server.slash("ask", question="icd-10-pcs"))["title"]
    discord_server.fail_next("POST", CALLBACK, status=500)
    assert embed(await discord_server.slash("ask", question="hcpcs level ii"))["title"]
    statuses = [r.status for r in discord_server.find_requests("POST", CALLBACK)]
    assert 429 in statuses and 500 in statuses and statuses[-1] == 200


UNREACHABLE = "123456789012345678"  # a server the bot is not in (a wrong id in the config)


def invite_url(server: FakeDiscord) -> str:
    return (
        f"https://discord.com/oauth2/authorize?client_id={server.application_id}"
        "&scope=bot+applications.commands&permissions=2251799813770240"
    )


async def coding_advisor(server: FakeDiscord, state: Path, *args: str, **environ: str) -> Process:
    """`coding-advisor ARGS` in a subprocess, pointed at the test server."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CODING_ADVISOR_"))},
        "DISCORD_TOKEN": "a-secret-token",
        "DISCORD_API_BASE_URL": server.api_base,
        "DISCORD_GATEWAY_URL": server.gateway_url,
        "CODING_ADVISOR_STATE_DIR": str(state),
        **environ,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: Process, timeout: float = 60) -> tuple[int, str, str]:
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_coding_advisor_command_runs_the_bot_with_a_token(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    """The README's main command: with DISCORD_TOKEN set it starts the bot, here at the test server."""
    process = await coding_advisor(discord_server, tmp_path, DISCORD_GUILD_IDS=discord_server.guild_id)
    try:
        await discord_server.wait_gateway("GUILD_CREATE", timeout=60)
        reply = await discord_server.slash("ask", question="cpc vs ccs", timeout=10)
        assert reply["data"]["embeds"][0]["title"]
    finally:
        process.terminate()
        code, _, logs = await finished(process, timeout=30)
    assert code == 0, logs
    assert f"synced {len(COMMANDS)} commands to guild" in logs
    assert "a-secret-token" not in logs
    assert (tmp_path / "commands.sha256").is_file()


async def test_sharded_bot_answers(
    discord_server: FakeDiscord, start_bot: StartBot, advisor: Advisor, tmp_path: Path
) -> None:
    settings = settings_for(discord_server, tmp_path)
    settings = settings.model_copy(update={"discord": settings.discord.model_copy(update={"shard_count": 1})})
    bot = await start_bot(create_bot(settings, advisor))
    assert isinstance(bot, ShardedAdvisorBot)
    assert embed(await discord_server.slash("ask", question="ccs"))["title"]


async def test_sync_command_publishes_to_one_guild(discord_server: FakeDiscord, tmp_path: Path) -> None:
    process = await coding_advisor(discord_server, tmp_path, "sync", "--guild", discord_server.guild_id)
    code, stdout, stderr = await finished(process)
    assert code == 0, stderr
    assert f"synced {len(COMMANDS)} commands to guild {discord_server.guild_id}" in stdout
    assert {c["name"] for c in discord_server.commands[discord_server.guild_id]} == COMMANDS
    assert not discord_server.gateway_events("IDENTIFY")  # publishing needs no gateway session


@pytest.mark.parametrize("how", ["--guild", "DISCORD_GUILD_IDS"])
async def test_sync_to_an_unreachable_guild_is_one_line_and_exit_2(
    discord_server: FakeDiscord, tmp_path: Path, how: str
) -> None:
    if how == "--guild":
        process = await coding_advisor(discord_server, tmp_path, "sync", "--guild", UNREACHABLE)
    else:
        guilds = f"{discord_server.guild_id},{UNREACHABLE}"
        process = await coding_advisor(discord_server, tmp_path, "sync", DISCORD_GUILD_IDS=guilds)
    code, stdout, stderr = await finished(process)
    assert code == 2, stderr
    [line] = stderr.splitlines()
    assert f"server {UNREACHABLE}" in line and "403" in line and invite_url(discord_server) in line
    assert ("--guild" if how == "--guild" else "discord.guild_ids") in line
    assert "Traceback" not in stderr
    rejected = discord_server.find_requests("PUT", rf"/applications/\d+/guilds/{UNREACHABLE}/commands")
    assert [r.status for r in rejected] == [403] and rejected[0].response["code"] == 50001
    if how == "DISCORD_GUILD_IDS":  # the reachable one was still published
        assert {c["name"] for c in discord_server.commands[discord_server.guild_id]} == COMMANDS
        assert f"synced {len(COMMANDS)} commands to guild {discord_server.guild_id}" in stdout


async def test_run_serves_the_guilds_it_can_reach_and_logs_the_one_it_cannot(
    discord_server: FakeDiscord,
    start_bot: StartBot,
    advisor: Advisor,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings_for(discord_server, tmp_path)
    settings = settings.model_copy(
        update={
            "discord": settings.discord.model_copy(
                update={"guild_ids": [int(UNREACHABLE), int(discord_server.guild_id)]}
            )
        }
    )
    await start_bot(create_bot(settings, advisor))
    assert embed(await discord_server.slash("ask", question="cpc vs ccs"))["title"]
    [logged] = [r for r in caplog.records if UNREACHABLE in r.getMessage()]
    assert logged.levelname == "ERROR" and invite_url(discord_server) in logged.getMessage()
    assert logged.exc_info is None  # one line, no traceback
    assert not (tmp_path / "commands.sha256").exists()  # the next start tries that guild again


async def test_a_guild_invited_without_the_commands_scope_is_named(tmp_path: Path) -> None:
    server = FakeDiscord(application_commands_scope=False)
    await server.start()
    try:
        process = await coding_advisor(server, tmp_path, "sync", DISCORD_GUILD_IDS=server.guild_id)
        code, _, stderr = await finished(process)
    finally:
        await server.stop()
    assert code == 2
    [line] = stderr.splitlines()
    assert f"server {server.guild_id}" in line and "applications.commands" in line


async def test_bad_sharding_stops_before_connecting(discord_server: FakeDiscord, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("discord:\n  shard_count: 2\n  shard_ids: [5]\n")
    process = await coding_advisor(discord_server, tmp_path, "run", "--config", str(config))
    code, _, stderr = await finished(process)
    assert code == 2
    assert stderr.splitlines() == [
        f"coding-advisor: {config}:3: `discord.shard_ids`: shard 5 does not exist: "
        "with shard_count 2 the ids are 0 to 1"
    ]
    assert discord_server.requests == [] and not discord_server.gateway_events("IDENTIFY")


async def test_a_subset_of_shards_runs_and_answers(tmp_path: Path, advisor: Advisor) -> None:
    server = FakeDiscord(shard_count=2)
    await server.start()
    try:
        shard = (int(server.guild_id) >> 22) % 2
        config = tmp_path / "config.yaml"
        config.write_text(f"discord:\n  shard_count: 2\n  shard_ids: [{shard}]\n")
        process = await coding_advisor(
            server, tmp_path, "run", "--config", str(config), DISCORD_GUILD_IDS=server.guild_id
        )
        try:
            identify = await server.wait_gateway("IDENTIFY", timeout=60)
            assert identify.data["shard"] == [shard, 2]
            await server.wait_gateway("GUILD_CREATE", timeout=30)
            assert (await server.slash("ask", question="cpc vs ccs", timeout=10))["data"]["embeds"]
        finally:
            process.terminate()
            code, _, stderr = await finished(process)
        assert code == 0, stderr
        assert len(server.gateway_events("IDENTIFY")) == 1
        assert [e.data for e in server.gateway_events("DISCONNECT")] == [{"code": 1000, "by_server": False}]
    finally:
        await server.stop()


async def test_sigterm_closes_the_gateway_and_exits_0_without_voice_warnings(
    discord_server: FakeDiscord, tmp_path: Path
) -> None:
    process = await coding_advisor(discord_server, tmp_path, "run", DISCORD_GUILD_IDS=discord_server.guild_id)
    try:
        await discord_server.wait_gateway("GUILD_CREATE", timeout=60)
        assert (await discord_server.slash("ask", question="cpc vs ccs", timeout=10))["data"]["embeds"]
    finally:
        process.send_signal(signal.SIGTERM)
        code, _, stderr = await finished(process, timeout=30)
    assert code == 0, stderr
    [disconnect] = discord_server.gateway_events("DISCONNECT")
    assert disconnect.data == {"code": 1000, "by_server": False}  # a clean close from the bot
    assert "Traceback" not in stderr
    assert "PyNaCl" not in stderr and "davey" not in stderr and "voice" not in stderr.lower()


async def test_compare_errors_are_private(discord_server: FakeDiscord, bot: AdvisorBot) -> None:
    for first, second, title in (
        ("cpc", "not-a-credential", "Unknown credential"),
        ("cpc", "CPC", "Same credential"),
    ):
        reply = await discord_server.slash("compare", first=first, second=second)
        assert embed(reply)["title"] == title
        assert reply["data"]["flags"] & EPHEMERAL
    shown = await discord_server.slash("compare", first="cpc", second="ccs")
    assert not shown["data"].get("flags", 0) & EPHEMERAL
