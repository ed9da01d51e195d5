"""/which-credential (a quiz of buttons), /course-check (a form) and /audit-risk: decisions, not FAQs.

Thin: the questions, the rules and the maths are the core's (Advisor, replies, tools); this file
only turns them into buttons, a modal and embeds. The quiz's buttons are DynamicItems whose
custom_id holds the answers so far and who is taking it, so a quiz keeps working after a restart
and nobody else can click through someone's quiz.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge.model import CODE_SETS, FIT_GOALS, FIT_SETTINGS
from bot.core.limits import SELECT_OPTION_TEXT_MAX, SELECT_OPTIONS_MAX
from bot.core.replies import Reply, command, experience_label, quiz_reply
from bot.core.tools.audit_risk import RATE_MAX, REQUIRED_MIN, SAMPLE_SIZE_MAX
from bot.core.tools.course_check import CourseOffer
from bot.core.tools.credential_fit import GOAL_LABELS, NO_GOAL_LABEL
from bot.discord_app.checks import per_user_cooldown
from bot.discord_app.client import AdvisorBot
from bot.discord_app.embeds import clip, to_embed
from bot.discord_app.views import (
    MAX_RELATED_BUTTONS,
    NO_MENTIONS,
    RelatedTopicButton,
    advisor_bot,
    send_reply,
)

NO_GOAL = "none"
NOT_YOURS = "This quiz is someone else's: start your own with `/which-credential`."
FORM_TITLE = "Check a course"  # Discord: modal titles and labels hold at most 45 characters


class QuizButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"quiz:(?P<user>\d+)(?::(?P<setting>[a-z-]+)(?::(?P<years>\d+(?:\.\d+)?)(?::(?P<goal>[a-z-]+))?)?)?",
):
    """One answer of the quiz; its custom_id is the quiz's state after this answer."""

    def __init__(
        self,
        user_id: int,
        answers: tuple[str, ...],
        label: str = "Answer",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=":".join(("quiz", str(user_id), *answers)))
        )
        self.user_id, self.answers = user_id, answers

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> QuizButton:
        answers = tuple(a for a in (match["setting"], match["years"], match["goal"]) if a is not None)
        return cls(int(match["user"]), answers)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        reply, view = quiz_step(advisor_bot(interaction), self.user_id, self.answers)
        await interaction.response.edit_message(
            embed=to_embed(reply), view=view, allowed_mentions=NO_MENTIONS
        )


def quiz_step(bot: AdvisorBot, user_id: int, answers: tuple[str, ...]) -> tuple[Reply, discord.ui.View]:
    """The quiz after `answers` (setting, years, goal): the next question with its buttons, or the result."""
    advisor = bot.advisor
    rules = advisor.kb.credential_fit
    view = discord.ui.View(timeout=None)
    if rules is None:
        return quiz_reply(advisor.kb, 0), view
    labels: dict[str, str] = {s.id: s.label for s in rules.settings}
    if len(answers) == 3:
        setting, years, goal = answers
        reply = advisor.which_credential_reply(setting, float(years), None if goal == NO_GOAL else goal)
        for ref in reply.related[:MAX_RELATED_BUTTONS]:
            view.add_item(RelatedTopicButton(ref.id, ref.title))
        view.add_item(QuizButton(user_id, (), "Start over", discord.ButtonStyle.secondary))
        return reply, view
    so_far = [labels.get(answers[0], answers[0])] if answers else []
    choices: list[tuple[tuple[str, ...], str]]
    if not answers:
        choices = [((s,), labels[s]) for s in FIT_SETTINGS if s in labels]
    elif len(answers) == 1:
        choices = [((*answers, f"{c.years:g}"), c.label) for c in rules.experience]
    else:
        so_far.append(experience_label(advisor.kb, float(answers[1])))
        choices = [((*answers, g), GOAL_LABELS.get(g, g)) for g in FIT_GOALS]
        choices.append(((*answers, NO_GOAL), NO_GOAL_LABEL))
    for next_answers, label in choices:
        view.add_item(QuizButton(user_id, next_answers, label))
    return quiz_reply(advisor.kb, len(answers), so_far), view


class CourseForm(discord.ui.Modal, title=FORM_TITLE):
    """What the course offers. Selects for the credential, the books and the extras; text for numbers."""

    def __init__(self, bot: AdvisorBot, private: bool) -> None:
        super().__init__(timeout=900)
        self.bot, self.private = bot, private
        kb = bot.advisor.kb
        criteria = kb.course_criteria
        self.credential = discord.ui.Select[CourseForm](
            custom_id="course:credential",
            placeholder="Pick the credential",
            options=[
                discord.SelectOption(
                    label=clip(f"{c.name} — {c.full_name}", SELECT_OPTION_TEXT_MAX), value=c.id
                )
                for c in list(kb.credentials.values())[:SELECT_OPTIONS_MAX]
            ],
        )
        self.hours = discord.ui.TextInput[CourseForm](
            custom_id="course:hours", placeholder="e.g. 80", max_length=20
        )
        self.books = discord.ui.Select[CourseForm](
            custom_id="course:books",
            placeholder="Pick every code set it teaches",
            options=[discord.SelectOption(label=code_set, value=code_set) for code_set in CODE_SETS],
            min_values=0,
            max_values=len(CODE_SETS),
            required=False,
        )
        items = criteria.items if criteria else []
        self.extras = discord.ui.Select[CourseForm](
            custom_id="course:extras",
            placeholder="Pick everything it includes",
            options=[
                discord.SelectOption(label=clip(i.label, SELECT_OPTION_TEXT_MAX), value=i.id) for i in items
            ]
            or [discord.SelectOption(label="(nothing to pick)", value="none")],
            min_values=0,
            max_values=max(len(items), 1),
            required=False,
        )
        self.price = discord.ui.TextInput[CourseForm](
            custom_id="course:price", placeholder="e.g. $1,999", required=False, max_length=20
        )
        self.add_item(discord.ui.Label(text="Credential it prepares for", component=self.credential))
        self.add_item(discord.ui.Label(text="Contact hours", component=self.hours))
        self.add_item(discord.ui.Label(text="Code books it teaches", component=self.books))
        self.add_item(discord.ui.Label(text="It also includes", component=self.extras))
        self.add_item(discord.ui.Label(text="Price (optional)", component=self.price))

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        credential = self.credential.values[0] if self.credential.values else ""
        extras = [v for v in self.extras.values if v != "none"]
        offer = CourseOffer(credential, self.hours.value, self.books.values, extras, self.price.value)
        reply = self.bot.advisor.course_check_reply(offer)
        await send_reply(interaction, reply, ephemeral=self.private)


class Tools(commands.Cog):
    def __init__(self, bot: AdvisorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(QuizButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(QuizButton)

    @app_commands.command(
        name="which-credential",
        description=command("which-credential").description,
    )
    @app_commands.describe(private="Only you will see it")
    @per_user_cooldown
    async def which_credential(
        self, interaction: discord.Interaction[AdvisorBot], private: bool = False
    ) -> None:
        reply, view = quiz_step(self.bot, interaction.user.id, ())
        await send_reply(interaction, reply, ephemeral=private, view=view)

    @app_commands.command(
        name="course-check",
        description=command("course-check").description,
    )
    @app_commands.describe(private="Only you will see the verdict")
    @per_user_cooldown
    async def course_check(self, interaction: discord.Interaction[AdvisorBot], private: bool = False) -> None:
        if self.bot.advisor.kb.course_criteria is None:
            await interaction.response.send_message(
                "The moderators have not set up the course checklist yet.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_modal(CourseForm(self.bot, private))

    @app_commands.command(name="audit-risk", description=command("audit-risk").description)
    @app_commands.describe(
        accuracy="Your true accuracy: 0.95 or 95 (%)",
        required="The accuracy the audit requires: 0.96 or 96 (%)",
        sample_size="How many charts the audit checks, e.g. 50",
        private="Only you will see it",
    )
    @per_user_cooldown
    async def audit_risk(
        self,
        interaction: discord.Interaction[AdvisorBot],
        accuracy: app_commands.Range[float, 0.0, RATE_MAX],
        required: app_commands.Range[float, REQUIRED_MIN, RATE_MAX],
        sample_size: app_commands.Range[int, 1, SAMPLE_SIZE_MAX],
        private: bool = False,
    ) -> None:
        reply = self.bot.advisor.audit_risk_reply(accuracy, required, sample_size)
        await send_reply(interaction, reply, ephemeral=private)


async def setup(bot: AdvisorBot) -> None:
    await bot.add_cog(Tools(bot))
