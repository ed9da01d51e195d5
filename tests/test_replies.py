"""Reply building: pages never cut a word, declines offer topics, comparisons come from data."""

from __future__ import annotations

import random

import pytest

from bot.core.advisor import Advisor
from bot.core.earnings import EarningsQuestion
from bot.core.knowledge.templates import Chapter, Place
from bot.core.limits import EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX
from bot.core.replies import split_pages


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


def test_pages_respect_the_limit_and_never_cut_a_word() -> None:
    rng = random.Random(1)
    vocabulary = ["coding", "certification", "ICD-10-CM", "a", "externship", "**bold**", "\n", "\n\n"]
    text = " ".join(rng.choice(vocabulary) for _ in range(3000))
    pages = split_pages(text, 500)
    assert len(pages) > 1
    assert all(len(page) <= 500 for page in pages)
    assert " ".join(" ".join(p.split()) for p in pages) == " ".join(
        text.split()
    )  # nothing lost, no word split


def test_a_short_text_is_one_page() -> None:
    assert split_pages("CPC or CCS?", 100) == ("CPC or CCS?",)


def test_a_topic_reply_carries_sources_review_date_and_related(advisor: Advisor) -> None:
    reply = advisor.faq("cpc-vs-ccs")
    assert reply.kind == "answer" and reply.topic_id == "cpc-vs-ccs"
    assert reply.sources and all(s.url.startswith("http") for s in reply.sources)
    assert "reviewed 20" in (reply.footer or "")
    assert {r.id for r in reply.related} <= set(advisor.kb.topics)
    assert len(reply.body) <= EMBED_DESCRIPTION_MAX


def test_a_decline_says_so_and_offers_the_closest_topics(advisor: Advisor) -> None:
    answer = advisor.ask("what is the best pizza topping")
    assert not answer.result.answered
    assert answer.reply.kind == "decline"
    assert "not" in answer.reply.body.lower()


def test_compare_is_generated_from_the_credential_records(advisor: Advisor) -> None:
    reply = advisor.compare("CPC", "ccs")
    cpc, ccs = advisor.kb.credentials["cpc"], advisor.kb.credentials["ccs"]
    assert reply.kind == "answer"
    exam = next(f for f in reply.fields if f.name == "Exam")
    assert f"{cpc.exam.questions} questions" in exam.value
    codes = next(f for f in reply.fields if f.name == "Code sets")
    assert (
        "ICD-10-PCS" in codes.value.split("**CCS:**")[1]
        and "ICD-10-PCS" not in codes.value.split("**CCS:**")[0]
    )
    assert all(len(f.value) <= EMBED_FIELD_VALUE_MAX for f in reply.fields)
    assert ccs.name in reply.title


@pytest.mark.parametrize(("first", "second"), [("cpc", "xyz"), ("cpc", "CPC")])
def test_compare_refuses_unknown_or_identical_credentials(advisor: Advisor, first: str, second: str) -> None:
    assert advisor.compare(first, second).kind == "error"


def test_earnings_reply_shows_every_figure(advisor: Advisor) -> None:
    reply = advisor.earnings_reply(
        EarningsQuestion(25, 0.75, 40, compare_charts_per_hour=40, target_annual=50000)
    )
    values = {f.name: f.value for f in reply.fields}
    assert values["Weekly"] == "$750" and values["Bi-weekly"] == "$1,500"
    assert values["Monthly"].startswith("$3,250") and values["Effective hourly"] == "$18.75"
    assert "$1,200/week" in values["At 40 charts/h instead"] and "$30/h" in values["At 40 charts/h instead"]
    assert values["To gross $50,000 a year at this pace"] == "51.3 hours a week"


def test_earnings_reply_explains_bad_input(advisor: Advisor) -> None:
    reply = advisor.earnings_reply(EarningsQuestion(500, 0.75, 40))
    assert reply.kind == "error" and "at most 200" in reply.body
    compared = advisor.earnings_reply(EarningsQuestion(25, 0.75, 40, compare_charts_per_hour=0.05))
    assert (
        compared.kind == "error"
        and compared.body == "compared charts per hour must be at least 0.1, got 0.05."
    )


def test_answers_can_name_the_server_and_chapter(advisor: Advisor) -> None:
    place = Place(
        server_name="Coders Hub", chapter=Chapter(id="springfield", name="Springfield AAPC chapter")
    )
    for topic_id in advisor.kb.topics:
        assert advisor.kb.render_answer(topic_id, place)  # every answer renders for a chapter too


def test_compare_keeps_hedges_and_one_fact_per_row() -> None:

    reply = Advisor.from_directory().compare("cpc", "ccs")
    rows = {f.name: f.value for f in reply.fields}
    assert "**CCS:** about 107 questions in 4 h" in rows["Exam"]
    assert "**CPC:** 100 questions in 4 h" in rows["Exam"]
    assert "Pearson VUE" in rows["Where you sit it"] and "AMA CPT" in rows["Books allowed"]
    text = reply.plain_text()
    assert ".;" not in text and "(2026;" not in text
