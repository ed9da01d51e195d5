"""discord_endpoints: discord.py pointed elsewhere for a block, and put back however it ends."""

from __future__ import annotations

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_app.client import discord_endpoints


def test_the_endpoints_are_set_for_the_block_and_restored() -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    with discord_endpoints("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9/"):
        assert Route.BASE == "http://127.0.0.1:9/api/v10"
        assert DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL("ws://127.0.0.1:9/")
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before


def test_restored_after_an_error_and_none_keeps_discords_own() -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    with pytest.raises(discord.LoginFailure), discord_endpoints(None, "ws://127.0.0.1:9/"):
        assert Route.BASE == before[0]
        raise discord.LoginFailure("refused")
    assert (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY) == before
