"""Chapters in the knowledge base: validation with file:line, the chapter templates see, /chapter's
card; and the moderators' helpers for stale entries and uploaded files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.chapters import chapter_reply, no_chapter_reply
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.loader import place_of_upload, validate_upload
from bot.core.knowledge.templates import Place, day
from bot.core.moderation import months_before, problem_lines, stale_entries
from tests.helpers import CREDENTIALS, write_knowledge

CHAPTERS = """
    chapters:
      - id: nyc
        name: NYC chapter
        channels: [111, 112]
        city: New York, NY
        meetings: Second Tuesday, 7 pm
        contact: Ask in the chapter channel
        links:
          - title: AAPC chapters
            url: https://www.aapc.com/local-chapters/
        exam_sittings:
          - date: 2027-06-12
            credential: CPC
            place: Library, room 4
          - date: 2027-03-13
            credential: cpc
            place: Midtown Library
        lead_role_ids: [900]
      - id: boston
        name: Boston chapter
        channels: ["200"]
    """


def load(tmp_path: Path, chapters: str, extra: dict[str, str] | None = None) -> list[str]:
    """The problems of a knowledge base with these chapters, as `name:line: message`."""
    write_knowledge(tmp_path, {"credentials.yaml": CREDENTIALS, "chapters.yaml": chapters, **(extra or {})})
    try:
        load_knowledge(tmp_path)
    except KnowledgeError as error:
        return [f"{p.path.name}:{p.line}: {p.message}" for p in error.problems]
    return []


def test_chapters_load_and_find_their_channels(tmp_path: Path) -> None:
    assert load(tmp_path, CHAPTERS) == []
    kb = load_knowledge(tmp_path)
    assert kb.chapter_of([111]) == kb.chapters["nyc"]
    assert kb.chapter_of([5, 200]) == kb.chapters["boston"]  # a channel in the listed category
    assert kb.chapter_of([112, 200]) == kb.chapters["nyc"]  # the channel itself wins over its category
    assert kb.chapter_of([5, 6]) is None


def test_the_chapter_templates_see_moves_on_with_the_date(tmp_path: Path) -> None:
    write_knowledge(tmp_path, {"credentials.yaml": CREDENTIALS, "chapters.yaml": CHAPTERS})
    kb = load_knowledge(tmp_path)
    early = kb.chapter_view("nyc", dt.date(2027, 1, 10))
    assert early.next_sitting is not None
    assert (early.next_sitting.date, early.next_sitting.credential) == (dt.date(2027, 3, 13), "CPC")
    assert [s.date for s in early.exam_sittings] == [dt.date(2027, 3, 13), dt.date(2027, 6, 12)]
    on_the_day = kb.chapter_view("nyc", dt.date(2027, 3, 13))
    assert on_the_day.next_sitting == early.next_sitting  # still "next" on its own day
    later = kb.chapter_view("nyc", dt.date(2027, 3, 14))
    assert later.next_sitting is not None and later.next_sitting.place == "Library, room 4"
    assert kb.chapter_view("nyc", dt.date(2028, 1, 1)).next_sitting is None
    assert day(dt.date(2027, 3, 13)) == "Saturday 13 March 2027"


@pytest.mark.parametrize(
    ("chapters", "expected"),
    [
        (
            CHAPTERS.replace("id: boston", "id: nyc"),
            "chapters.yaml:19: chapters id `nyc` is used twice (first at",
        ),
        (
            CHAPTERS.replace('["200"]', "[300, 112]"),
            "chapters.yaml:21: chapter `boston`: channel 112 already belongs to chapter `nyc`",
        ),
        (
            CHAPTERS.replace("credential: cpc", "credential: cpx"),
            "chapters.yaml:16: chapter `nyc`: credential `cpx` is not in the credentials (did you mean `cpc`?)",
        ),
        (
            CHAPTERS.replace('["200"]', "[general]"),
            "chapters.yaml:21: `chapters[1] (boston).channels[0]`: 'general' is not a Discord id: ids are numbers",
        ),
        (
            CHAPTERS.replace('["200"]', "[]"),
            "chapters.yaml:21: `chapters[1] (boston).channels`: List should have at least 1 item",
        ),
        (CHAPTERS.replace("date: 2027-03-13", "date: 2027-02-30"), "is not a valid date"),
        (CHAPTERS.replace("    city: New York, NY", "    town: New York"), "unknown key `town`"),
        (
            CHAPTERS.replace("url: https://www.aapc.com/local-chapters/", "url: aapc.com"),
            "chapters.yaml:10: `chapters[0] (nyc).links[0].url`: 'aapc.com' is not a web address",
        ),
    ],
)
def test_chapter_mistakes_name_the_file_and_line(tmp_path: Path, chapters: str, expected: str) -> None:
    problems = load(tmp_path, chapters)
    assert any(expected in problem for problem in problems), problems


def test_too_many_links_for_one_card_field(tmp_path: Path) -> None:
    links = "".join(
        f"\n          - title: Link number {n} with a longer title\n            url: https://www.aapc.com/page-{n}"
        for n in range(20)
    )
    chapters = CHAPTERS.replace(
        "        links:\n          - title: AAPC chapters\n            url: https://www.aapc.com/local-chapters/",
        "        links:" + links,
    )
    assert any("the links add up to" in p and "1024" in p for p in load(tmp_path, chapters))


def test_an_answer_that_breaks_only_in_a_chapter_is_reported(tmp_path: Path) -> None:
    topic = """
        topics:
          - id: meetings
            title: When does my chapter meet?
            category: credentials
            questions: [when do we meet]
            answer: "{% if chapter %}{{ chapter.meetings.upper() }}{% else %}Ask a moderator.{% endif %}"
            sources:
              - title: AAPC
                url: https://www.aapc.com/local-chapters/
            reviewed: 2026-11-27
        """
    problems = load(tmp_path, CHAPTERS, {"topics/meetings.yaml": topic})
    [problem] = problems  # Boston has no `meetings`: only its channels break
    assert problem.startswith("meetings.yaml:6: topic `meetings` in chapter `boston`'s channels: ")
    assert "is empty (none)" in problem


def test_chapter_card_and_the_list_of_chapters(tmp_path: Path) -> None:
    write_knowledge(tmp_path, {"credentials.yaml": CREDENTIALS, "chapters.yaml": CHAPTERS})
    kb = load_knowledge(tmp_path)
    card = chapter_reply(kb, "nyc", dt.date(2027, 1, 10))
    fields = {f.name: f.value for f in card.fields}
    assert card.title == "NYC chapter" and card.body == "The local chapter in New York, NY."
    assert fields["Exam sittings ahead"].splitlines() == [
        "Saturday 13 March 2027: CPC at Midtown Library",
        "Saturday 12 June 2027: CPC at Library, room 4",
    ]
    assert fields["Links"] == "[AAPC chapters](https://www.aapc.com/local-chapters/)"
    bare = chapter_reply(kb, "boston", dt.date(2027, 1, 10))
    assert bare.fields == () and "No exam sitting is planned yet" in bare.body
    listing = no_chapter_reply(kb)
    assert "**NYC chapter** (New York, NY)" in listing.body and "**Boston chapter**" in listing.body
    write_knowledge(tmp_path, {"chapters.yaml": "chapters: []\n"})
    assert no_chapter_reply(load_knowledge(tmp_path)).title == "No local chapters yet"


def test_templates_render_chapter_details(tmp_path: Path) -> None:
    topic = """
        topics:
          - id: sitting
            title: Next exam sitting
            category: credentials
            questions: [next exam]
            answer: >-
              {% if chapter and chapter.next_sitting %}{{ chapter.name }}: {{ chapter.next_sitting.date | day }}{% else %}None nearby.{% endif %}
            sources:
              - title: AAPC
                url: https://www.aapc.com/local-chapters/
            reviewed: 2026-11-27
        """
    write_knowledge(
        tmp_path, {"credentials.yaml": CREDENTIALS, "chapters.yaml": CHAPTERS, "topics/s.yaml": topic}
    )
    kb = load_knowledge(tmp_path)
    nyc = Place("Server", kb.chapter_view("nyc", dt.date(2027, 1, 10)))
    assert kb.render_answer("sitting", nyc) == "NYC chapter: Saturday 13 March 2027"
    assert (
        kb.render_answer("sitting", Place("Server", kb.chapter_view("boston", dt.date(2027, 1, 10))))
        == "None nearby."
    )
    assert kb.render_answer("sitting") == "None nearby."


def test_an_upload_is_checked_in_place_of_the_file_of_its_name(tmp_path: Path) -> None:
    write_knowledge(tmp_path)
    assert place_of_upload(tmp_path, "cpc.yaml") == "topics/cpc.yaml"
    assert place_of_upload(tmp_path, "new.yaml") == "new.yaml"
    assert place_of_upload(tmp_path, "../../etc/cpc.yaml") == "topics/cpc.yaml"  # a name, never a path
    original = (tmp_path / "topics/cpc.yaml").read_text()
    where, problems = validate_upload(
        tmp_path, "cpc.yaml", original.replace("title: The CPC", "titel: The CPC").encode()
    )
    assert where == "topics/cpc.yaml"
    lines = problem_lines(problems, tmp_path)
    assert any(line.startswith(f"{tmp_path.name}/topics/cpc.yaml:3: unknown key `titel`") for line in lines)
    assert validate_upload(tmp_path, "cpc.yaml", original.encode()) == ("topics/cpc.yaml", [])
    assert (tmp_path / "topics/cpc.yaml").read_text() == original
    _, problems = validate_upload(tmp_path, "other.yaml", original.encode())  # the same ids again
    assert any("is used twice" in p.message for p in problems)


def test_stale_entries_by_calendar_months(tmp_path: Path) -> None:
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2027, 1, 15), 12) == dt.date(2026, 1, 15)
    assert months_before(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    write_knowledge(tmp_path)
    kb = load_knowledge(tmp_path)  # every entry reviewed 2026-11-27
    assert stale_entries(kb, dt.date(2027, 11, 27), 12) == []
    stale = stale_entries(kb, dt.date(2027, 11, 28), 12)
    assert [(e.kind, e.id) for e in stale] == [("", ""), ("topic", "ccs"), ("topic", "cpc")]
    assert stale[0].title == "Self-employment tax"
