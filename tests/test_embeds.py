"""Reply -> Embed: Discord's limits at render time, pages that never cut a word."""

from __future__ import annotations

from bot.core.replies import Field, Link, Reply
from bot.discord_app.embeds import page_count, source_fields, to_embed


def test_a_long_body_is_paged_within_limits_and_keeps_every_word() -> None:
    body = " ".join(f"word{n}" for n in range(2500))  # about 19,000 characters
    reply = Reply(
        title="T" * 300,
        body=body,
        fields=(Field("Fee", "$399"),),
        sources=(Link("AAPC", "https://www.aapc.com/"),),
    )
    pages = [to_embed(reply, n) for n in range(page_count(reply))]
    assert len(pages) >= 5
    assert all(len(p.description or "") <= 4096 and len(p) <= 6000 for p in pages)
    assert len(pages[0].title or "") <= 256
    assert " ".join(p.description or "" for p in pages).split() == body.split()
    assert [f.name for f in pages[0].fields] == ["Fee", "Sources"] and not pages[1].fields
    assert pages[1].footer.text == f"Page 2/{len(pages)}"


def test_many_sources_spread_over_fields_of_at_most_1024_characters() -> None:
    sources = tuple(Link(f"Source number {n}", f"https://example.org/{'x' * 80}/{n}") for n in range(30))
    fields = source_fields(Reply(title="t", sources=sources))
    assert len(fields) > 1 and all(len(value) <= 1024 for _, value in fields)
    assert sum(value.count("](https://") for _, value in fields) == 30
