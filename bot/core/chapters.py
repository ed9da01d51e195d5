"""/chapter: a local chapter's card, or the list of chapters when a channel belongs to none."""

from __future__ import annotations

import datetime as dt

from bot.core.knowledge import KnowledgeBase
from bot.core.knowledge.templates import day
from bot.core.replies import Field, Reply

UPCOMING_SHOWN = 5  # sittings listed on the card; the rest are on the chapter's own pages


def chapter_reply(kb: KnowledgeBase, chapter_id: str, today: dt.date) -> Reply:
    """The card of one chapter as it stands on `today`: meetings, contact, sittings ahead, links."""
    chapter = kb.chapter_view(chapter_id, today)
    fields: list[Field] = []
    if chapter.meetings:
        fields.append(Field("Meetings", chapter.meetings))
    if chapter.contact:
        fields.append(Field("Contact", chapter.contact))
    if chapter.exam_sittings:
        lines = [
            f"{day(s.date)}: {s.credential} at {s.place}" for s in chapter.exam_sittings[:UPCOMING_SHOWN]
        ]
        fields.append(Field("Exam sittings ahead", "\n".join(lines)))
    if chapter.links:
        fields.append(Field("Links", "\n".join(f"[{link.title}]({link.url})" for link in chapter.links)))
    body = f"The local chapter in {chapter.city}." if chapter.city else "Your local chapter."
    if chapter.next_sitting is None:
        body += " No exam sitting is planned yet: ask the chapter when the next one is."
    return Reply(title=chapter.name, body=body, fields=tuple(fields), footer="Local chapter", kind="info")


def no_chapter_reply(kb: KnowledgeBase) -> Reply:
    """What /chapter says in a channel that belongs to no chapter: the chapters there are."""
    if not kb.chapters:
        return Reply(
            title="No local chapters yet",
            body="This server has no local chapters set up. Moderators add them in `knowledge/chapters.yaml`.",
            kind="info",
        )
    lines = [f"- **{c.name}**" + (f" ({c.city})" if c.city else "") for c in kb.chapters.values()]
    return Reply(
        title="This channel is not a chapter channel",
        body="Run `/chapter` in a chapter's channel to see its meetings and exam sittings. Chapters:\n"
        + "\n".join(lines),
        kind="info",
    )
