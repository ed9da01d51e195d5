"""Reply -> discord.Embed: the one place that fits replies into Discord's limits at render time."""

from __future__ import annotations

import discord

from bot.core.limits import (
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
    EMBED_TOTAL_MAX,
)
from bot.core.replies import Reply, ReplyKind

COLOURS: dict[ReplyKind, discord.Colour] = {
    "answer": discord.Colour.from_rgb(46, 134, 193),
    "decline": discord.Colour.from_rgb(241, 196, 15),
    "figures": discord.Colour.from_rgb(39, 174, 96),
    "greeting": discord.Colour.from_rgb(46, 134, 193),
    "info": discord.Colour.from_rgb(39, 174, 96),
    "error": discord.Colour.from_rgb(192, 57, 43),
}
SOURCE_TITLE_SHOWN = 200  # characters of a source's title in its link: several links share a field


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters at a word boundary, with an ellipsis; for titles and labels,
    never for answers (the knowledge model keeps those within Discord's limits)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def source_fields(reply: Reply) -> list[tuple[str, str]]:
    """Sources as Markdown links, in as many 1,024-character fields as they need."""
    fields: list[tuple[str, str]] = []
    current = ""
    for source in reply.sources:
        line = f"[{clip(source.title, SOURCE_TITLE_SHOWN)}]({source.url})"
        if current and len(current) + 1 + len(line) > EMBED_FIELD_VALUE_MAX:
            fields.append(("Sources" if not fields else "Sources (more)", current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        fields.append(("Sources" if not fields else "Sources (more)", current))
    return fields


def page_count(reply: Reply) -> int:
    return len(reply.all_pages)


def to_embed(reply: Reply, page: int = 0) -> discord.Embed:
    """One page of a reply as an embed. Fields and sources go on the first page only."""
    pages = reply.all_pages  # built once in the core: the console shows the same pages
    page = max(0, min(page, len(pages) - 1))
    embed = discord.Embed(
        title=clip(reply.title, EMBED_TITLE_MAX),
        description=pages[page] or None,
        colour=COLOURS[reply.kind],
    )
    footer = reply.footer or ""
    if len(pages) > 1:
        footer = f"Page {page + 1}/{len(pages)}" + (f" · {footer}" if footer else "")
    if footer:
        embed.set_footer(text=clip(footer, EMBED_FOOTER_MAX))
    if page == 0:
        extra = [(f.name, f.value, f.inline) for f in reply.fields]
        extra += [(name, value, False) for name, value in source_fields(reply)]
        for name, value, inline in extra[:EMBED_FIELDS_MAX]:
            if len(embed) + len(name) + len(value) > EMBED_TOTAL_MAX:
                break  # the validator keeps shipped topics far below this; a safety net for odd input
            embed.add_field(
                name=clip(name, EMBED_FIELD_NAME_MAX),
                value=clip(value, EMBED_FIELD_VALUE_MAX),
                inline=inline,
            )
    return embed
