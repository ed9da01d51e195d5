"""The knowledge base as shipped: valid, sourced, current, and covering what students ask."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.core.knowledge import KnowledgeBase, load_knowledge, validate_directory
from bot.core.knowledge.paths import default_knowledge_dir


def knowledge_date() -> dt.date:
    """The newest `reviewed:` date in the shipped files: the date the knowledge speaks for.

    The tests judge the knowledge by its own date, never by the clock, so CI cannot turn red on a
    date with no change; `coding-advisor validate` warns about entries the calendar has made stale.
    """
    dates = [
        dt.date.fromisoformat(found)
        for path in default_knowledge_dir().rglob("*.yaml")
        for found in re.findall(
            r"^\s*reviewed:\s*(\d{4}-\d{2}-\d{2})", path.read_text(encoding="utf-8"), re.M
        )
    ]
    return max(dates)


AS_OF = knowledge_date()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(default_knowledge_dir(), today=AS_OF)


def test_every_shipped_file_is_valid() -> None:
    assert [str(p) for p in validate_directory(default_knowledge_dir(), today=AS_OF)] == []


def test_every_file_points_editors_at_the_schema() -> None:
    for path in default_knowledge_dir().rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (default_knowledge_dir() / "schema.json").resolve(), path


def test_there_are_at_least_45_topics_across_every_category(kb: KnowledgeBase) -> None:
    assert len(kb.topics) >= 45
    assert {t.category for t in kb.topics.values()} == set(kb.categories)


@pytest.mark.parametrize(
    "topic_id",
    [
        "cpc-vs-ccs",
        "cpc",
        "ccs",
        "professional-vs-facility",
        "removing-the-a",
        "ceus-and-renewal",
        "icd-9-retired",
        "choosing-a-course",
        "externships",
        "local-chapters",
        "remote-work-experience",
        "contract-terms",
        "contractor-pay",
        "self-employment-tax",
        "accuracy-and-audits",
        "salary-data",
        "em-coding",
        "ed-coding",
    ],
)
def test_the_questions_students_ask_every_day_are_covered(kb: KnowledgeBase, topic_id: str) -> None:
    assert topic_id in kb.topics


def test_every_entry_is_reviewed_within_a_year_of_the_newest_review_and_sourced(kb: KnowledgeBase) -> None:
    oldest_allowed = AS_OF - dt.timedelta(days=366)
    tools = [kb.credential_fit, kb.course_criteria]  # the quiz rules and the course checklist
    assert None not in tools
    for item in [*kb.topics.values(), *kb.credentials.values(), *kb.presets.values(), kb.se_tax, *tools]:
        assert item.sources, item
        assert item.reviewed >= oldest_allowed, (
            f"{getattr(item, 'id', item)} was last reviewed {item.reviewed}"
        )


def test_nothing_stale_is_stated_as_current(kb: KnowledgeBase) -> None:
    stale = re.compile(
        r"150[- ]question|5[-–]6 hours?|5 hours? 40|ICD-9-CM (?:is|codes are) (?:used|current)", re.I
    )
    for topic_id in kb.topics:
        text = kb.render_answer(topic_id)
        for match in stale.finditer(text):
            window = text[max(0, match.start() - 200) : match.end() + 200].lower()
            assert any(
                w in window
                for w in (
                    "old",
                    "used to",
                    "before",
                    "until",
                    "stale",
                    "outdated",
                    "retired",
                    "replaced",
                    "no longer",
                    "2022",
                )
            ), f"{topic_id}: {match.group()!r} reads as current"


def test_the_cpc_exam_record_is_current(kb: KnowledgeBase) -> None:
    cpc = kb.credentials["cpc"]
    assert (cpc.exam.questions, cpc.exam.minutes) == (100, 240)
    assert "70" in cpc.exam.passing
    assert set(kb.credentials["ccs"].code_sets) >= {"ICD-10-CM", "ICD-10-PCS", "CPT"}
    assert "ICD-10-PCS" not in kb.credentials["cpc"].code_sets


def test_fees_and_presets_carry_their_year(kb: KnowledgeBase) -> None:
    this_year = AS_OF.year
    for credential in kb.credentials.values():
        assert this_year - 3 <= credential.fee.year <= this_year, credential.id
    for preset in kb.presets.values():
        assert preset.pay_per_chart.year <= this_year


def test_the_wage_base_is_at_most_a_year_old(kb: KnowledgeBase) -> None:
    # SSA announces next year's figure each October; until it is added the calculator uses the latest.
    assert max(kb.se_tax.social_security_wage_base) >= AS_OF.year - 1
