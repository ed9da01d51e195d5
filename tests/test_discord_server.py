"""The Discord-compatible test server, driven by a real discord.py client (nothing mocked)."""

from __future__ import annotations

import asyncio
import io
import json
from typing import TYPE_CHECKING

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.discord_server import FakeDiscord, RequestRecord, running_bot
from tests.discord_server.validation import FormErrors, check_command, check_message

if TYPE_CHECKING:
    from tests.discord_server.fixtures import StartBot


NO_PINGS = discord.AllowedMentions.none()
TOPICS = [f"topic-{n}" for n in range(40)]
CALLBACK = r"/interactions/\d+/[^/]+/callback"


class Menu(discord.ui.View):
    @discord.ui.button(label="More", style=discord.ButtonStyle.primary)
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[Menu]) -> None:
        await interaction.response.edit_message(content="more details", view=None, allowed_mentions=NO_PINGS)


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Feedback] = discord.ui.TextInput(
        label="Your feedback", custom_id="feedback-text"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks: {self.text.value}", ephemeral=True, allowed_mentions=NO_PINGS
        )


class Survey(discord.ui.Modal, title="Survey"):
    books: discord.ui.Label[Survey] = discord.ui.Label(
        text="Books",
        component=discord.ui.Select(
            custom_id="survey-books",
            options=[discord.SelectOption(label=b, value=b) for b in ("CPT", "ICD-10-CM", "HCPCS")],
            min_values=1,
            max_values=2,
        ),
    )
    note: discord.ui.TextInput[Survey] = discord.ui.TextInput(
        label="Note", custom_id="survey-note", required=False, max_length=10
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.books.component, discord.ui.Select)
        picked = ",".join(self.books.component.values)
        await interaction.response.send_message(
            f"books: {picked}; note: {self.note.value!r}", allowed_mentions=NO_PINGS
        )


PNG_1x2 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000020806000000990b1ee70000000d4944415478da63f8ff"
    "ffff7f0009fb03fd2a86e38a0000000049454e44ae426082"
)


class Bot(commands.Bot):
    def __init__(self, guild_id: str) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default())
        self.guild = discord.Object(int(guild_id))
        self.app_errors: list[Exception] = []
        guild = self.guild

        @self.tree.command(description="Check that the bot answers", guild=guild)
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", allowed_mentions=NO_PINGS)

        @self.tree.command(description="Look a topic up", guild=guild)
        @app_commands.describe(name="The topic")
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"topic {name}", allowed_mentions=NO_PINGS)

        @topic.autocomplete("name")
        async def topic_names(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            choices = [app_commands.Choice(name=t, value=t) for t in TOPICS if current in t]
            return choices if current == "topic" else choices[:25]  # "topic" matches 40: too many

        @self.tree.command(description="Show a menu", guild=guild)
        async def menu(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("menu", view=Menu(), allowed_mentions=NO_PINGS)

        @self.tree.command(description="Answer after thinking", guild=guild)
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="done", allowed_mentions=NO_PINGS)
            await interaction.followup.send("and one more thing", allowed_mentions=NO_PINGS)

        @self.tree.command(description="Ask for feedback", guild=guild)
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback())

        @self.tree.command(description="Fill in a survey", guild=guild)
        async def survey(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Survey())

        @self.tree.command(description="Send a picture, then add another", guild=guild)
        async def picture(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="dot").set_image(url="attachment://dot.png")
            await interaction.response.send_message(
                embed=embed, file=discord.File(io.BytesIO(PNG_1x2), "dot.png"), allowed_mentions=NO_PINGS
            )
            await interaction.edit_original_response(
                attachments=[*(await interaction.original_response()).attachments,
                             discord.File(io.BytesIO(b"plain text"), "note.txt")],
            )  # fmt: skip

        @self.tree.command(description="Answer after a nap", guild=guild)
        async def sleepy(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            await interaction.response.send_message("yawn", allowed_mentions=NO_PINGS)

        @self.tree.command(description="Reply one character too long", guild=guild)
        async def long(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("x" * 2001, allowed_mentions=NO_PINGS)

        @self.tree.command(description="Read an attached file", guild=guild)
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            text = (await file.read()).decode()
            await interaction.response.send_message(f"{file.filename}: {text}", allowed_mentions=NO_PINGS)

        @self.tree.command(description="For server managers", guild=guild)
        @app_commands.default_permissions(manage_guild=True)
        async def secret(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("for managers", allowed_mentions=NO_PINGS)

        @self.tree.command(description="Reply without allowed_mentions", guild=guild)
        async def loud(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("hello @everyone")

        @self.tree.error
        async def on_app_command_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.app_errors.append(getattr(error, "original", error))


@pytest.fixture
async def bot(discord_server: FakeDiscord, start_bot: StartBot) -> Bot:
    client = await start_bot(Bot(discord_server.guild_id))
    await client.tree.sync(guild=client.guild)
    return client


def callbacks(server: FakeDiscord) -> list[RequestRecord]:
    return server.find_requests("POST", CALLBACK)


async def test_login_ready_and_guild(discord_server: FakeDiscord, start_bot: StartBot) -> None:
    client = await start_bot(Bot(discord_server.guild_id))
    assert client.is_ready()
    assert client.user is not None and str(client.user.id) == discord_server.application_id
    assert client.application_id == int(discord_server.application_id)
    guild = client.get_guild(int(discord_server.guild_id))
    assert guild is not None and not guild.unavailable
    assert [c.name for c in guild.text_channels] == ["general"]
    assert guild.me is not None and guild.me.guild_permissions.send_messages
    assert [(r.method, r.path) for r in discord_server.requests] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    ]  # a plain Client never asks GET /gateway: it connects to DEFAULT_GATEWAY
    connect = discord_server.gateway_events("CONNECT")[0].data
    assert connect == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    identify = discord_server.gateway_events("IDENTIFY")[0].data
    assert identify["token"] == "fake-bot-token" and identify["intents"] == discord.Intents.default().value
    assert [e.name for e in discord_server.gateway.log if e.name in ("READY", "GUILD_CREATE")] == [
        "READY",
        "GUILD_CREATE",
    ]


async def test_plain_text_frames_and_heartbeats(discord_server: FakeDiscord, start_bot: StartBot) -> None:
    discord_server.compress = False  # ignore ?compress=zlib-stream: discord.py reads text frames too
    discord_server.heartbeat_interval = 50  # ms
    client = await start_bot(Bot(discord_server.guild_id))
    await discord_server.wait_gateway("HEARTBEAT_ACK", 4)
    assert discord_server.gateway_events("HELLO")[0].data["heartbeat_interval"] == 50
    assert client.latency < 1


async def test_rest_errors_look_like_discord(discord_server: FakeDiscord) -> None:
    base, auth = discord_server.api_base, {"Authorization": "Bot fake-bot-token"}
    async with aiohttp.ClientSession() as session:
        for method, path, headers, status in [
            ("GET", "/nowhere", auth, 404),
            ("DELETE", "/users/@me", auth, 405),
            ("GET", "/users/@me", {}, 401),
            ("GET", f"/channels/{discord_server.channel_id}/messages/1", auth, 404),
        ]:
            async with session.request(method, base + path, headers=headers) as response:
                assert response.status == status
                assert response.headers["Content-Type"] == "application/json"
                body = await response.json()
                assert set(body) == {"message", "code"}
    assert [r.status for r in discord_server.requests] == [404, 405, 401, 404]
    assert discord_server.requests[-1].response == {"message": "Unknown Message", "code": 10008}

    discord_server.token = "the-real-token"
    with pytest.raises(discord.LoginFailure):
        async with running_bot(discord.Client(intents=discord.Intents.none()), discord_server, token="wrong"):
            pass


async def test_sync_payload_is_recorded_and_accepted(
    discord_server: FakeDiscord, start_bot: StartBot
) -> None:
    client = await start_bot(Bot(discord_server.guild_id))
    synced = await client.tree.sync(guild=client.guild)
    [put] = discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert put.status == 200
    sent = {c["name"]: c for c in put.json}
    assert set(sent) == {
        "ping",
        "topic",
        "menu",
        "slow",
        "feedback",
        "survey",
        "picture",
        "sleepy",
        "long",
        "loud",
        "upload",
        "secret",
    }
    assert sent["topic"]["options"][0] == sent["topic"]["options"][0] | {
        "name": "name",
        "type": 3,
        "autocomplete": True,
    }
    assert {c.name: c.id for c in synced} == {
        c["name"]: int(c["id"]) for c in discord_server.commands[discord_server.guild_id]
    }
    again = await client.tree.sync(guild=client.guild)
    assert [c.id for c in again] == [c.id for c in synced]  # ids survive an overwrite, as on Discord


async def test_slash_command_round_trip(discord_server: FakeDiscord, bot: Bot) -> None:
    reply = await discord_server.slash("ping")
    assert reply["type"] == 4
    assert reply["data"]["content"] == "pong"
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    assert reply.message is not None and reply.message["content"] == "pong"
    assert reply.message["interaction_metadata"]["id"] == reply.interaction.id
    assert bot.app_errors == []


async def test_autocomplete(discord_server: FakeDiscord, bot: Bot) -> None:
    reply = await discord_server.autocomplete("topic", "name", "topic-1")
    assert reply["type"] == 8
    names = [c["name"] for c in reply["data"]["choices"]]
    assert names[:2] == ["topic-1", "topic-10"] and len(names) == 11
    ix = await discord_server.send_autocomplete("topic", "name", "topic")  # the bot offers 40 choices
    refused = await ix.wait_rejected()
    assert refused.status == 400 and "25 or fewer" in json.dumps(refused.response["errors"])


async def test_button_click_updates_the_message(discord_server: FakeDiscord, bot: Bot) -> None:
    reply = await discord_server.slash("menu")
    assert reply.message is not None
    assert [b["label"] for row in reply.message["components"] for b in row["components"]] == ["More"]
    click = await discord_server.click(reply, label="More")
    assert click["type"] == 7
    assert click.message is not None and click.message["id"] == reply.message["id"]
    assert click.message["content"] == "more details" and click.message["components"] == []


async def test_deferred_reply_then_edit_and_followup(discord_server: FakeDiscord, bot: Bot) -> None:
    ix = await discord_server.send_slash("slow")
    assert (await ix.response())["type"] == 5
    edited = await ix.wait_edit()
    assert edited["content"] == "done" and not edited["flags"] & 128  # no longer "thinking"
    followup = await ix.wait_followup()
    assert followup["content"] == "and one more thing" and followup["id"] != edited["id"]


async def test_modal_submit(discord_server: FakeDiscord, bot: Bot) -> None:
    reply = await discord_server.slash("feedback")
    assert reply["type"] == 9 and reply["data"]["title"] == "Feedback"
    thanks = await discord_server.submit_modal(reply, {"feedback-text": "great bot"})
    assert thanks["type"] == 4 and thanks["data"]["content"] == "thanks: great bot"
    assert thanks["data"]["flags"] == 64


async def test_modal_selects_and_limits_as_discord_enforces_them(
    discord_server: FakeDiscord, bot: Bot
) -> None:
    reply = await discord_server.slash("survey")
    label = reply["data"]["components"][0]
    assert label["type"] == 18 and label["component"]["custom_id"] == "survey-books"
    with pytest.raises(ValueError, match="offers"):
        await discord_server.send_modal_submit(reply, {"survey-books": ["DRG"]})
    with pytest.raises(ValueError, match=r"takes 1\.\.2 values, not 0"):
        await discord_server.send_modal_submit(reply, {"survey-books": []})
    with pytest.raises(ValueError, match=r"takes 0\.\.10 characters, not 11"):
        await discord_server.send_modal_submit(reply, {"survey-books": ["CPT"], "survey-note": "x" * 11})
    done = await discord_server.submit_modal(reply, {"survey-books": ["CPT", "HCPCS"]})
    assert done["data"]["content"] == "books: CPT,HCPCS; note: ''"


async def test_uploads_become_attachments_with_their_bytes(discord_server: FakeDiscord, bot: Bot) -> None:
    reply = await discord_server.slash("picture")
    [callback] = callbacks(discord_server)
    assert callback.files == ["dot.png"] and callback.uploads[0].data == PNG_1x2
    edited = await reply.interaction.wait_edit()  # the bot then adds a second file, keeping the first
    sent, added = edited["attachments"]
    assert (sent["filename"], sent["size"], sent["content_type"]) == ("dot.png", len(PNG_1x2), "image/png")
    assert (sent["width"], sent["height"]) == (1, 2)
    assert discord_server.attachment_data[sent["id"]] == PNG_1x2
    image = edited["embeds"][0]["image"]
    assert image["url"] == sent["url"] and image["height"] == 2  # attachment:// resolved, as on Discord
    assert (added["filename"], added["content_type"]) == ("note.txt", "text/plain") and "width" not in added
    assert discord_server.attachment_data[added["id"]] == b"plain text"
    [patch] = discord_server.find_requests("PATCH", r"/webhooks/.*")
    assert str(patch.json["attachments"][0]["id"]) == sent["id"]  # discord.py lists the kept one by id


async def test_too_long_reply_is_refused(discord_server: FakeDiscord, bot: Bot) -> None:
    ix = await discord_server.send_slash("long")
    refused = await ix.wait_rejected()
    assert refused.status == 400 and refused.response["code"] == 50035
    assert refused.response["errors"]["data"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    await discord_server.wait_for(lambda: bot.app_errors or None, what="the bot's error handler")
    assert isinstance(bot.app_errors[0], discord.HTTPException) and bot.app_errors[0].status == 400


async def test_reply_without_allowed_mentions_is_refused(discord_server: FakeDiscord, bot: Bot) -> None:
    ix = await discord_server.send_slash("loud")
    refused = await ix.wait_rejected()
    assert refused.status == 400
    assert "must set allowed_mentions" in json.dumps(refused.response)
    await discord_server.wait_for(lambda: bot.app_errors or None, what="the bot's error handler")
    assert "allowed_mentions" in str(bot.app_errors[0])
    assert ix.reply is None


async def test_late_answer_is_an_unknown_interaction(discord_server: FakeDiscord, bot: Bot) -> None:
    discord_server.callback_deadline = 0.2  # Discord allows 3 s; /sleepy naps 0.3 s
    ix = await discord_server.send_slash("sleepy")
    refused = await ix.wait_rejected()
    assert (refused.status, refused.response["code"]) == (404, 10062)
    await discord_server.wait_for(lambda: bot.app_errors or None, what="the bot's error handler")
    assert isinstance(bot.app_errors[0], discord.NotFound)


async def test_over_long_command_description_is_refused(discord_server: FakeDiscord, bot: Bot) -> None:
    @app_commands.command(description="d" * 101)
    async def verbose(interaction: discord.Interaction) -> None:
        pass

    bot.tree.add_command(verbose, guild=bot.guild)
    with pytest.raises(discord.HTTPException) as refused:
        await bot.tree.sync(guild=bot.guild)
    assert refused.value.status == 400 and refused.value.code == 50035
    assert "Must be between 1 and 100 in length" in str(refused.value)


async def test_gateway_drop_then_resume_replays_missed_events(discord_server: FakeDiscord, bot: Bot) -> None:
    await discord_server.drop_gateway(4000)
    ix = await discord_server.send_slash("ping")  # sent while the client is away or reconnecting
    await discord_server.wait_gateway("RESUMED")
    assert (await ix.response())["data"]["content"] == "pong"
    assert len(discord_server.gateway_events("IDENTIFY")) == 1
    [resume] = discord_server.gateway_events("RESUME")
    assert resume.data["session_id"] == discord_server.gateway_events("READY")[0].data["session_id"]
    assert (await discord_server.slash("ping"))["data"]["content"] == "pong"


async def test_rate_limited_callback_and_webhook_are_retried(discord_server: FakeDiscord, bot: Bot) -> None:
    discord_server.fail_next("POST", CALLBACK, status=429, retry_after=0.2)
    assert (await discord_server.slash("ping"))["data"]["content"] == "pong"
    assert [r.status for r in callbacks(discord_server)] == [429, 200]

    discord_server.fail_next("POST", r"/webhooks/\d+/[^/]+", status=429, retry_after=0.1)
    ix = await discord_server.send_slash("slow")
    assert (await ix.wait_followup())["content"] == "and one more thing"
    assert [r.status for r in discord_server.find_requests("POST", r"/webhooks/\d+/[^/]+")] == [429, 200]

    discord_server.fail_next("POST", r"/channels/\d+/messages", status=429, retry_after=0.1)
    channel = bot.get_channel(int(discord_server.channel_id))
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("hello", allowed_mentions=NO_PINGS)
    assert discord_server.messages[str(sent.id)]["content"] == "hello"
    assert [r.status for r in discord_server.find_requests("POST", r"/channels/\d+/messages")] == [429, 200]


async def test_server_error_on_callback_is_retried(discord_server: FakeDiscord, bot: Bot) -> None:
    discord_server.fail_next("POST", CALLBACK, status=500)
    assert (await discord_server.slash("ping"))["data"]["content"] == "pong"  # discord.py waits 1 s first
    assert [r.status for r in callbacks(discord_server)] == [500, 200]


async def test_openapi_validation(discord_server: FakeDiscord, bot: Bot) -> None:
    if discord_server.spec is None:  # only outside CI, where the missing spec was already warned about
        pytest.skip("no discord-openapi.json in ../shared (in CI this is an error)")
    menu = await discord_server.slash("menu")
    await discord_server.click(menu, label="More")
    await discord_server.autocomplete("topic", "name", "topic-3")
    ix = await discord_server.send_slash("slow")
    await ix.wait_followup()
    assert discord_server.openapi_checked >= 5  # PUT commands and every callback/webhook body
    assert discord_server.openapi_violations == []
    assert discord_server.spec_problems() == []

    url = f"{discord_server.api_base}/applications/{discord_server.application_id}/commands"
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": "Bot fake-bot-token"}
        async with session.put(url, json=[{"name": "x", "type": "one"}], headers=headers) as response:
            assert response.status == 400
            assert response.headers["Content-Type"] == "application/json"
    assert len(discord_server.openapi_violations) == 1
    assert (
        "/applications/{application_id}/commands request: at 0/type" in discord_server.openapi_violations[0]
    )
    assert discord_server.spec_problems() == []  # the server refused that body: no silent problem
    assert discord_server.validate_body("POST", "/channels/1/messages", {"content": 5})


async def test_auto_sharded_client_asks_gateway_bot(discord_server: FakeDiscord, start_bot: StartBot) -> None:
    client = await start_bot(commands.AutoShardedBot(command_prefix="!", intents=discord.Intents.default()))
    assert client.shard_count == 1
    assert discord_server.find_requests("GET", r"/gateway/bot")[0].status == 200
    assert discord_server.gateway_events("IDENTIFY")[0].data["shard"] == [0, 1]
    assert discord_server.gateway_events("READY")[0].data["shard"] == [0, 1]
    assert client.get_guild(int(discord_server.guild_id)) is not None


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"content": "x" * 2000, "allowed_mentions": {}}, None),
        ({"content": "x" * 2001, "allowed_mentions": {}}, "content"),
        ({"content": "hi"}, "allowed_mentions"),
        ({"embeds": [{"title": "t" * 257}], "allowed_mentions": {}}, "embeds.0.title"),
        ({"embeds": [{"description": "d" * 4096}] * 2, "allowed_mentions": {}}, "embeds"),  # 8192 > 6000 total
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}], "allowed_mentions": {}}, "embeds.0.fields.0.value"),
        ({"embeds": [{"title": "t"}] * 11, "allowed_mentions": {}}, "embeds"),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "l", "custom_id": f"b{i}"} for i in range(6)]}]}, "components.0.components"),
        ({"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "l" * 81, "custom_id": "b"}]}]}, "components.0.components.0.label"),
        ({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [{"label": "o", "value": str(i)} for i in range(26)]}]}]}, "components.0.components.0.options"),
    ],
)  # fmt: skip
def test_message_limits(body: dict[str, object], error: str | None) -> None:
    errors = FormErrors()
    check_message(errors, [], body, edit=False, require_allowed_mentions=True)
    paths = [".".join(path) for path in _error_paths(errors.tree)]
    assert paths == ([] if error is None else [error])


def test_allowed_mentions_rule_on_edits() -> None:
    for body, error in [({"embeds": [{"title": "t"}]}, False), ({"content": "new text"}, True)]:
        errors = FormErrors()
        check_message(errors, [], body, edit=True, require_allowed_mentions=True)
        assert bool(errors) is error


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ({"name": "ask", "description": "Ask"}, None),
        ({"name": "पूछो", "description": "Devanagari names are allowed"}, None),
        ({"name": "Ask", "description": "Upper case"}, "name"),
        ({"name": "ask me", "description": "Space"}, "name"),
        ({"name": "a" * 33, "description": "Too long"}, "name"),
        ({"name": "ask", "description": ""}, "description"),
        ({"name": "Pin message", "type": 3}, None),
        ({"name": "ask", "description": "d", "options": [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)]}, "options"),
        ({"name": "ask", "description": "d", "options": [{"type": 3, "name": "o", "description": "d", "choices": [{"name": str(i), "value": str(i)} for i in range(26)]}]}, "options.0.choices"),
        ({"name": "ask", "description": "d", "options": [{"type": 1, "name": "s", "description": "d", "options": [{"type": 1, "name": "t", "description": "d"}]}]}, "options.0.options.0.type"),
        ({"name": "ask", "description": "d", "options": [{"type": 3, "name": "a", "description": "d"}, {"type": 3, "name": "b", "description": "d", "required": True}]}, "options.1.required"),
    ],
)  # fmt: skip
def test_command_limits(command: dict[str, object], error: str | None) -> None:
    errors = FormErrors()
    check_command(errors, [], command)
    assert [".".join(path) for path in _error_paths(errors.tree)] == ([] if error is None else [error])


def _error_paths(tree: dict[str, object], path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path] if "_errors" in tree else []
    for key, value in tree.items():
        if key != "_errors" and isinstance(value, dict):
            found.extend(_error_paths(value, (*path, key)))
    return found


# --- the world beyond one channel: categories, overwrites, pins, attachments, command permissions ---


def text_channel(bot: discord.Client, channel_id: str) -> discord.TextChannel:
    channel = bot.get_channel(int(channel_id))
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_categories_and_channels_reach_the_client(
    discord_server: FakeDiscord, start_bot: StartBot
) -> None:
    category = await discord_server.add_channel("Chapters", category=True)
    before = await discord_server.add_channel("nyc", parent_id=category)
    client = await start_bot(Bot(discord_server.guild_id))
    assert text_channel(client, before).category_id == int(category)
    during = await discord_server.add_channel("boston", parent_id=category)  # CHANNEL_CREATE
    await discord_server.wait_for(lambda: client.get_channel(int(during)), what="the new channel")
    assert text_channel(client, during).category is not None
    with pytest.raises(ValueError, match="not a category"):
        await discord_server.add_channel("x", parent_id=before)


async def test_overwrites_decide_what_the_bot_may_do(
    discord_server: FakeDiscord, start_bot: StartBot
) -> None:
    from tests.discord_server import objects as obj

    hidden = await discord_server.add_channel("staff")
    client = await start_bot(Bot(discord_server.guild_id))
    channel = text_channel(client, hidden)
    message = await channel.send("hello", allowed_mentions=NO_PINGS)
    await discord_server.set_overwrites(
        hidden, [obj.make_overwrite(discord_server.bot_role_id, 0, deny=obj.SEND_MESSAGES)]
    )
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("again", allowed_mentions=NO_PINGS)
    assert refused.value.code == 50013  # Missing Permissions
    await message.edit(content="edited", allowed_mentions=NO_PINGS)  # editing its own message needs none
    await discord_server.set_overwrites(
        hidden, [obj.make_overwrite(discord_server.guild_id, 0, deny=obj.VIEW_CHANNEL)]
    )
    with pytest.raises(discord.Forbidden) as refused:
        await message.edit(content="edited again", allowed_mentions=NO_PINGS)
    assert refused.value.code == 50001  # Missing Access
    await discord_server.delete_channel(hidden)
    await discord_server.wait_for(
        lambda: client.get_channel(int(hidden)) is None or None, what="CHANNEL_DELETE"
    )
    with pytest.raises(discord.NotFound) as gone:
        await message.edit(content="and again", allowed_mentions=NO_PINGS)
    assert gone.value.code == 10003  # Unknown Channel


async def test_pins(discord_server: FakeDiscord, bot: Bot) -> None:
    from tests.discord_server import objects as obj

    channel = text_channel(bot, discord_server.channel_id)
    message = await channel.send("pin me", allowed_mentions=NO_PINGS)
    await message.pin()
    assert discord_server.find_requests("PUT", r"/channels/\d+/messages/pins/\d+")[0].status == 204
    assert [m.id async for m in channel.pins()] == [message.id]
    notices = [m for m in discord_server.messages.values() if m["type"] == 6]
    assert notices[0]["message_reference"]["message_id"] == str(message.id)  # "... pinned a message"
    await discord_server.wait_gateway("CHANNEL_PINS_UPDATE")
    await message.unpin()
    assert [m async for m in channel.pins()] == []
    await message.pin()
    await discord_server.delete_message(str(message.id))  # a member deletes it by hand
    assert [m async for m in channel.pins()] == []
    await discord_server.wait_gateway("MESSAGE_DELETE")
    again = await channel.send("no pin rights here", allowed_mentions=NO_PINGS)
    await discord_server.set_overwrites(
        discord_server.channel_id, [obj.make_overwrite(discord_server.bot_role_id, 0, deny=obj.PIN_MESSAGES)]
    )
    with pytest.raises(discord.Forbidden) as refused:
        await again.pin()
    assert refused.value.code == 50013


async def test_a_quiet_delete_sends_no_event(discord_server: FakeDiscord, bot: Bot) -> None:
    message = await text_channel(bot, discord_server.channel_id).send("x", allowed_mentions=NO_PINGS)
    await discord_server.delete_message(str(message.id), quietly=True)
    assert not discord_server.gateway_events("MESSAGE_DELETE")
    with pytest.raises(discord.NotFound):
        await message.edit(content="y", allowed_mentions=NO_PINGS)


async def test_attachment_options_are_served_like_the_cdn(discord_server: FakeDiscord, bot: Bot) -> None:
    upload = discord_server.upload("topics.yaml", b"topics: []")
    reply = await discord_server.slash("upload", file=upload)
    assert reply["data"]["content"] == "topics.yaml: topics: []"
    [put] = discord_server.find_requests("PUT", r"/applications/\d+/guilds/\d+/commands")
    option = next(c for c in put.json if c["name"] == "upload")["options"][0]
    assert option["type"] == 11


async def test_default_member_permissions_and_overrides(discord_server: FakeDiscord, bot: Bot) -> None:
    assert (await discord_server.slash("secret", as_user=discord_server.moderator))["data"]["content"]
    with pytest.raises(PermissionError, match="may not use /secret"):
        await discord_server.send_slash("secret")  # a student: Discord does not offer the command
    helper = await discord_server.add_role("Helper")
    member = await discord_server.add_member("helper", [helper])
    discord_server.allow_command("secret", helper)  # Server Settings > Integrations
    assert (await discord_server.slash("secret", as_user=member))["data"]["content"] == "for managers"
    discord_server.allow_command("secret", discord_server.guild_id)
    assert (await discord_server.slash("secret"))["data"]["content"] == "for managers"
