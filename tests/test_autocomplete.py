"""Autocomplete: what students half-type or misspell, and the one function every box calls."""

from __future__ import annotations

import pytest

from bot.core.advisor import Advisor
from bot.core.autocomplete import Entry, Suggester
from bot.core.evaluation import synthetic_documents
from bot.core.search import topic_documents


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("remvoing teh a", "removing-the-a"),
        ("remov", "removing-the-a"),
        ("externshp", "externships"),
        ("salry", "salary-data"),
        ("self employmnet tax", "self-employment-tax"),
        ("retak", "exam-retakes"),
        ("ceus and renewl", "ceus-and-renewal"),
        ("productivty", "productivity-standards"),
        ("modifer 25", "ncci-and-modifiers"),
        ("icd 10 pcs", "icd-10-pcs"),
        ("proffesional vs facilty", "professional-vs-facility"),
        ("networkng", "networking"),
        ("wrok from home scam", "work-from-home-scams"),
        ("quartely taxes", "quarterly-estimated-taxes"),
        ("practise exam", "practice-exams"),
        ("exam registraton", "exam-registration"),
        ("local chaptr", "local-chapters"),
        ("e/m codng", "em-coding"),
        ("w-2 or 1099", "w2-vs-1099"),
        ("apprentise", "cpc-a-apprentice"),
        ("hcpsc", "hcpcs-level-ii"),
        ("revenu cycle", "billing-cycle-basics"),
        ("cpc exm format", "cpc-exam-format"),
        ("entry levl pay", "entry-level-pay"),
        ("how much do coders make", "salary-data"),
        ("cpc", "cpc"),
        ("cpc vs ccs", "cpc-vs-ccs"),
        ("licence", "coder-licensing"),
        ("removing-the-a", "removing-the-a"),
    ],
)
def test_misspelled_topics_offer_the_right_one_first(advisor: Advisor, typed: str, first: str) -> None:
    assert advisor.suggest(typed)[0].id == first


@pytest.mark.parametrize("typed", ["externshp", "salry", "remvoing teh a", "networking", "scam", "w2", "cpc"])
def test_long_code_set_names_no_longer_pad_every_list(advisor: Advisor, typed: str) -> None:
    offered = [m.id for m in advisor.suggest(typed)]
    assert not any(topic.startswith("icd") for topic in offered), offered


def test_nothing_matching_offers_nothing(advisor: Advisor) -> None:
    assert advisor.suggest("zzqxj vvkw") == []


def test_an_empty_box_lists_topics_in_category_order(advisor: Advisor) -> None:
    order = list(advisor.kb.categories)
    offered = advisor.suggest("")
    assert len(offered) == 25
    positions = [order.index(advisor.kb.topics[m.id].category) for m in offered]
    assert positions == sorted(positions)
    assert len(advisor.suggest("", limit=5)) == 5


def test_how_often_a_topic_is_asked_orders_the_empty_box_and_breaks_ties(advisor: Advisor) -> None:
    asked = {"externships": 9, "salary-data": 5}
    assert [m.id for m in advisor.suggest("", asked=asked)[:3]] == [
        "externships",
        "salary-data",
        advisor.suggest("")[0].id,
    ]
    tied = [m.id for m in advisor.suggest("icd")[:3]]
    assert set(tied) == {"icd-10-cm", "icd-10-pcs", "icd-9-retired"}
    assert advisor.suggest("icd", asked={tied[-1]: 3})[0].id == tied[-1]
    assert advisor.suggest("externshp", asked={"salary-data": 1000})[0].id == "externships"


def test_results_are_bounded_and_ranked(advisor: Advisor) -> None:
    for typed in ("c", "a", "how", "the", "exam"):
        offered = advisor.suggest(typed, limit=25)
        assert 0 < len(offered) <= 25
        assert [m.score for m in offered] == sorted((m.score for m in offered), reverse=True)
        assert len({m.id for m in offered}) == len(offered)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("cpa", "cpc"),
        ("cc", "ccs"),
        ("ccsp", "ccs-p"),
        ("rhit", "rhit"),
        ("biller", "cpb"),
        ("ccs-p", "ccs-p"),
    ],
)
def test_credentials_complete_for_compare(advisor: Advisor, typed: str, first: str) -> None:
    assert advisor.suggest_credentials(typed)[0].id == first


def test_an_unknown_credential_gets_did_you_mean(advisor: Advisor) -> None:
    reply = advisor.compare("cpa", "ccs")
    assert reply.kind == "error" and "'cpa' (did you mean CPC?)" in reply.body
    assert "did you mean" not in advisor.compare("zzqxj", "ccs").body


@pytest.mark.parametrize(
    ("typed", "category"),
    [("pay", "earnings"), ("Credentials", "credentials"), ("EXAMS", "exams"), ("remote", "remote-work")],
)
def test_categories_by_id_title_or_word(advisor: Advisor, typed: str, category: str) -> None:
    assert advisor.category(typed) == category
    assert advisor.topics(typed).title.endswith(advisor.kb.categories[category].title)


def test_an_unknown_category_lists_the_categories(advisor: Advisor) -> None:
    assert advisor.category("zzqxj") is None
    assert "Categories:" in advisor.topics("zzqxj").body


def test_faq_with_a_category_lists_its_topics(advisor: Advisor) -> None:
    reply = advisor.faq("credentials")
    assert reply.title.endswith("Credentials")
    assert "/faq cpc-vs-ccs" in reply.body
    assert advisor.faq("cpc").topic_id == "cpc"  # a topic id still opens the topic


def test_the_search_index_uses_the_same_implementation(advisor: Advisor) -> None:
    documents = synthetic_documents(topic_documents(advisor.kb), 2000)
    index_suggestions = advisor.index.suggest("remvoing teh a")
    assert index_suggestions[0].id == "removing-the-a"
    big = Suggester.from_documents(documents)
    assert big.suggest("remvoing teh a")[0].id == "removing-the-a"
    assert big.suggest("how do i get experience")[0].id == "getting-experience"
    assert len(big.suggest("c")) == 25


def test_a_typo_never_beats_the_word_itself() -> None:
    suggester = Suggester([Entry("cpb", "CPB"), Entry("cpc", "CPC"), Entry("cca", "CCA")])
    assert [m.id for m in suggester.suggest("cpc")] == ["cpc", "cpb"]  # "cca" is two edits away
    assert suggester.suggest("cpc")[0].score > suggester.suggest("cpc")[1].score
