"""/ask, /faq and /topics: answers from the knowledge base."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.limits import CHOICE_NAME_MAX, CHOICES_MAX, QUESTION_MAX
from bot.core.replies import Reply
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.embeds import to_embed
from bot.discord_app.views import NO_MENTIONS, send_reply, topics_view

PRIVATE = "Only you will see the answer"


class Answers(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    async def _answer(self, interaction: discord.Interaction, reply: Reply, private: bool) -> None:
        """Answer, or point to the same answer given in this channel a moment ago instead of reposting."""
        public_topic = reply.topic_id if not private else None
        if public_topic:
            earlier = self.bot.earlier_answer(interaction.channel_id, public_topic)
            if earlier:
                await interaction.response.send_message(
                    f"This was answered here a moment ago: {earlier}",
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                )
                return
        message = await send_reply(interaction, reply, ephemeral=private)
        if public_topic and message is not None:
            self.bot.remember_answer(interaction.channel_id, public_topic, message.jump_url)

    @app_commands.command(description="Ask anything about a medical-coding career")
    @app_commands.describe(question="Your question, in your own words", private=PRIVATE)
    @per_user_cooldown
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        answer = self.bot.advisor.ask(question[:QUESTION_MAX], self.bot.place_for(interaction))
        await self._answer(interaction, answer.reply, private)

    @app_commands.command(description="Open one topic of the FAQ")
    @app_commands.describe(topic="Start typing: a topic, a question or a keyword", private=PRIVATE)
    @per_user_cooldown
    async def faq(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        reply = self.bot.advisor.faq(topic[:QUESTION_MAX], self.bot.place_for(interaction))
        await self._answer(interaction, reply, private)

    @faq.autocomplete("topic")
    async def faq_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=match.title[:CHOICE_NAME_MAX], value=match.id)
            for match in self.bot.advisor.suggest(current[:QUESTION_MAX], limit=CHOICES_MAX)
        ]

    @app_commands.command(description="Browse every topic by category")
    @app_commands.describe(private=PRIVATE)
    @per_user_cooldown
    async def topics(self, interaction: discord.Interaction, private: bool = False) -> None:
        reply = self.bot.advisor.topics()
        await interaction.response.send_message(
            embed=to_embed(reply), view=topics_view(self.bot), ephemeral=private, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Answers(bot))
