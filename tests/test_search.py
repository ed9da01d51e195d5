"""Search: how students really type, declines for what the advisor does not know, and the floors."""

from __future__ import annotations

import pytest

from bot.core.advisor import Advisor
from bot.core.search import Document, build_index, normalize, topic_documents, words


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


@pytest.mark.parametrize(
    ("question", "topic_id"),
    [
        ("CPC OR CCS???", "cpc-vs-ccs"),
        ("ccs vs cpc", "cpc-vs-ccs"),
        ("which certifcation should i get first cpc or ccs", "cpc-vs-ccs"),
        ("pro fee vs facility", "professional-vs-facility"),
        ("how do i get rid of the A", "removing-the-a"),
        ("cpc-a", "cpc-a-apprentice"),
        ("externshp", "externships"),
        ("1099 self employment tax", "self-employment-tax"),
        ("ICD-9", "icd-9-retired"),
        ("ceus", "ceus-and-renewal"),
    ],
)
def test_how_students_type(advisor: Advisor, question: str, topic_id: str) -> None:
    result = advisor.ask(question).result
    assert result.answered, result
    assert result.matches[0].id == topic_id


@pytest.mark.parametrize(
    "question", ["hello", "lol", "how do i learn python", "what is the best pizza", "", "???", "\u200b"]
)
def test_off_topic_and_empty_questions_are_declined(advisor: Advisor, question: str) -> None:
    result = advisor.ask(question).result
    assert not result.answered
    assert result.best is None


def test_confidence_is_between_0_and_1_and_matches_are_ranked(advisor: Advisor) -> None:
    result = advisor.ask("how much do remote coders make per chart").result
    assert 0 <= result.confidence <= 1
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)


def test_normalisation_folds_case_accents_and_invisible_characters() -> None:
    assert normalize("C\u200bPC Café") == "cpc cafe"
    assert words("ICD-10-CM, CPT & HCPCS!") == ["icd", "10", "cm", "cpt", "hcpcs"]


def test_autocomplete_is_fuzzy_and_bounded(advisor: Advisor) -> None:
    suggestions = advisor.suggest("remov the a")
    assert suggestions[0].id == "removing-the-a"
    assert len(advisor.suggest("")) <= 25
    assert len(advisor.suggest("c")) <= 25


@pytest.mark.parametrize(
    "question",
    [
        "what is the CDEX?",
        "cmc cert worth it?",
        "how much is the CEHRS exam",
        "what is the cpc-z",
        "I have worked in billing for ten years and my manager keeps telling me that getting the CDEX "
        "certification would help, is it worth it?",
    ],
)
def test_a_credential_it_does_not_describe_is_declined_naming_those_it_knows(
    advisor: Advisor, question: str
) -> None:
    answer = advisor.ask(question)
    assert not answer.answered and answer.reply.kind == "decline"
    assert "I don't have an entry for" in answer.reply.title
    assert "CPC" in answer.reply.body and "CCS" in answer.reply.body


@pytest.mark.parametrize(
    "question",
    [
        "WHAT IS THE CPC EXAM LIKE",
        "is the CPC-A hard to remove",
        "LOL",
        "Crowded rooms are hard for me since the Army (PTSD). I want the CCA first and the CCS later: "
        "can I take AHIMA exams at home, or get a separate room?",
    ],
)
def test_known_names_and_shouting_are_not_mistaken_for_unknown_credentials(
    advisor: Advisor, question: str
) -> None:
    assert "I don't have an entry" not in advisor.ask(question).reply.title


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("is the CCS-P worth it", {"ccs-p"}),  # the longest name it says: not the CCS
        ("when can i drop the cpc-a", {"cpc-a-apprentice"}),  # "cpc-a" is not the CPC
        ("crc cert, what kind of coding", {"crc"}),
        ("whats the difference between crc and cic", {"crc", "cic"}),
        ("what pays more", set()),
    ],
)
def test_a_topic_named_by_its_id_or_an_alias_is_found(
    advisor: Advisor, question: str, named: set[str]
) -> None:
    index = advisor.index
    assert {index.documents[n].id for n in index.named_topics(question)} == named


def test_the_question_after_a_story_is_answered_alone_only_on_a_topic_the_story_was_near(
    advisor: Advisor,
) -> None:
    patient = (
        "My insurer sent an EOB saying it is not a bill, and now the clinic has mailed my husband a "
        "bill for $860 for his knee scan anyway. Do I actually have to pay it?"
    )
    assert not advisor.ask(patient).answered  # not the pay topics, though "pay" is in the question


def test_the_topic_word_model_ranks_only_among_topics_it_was_fitted_with(advisor: Advisor) -> None:
    question = "can i make 60k my first year coding"
    fitted = advisor.index.ranked(question)
    best = advisor.index.documents[fitted[0].number].id
    assert best in ("entry-level-pay", "realistic-expectations")  # its words say so, not "networking"
    assert any(e.topic_words > 0 for e in fitted)
    added = Document(  # a topic a moderator added after the model was fitted
        "first-year-income",
        "First-year income",
        {"title": "First-year income", "answer": "coding first year pay"},
        (),
    )
    index = build_index(advisor.kb, [*topic_documents(advisor.kb), added])
    assert all(e.topic_words == 0.0 for e in index.ranked(question))  # ranked without it, fairly
