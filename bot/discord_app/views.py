"""Buttons and selects. Every one is a DynamicItem: its state lives in its custom_id, so buttons on
old messages keep working after a restart, and one whose topic was removed answers politely."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.core.limits import BUTTON_LABEL_MAX, SELECT_OPTION_TEXT_MAX, SELECT_OPTIONS_MAX
from bot.core.replies import Reply
from bot.discord_app.embeds import clip, page_count, to_embed

if TYPE_CHECKING:
    from bot.discord_app.client import AdvisorBot

log = logging.getLogger(__name__)
NO_MENTIONS = discord.AllowedMentions.none()
GONE = "That topic is no longer in the knowledge base. Try `/topics` to browse what is there now."
MAX_RELATED_BUTTONS = 4


def advisor_bot(interaction: discord.Interaction[Any]) -> AdvisorBot:
    """The bot an interaction came to. discord.py types component callbacks for any client; every
    component of this package is registered by an AdvisorBot, so that is what comes back."""
    bot: AdvisorBot = interaction.client
    return bot


class RelatedTopicButton(discord.ui.DynamicItem[discord.ui.Button], template=r"faq:(?P<topic>[a-z0-9-]+)"):
    """Opens a related topic, privately for whoever clicked, so a channel is not flooded."""

    def __init__(self, topic_id: str, title: str = "Related") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(title, BUTTON_LABEL_MAX),
                style=discord.ButtonStyle.secondary,
                custom_id=f"faq:{topic_id}",
            )
        )
        self.topic_id = topic_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RelatedTopicButton:
        return cls(match["topic"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = advisor_bot(interaction)
        if self.topic_id not in bot.advisor.kb.topics:
            await interaction.response.send_message(GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        reply = bot.advisor.faq(self.topic_id, bot.place_for(interaction))
        await send_reply(interaction, reply, ephemeral=True)


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"feedback:(?P<vote>yes|no):(?P<topic>[a-z0-9-]+)(?::(?P<question>\d{1,19}))?",
):
    """'Helpful? yes / no' under an answer; the vote goes to the question log for the moderators.
    Under an /ask answer the custom_id also carries the logged question's id (never a user id)."""

    def __init__(self, vote: str, topic_id: str, question_id: int | None = None) -> None:
        yes = vote == "yes"
        suffix = f":{question_id}" if question_id is not None else ""
        super().__init__(
            discord.ui.Button(
                label="Helpful" if yes else "Not helpful",
                emoji="👍" if yes else "👎",
                style=discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary,
                custom_id=f"feedback:{vote}:{topic_id}{suffix}",
            )
        )
        self.vote, self.topic_id, self.question_id = vote, topic_id, question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        question = match["question"]
        return cls(match["vote"], match["topic"], int(question) if question else None)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        message_id = interaction.message.id if interaction.message else 0
        counted = await advisor_bot(interaction).record_feedback(
            self.topic_id, self.vote == "yes", (interaction.user.id, message_id), self.question_id
        )
        if not counted:
            text = "You already voted on this answer. Thanks!"
        elif self.vote == "yes":
            text = "Thanks for the feedback!"
        else:
            text = "Thanks, the moderators will look at this answer. You can also ask in the server."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class RoadmapPageButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"roadmap:(?P<step>\d{1,2}):(?P<direction>prev|next)"
):
    """Pages /roadmap in place; the step to show is in the custom_id, so no state is kept."""

    def __init__(self, step: int, direction: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if direction == "prev" else "Next",
                emoji="◀️" if direction == "prev" else "▶️",
                style=discord.ButtonStyle.primary,
                custom_id=f"roadmap:{step}:{direction}",
                disabled=disabled,
            )
        )
        self.step = step

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RoadmapPageButton:
        return cls(int(match["step"]), match["direction"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = advisor_bot(interaction)
        steps = len(bot.advisor.kb.roadmap)
        step = max(0, min(self.step, steps - 1))
        reply = bot.advisor.roadmap(step)
        await interaction.response.edit_message(
            embed=to_embed(reply), view=roadmap_view(reply, step, steps), allowed_mentions=NO_MENTIONS
        )


class CategorySelect(discord.ui.DynamicItem[discord.ui.Select], template=r"topics:category"):
    """The /topics menu: pick a category, see its topics."""

    def __init__(self, options: list[discord.SelectOption] | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id="topics:category",
                placeholder="Pick a category",
                options=options or [discord.SelectOption(label="…", value="none")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CategorySelect:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = advisor_bot(interaction)
        values = self.item.values  # discord.py fills them in from the interaction before the callback
        category = values[0] if values else ""
        if category not in bot.advisor.kb.categories:
            await interaction.response.send_message(
                "That category is gone; run `/topics` again.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        reply = bot.advisor.topics(category)
        await interaction.response.edit_message(
            embed=to_embed(reply), view=topics_view(bot), allowed_mentions=NO_MENTIONS
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RelatedTopicButton,
    FeedbackButton,
    RoadmapPageButton,
    CategorySelect,
)


def answer_view(reply: Reply, question_id: int | None = None) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    for ref in reply.related[:MAX_RELATED_BUTTONS]:
        view.add_item(RelatedTopicButton(ref.id, ref.title))
    if reply.kind == "answer" and reply.topic_id:
        view.add_item(FeedbackButton("yes", reply.topic_id, question_id))
        view.add_item(FeedbackButton("no", reply.topic_id, question_id))
    return view if view.children else None


def roadmap_view(reply: Reply, step: int, steps: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RoadmapPageButton(max(step - 1, 0), "prev", disabled=step <= 0))
    view.add_item(RoadmapPageButton(min(step + 1, steps - 1), "next", disabled=step >= steps - 1))
    for ref in reply.related[:MAX_RELATED_BUTTONS]:
        view.add_item(RelatedTopicButton(ref.id, ref.title))
    return view


def topics_view(bot: AdvisorBot) -> discord.ui.View:
    options = [
        discord.SelectOption(
            label=clip(c.title, SELECT_OPTION_TEXT_MAX),
            value=c.id,
            description=clip(c.description, SELECT_OPTION_TEXT_MAX),
            emoji=c.emoji or None,
        )
        for c in list(bot.advisor.kb.categories.values())[:SELECT_OPTIONS_MAX]
    ]
    view = discord.ui.View(timeout=None)
    view.add_item(CategorySelect(options))
    return view


async def send_reply(
    interaction: discord.Interaction[AdvisorBot],
    reply: Reply,
    *,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> discord.Message | None:
    """Send a reply as an embed (pages beyond the first as follow-ups), never mentioning anyone.

    Returns the first message when Discord sends it back, for links to it. An error is only for
    whoever made it, so it is always private and never posted in the channel."""
    ephemeral = ephemeral or reply.kind == "error"
    view = view if view is not None else answer_view(reply)
    kwargs: dict[str, Any] = {
        "embed": to_embed(reply, 0),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if view is not None:
        kwargs["view"] = view
    message: discord.Message | None
    if interaction.response.is_done():
        message = await interaction.followup.send(**kwargs, wait=True)
    else:
        callback = await interaction.response.send_message(**kwargs)
        message = callback.resource if isinstance(callback.resource, discord.Message) else None
    for page in range(1, page_count(reply)):
        await interaction.followup.send(
            embed=to_embed(reply, page), ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
    return message
