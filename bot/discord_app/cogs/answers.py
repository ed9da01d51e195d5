"""/ask, /faq and /topics: answers from the knowledge base."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.limits import QUESTION_MAX
from bot.core.replies import Reply, command
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.choices import complete_topic
from bot.discord_app.client import AdvisorBot
from bot.discord_app.embeds import to_embed
from bot.discord_app.offload import off_loop
from bot.discord_app.views import NO_MENTIONS, answer_view, send_reply, topics_view

PRIVATE = "Only you will see the answer"


class Answers(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    async def _answer(
        self,
        interaction: discord.Interaction[AdvisorBot],
        reply: Reply,
        private: bool,
        question_id: int | None = None,
    ) -> None:
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
        message = await send_reply(
            interaction, reply, ephemeral=private, view=answer_view(reply, question_id)
        )
        if public_topic and message is not None:
            self.bot.remember_answer(interaction.channel_id, public_topic, message.jump_url)

    @app_commands.command(description=command("ask").description)
    @app_commands.describe(question="Your question, in your own words", private=PRIVATE)
    @per_user_cooldown
    async def ask(
        self,
        interaction: discord.Interaction[AdvisorBot],
        question: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        advisor = self.bot.advisor  # one knowledge base for the whole request, even if a reload lands
        place = self.bot.place_for(interaction, advisor)
        answer = await off_loop(advisor, advisor.ask, question[:QUESTION_MAX], place)
        entry = self.bot.question_entry(answer, place)
        try:
            await self._answer(interaction, answer.reply, private, entry.id)
        finally:
            await self.bot.log_question(entry)  # after the answer: the student does not wait for the disk

    @app_commands.command(description=command("faq").description)
    @app_commands.describe(topic="Start typing: a topic, a question or a keyword", private=PRIVATE)
    @app_commands.autocomplete(topic=complete_topic)
    @per_user_cooldown
    async def faq(
        self,
        interaction: discord.Interaction[AdvisorBot],
        topic: app_commands.Range[str, 1, QUESTION_MAX],
        private: bool = False,
    ) -> None:
        advisor = self.bot.advisor
        reply = await off_loop(
            advisor, advisor.faq, topic[:QUESTION_MAX], self.bot.place_for(interaction, advisor)
        )
        await self._answer(interaction, reply, private)

    @app_commands.command(description=command("topics").description)
    @app_commands.describe(private=PRIVATE)
    @per_user_cooldown
    async def topics(self, interaction: discord.Interaction[AdvisorBot], private: bool = False) -> None:
        reply = self.bot.advisor.topics()
        await interaction.response.send_message(
            embed=to_embed(reply), view=topics_view(self.bot), ephemeral=private, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Answers(bot))
