"""Shared fixtures: the Discord-compatible test server and real discord.py clients logged in to it."""

pytest_plugins = ["tests.discord_server.fixtures"]
