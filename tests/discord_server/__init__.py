"""A Discord-compatible test server (REST v10 + gateway) for driving a real discord.py client.

    pytest_plugins = ["tests.discord_server.fixtures"]   # fixtures: discord_server, start_bot

    async def test_ask(discord_server, start_bot):
        bot = await start_bot(make_bot())                 # logged in, READY, guild available
        await bot.tree.sync(guild=discord.Object(int(discord_server.guild_id)))
        reply = await discord_server.slash("ask", question="cpc vs ccs")
        assert reply["type"] == 4 and reply["data"]["embeds"][0]["title"]
        more = await discord_server.click(reply, label="More")      # a button on that message
        deferred = await discord_server.send_slash("earnings", rate=25)
        edited = await deferred.wait_edit()               # PATCH .../messages/@original

Outside pytest: `async with running_bot(bot, server): ...` does what `start_bot` does.
Everything the bot sends is checked against Discord's limits (400 + Discord's error body) and
against Discord's OpenAPI spec, ../shared/discord-openapi.json (missing: an error in CI, a warning
elsewhere; see openapi.py). See server.FakeDiscord.
"""

from .client import running_bot
from .gateway import GatewayEvent
from .interactions import FakeInteraction, Reply
from .server import ApiError, FakeDiscord, RequestRecord

__all__ = [
    "ApiError",
    "FakeDiscord",
    "FakeInteraction",
    "GatewayEvent",
    "Reply",
    "RequestRecord",
    "running_bot",
]
