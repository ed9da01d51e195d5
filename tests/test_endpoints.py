"""discord_endpoints: discord.py pointed elsewhere for a block, and put back however it ends."""

from __future__ import annotations

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_app.client import discord_endpoints


def current() -> tuple[str, yarl.URL]:
    return Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY


def test_the_endpoints_are_set_for_the_block_and_restored() -> None:
    before = current()
    with discord_endpoints("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9/"):
        assert current() == ("http://127.0.0.1:9/api/v10", yarl.URL("ws://127.0.0.1:9/"))
    assert current() == before


def test_restored_after_an_error_and_none_keeps_discords_own() -> None:
    before = current()
    with pytest.raises(discord.LoginFailure), discord_endpoints(None, "ws://127.0.0.1:9/"):
        assert current() == (before[0], yarl.URL("ws://127.0.0.1:9/"))
        raise discord.LoginFailure("refused")
    assert current() == before
