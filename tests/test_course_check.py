"""The course checklist: code sets from the credential's record, hours and items from the YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.advisor import Advisor
from bot.core.knowledge import validate_directory
from bot.core.replies import Reply
from bot.core.tools.course_check import CourseInputError, CourseOffer, CourseVerdict, read_code_sets
from tests.test_credential_fit import shipped_copy

EVERYTHING = ("practice-exams", "anatomy", "billing-cycle", "externship")


def check(advisor: Advisor, *args: Any, **kwargs: Any) -> CourseVerdict:
    return advisor.course_check(CourseOffer(*args, **kwargs))


def check_reply(advisor: Advisor, *args: Any, **kwargs: Any) -> Reply:
    return advisor.course_check_reply(CourseOffer(*args, **kwargs))


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


def test_a_full_cpc_course_is_complete(advisor: Advisor) -> None:
    result = check(advisor, "CPC", 120, "ICD-10-CM, CPT, HCPCS Level II", ["practice-exams", "anatomy"])
    assert result.verdict == "complete"
    assert result.present == [
        "CPT",
        "HCPCS Level II",
        "ICD-10-CM",
        "contact-hours",
        "anatomy",
        "practice-exams",
    ]
    assert result.missing == ["billing-cycle", "externship"]  # nice to have, not essential
    assert not result.essential_missing


def test_each_essential_gap_makes_it_introductory(advisor: Advisor) -> None:
    full = dict(teaches="ICD-10-CM,CPT,HCPCS", offers=EVERYTHING)
    assert check(advisor, "cpc", 80, **full).verdict == "complete"  # 80 is enough: >=
    short = check(advisor, "cpc", 79.5, **full)
    assert (short.verdict, short.missing) == ("introductory", ["contact-hours"])
    no_hcpcs = check(advisor, "cpc", 100, "ICD-10-CM,CPT", EVERYTHING)
    assert (no_hcpcs.verdict, no_hcpcs.missing) == ("introductory", ["HCPCS Level II"])
    no_exams = check(advisor, "cpc", 100, "ICD-10-CM,CPT,HCPCS", ["anatomy"])
    assert no_exams.verdict == "introductory" and "practice-exams" in no_exams.missing


def test_the_code_sets_come_from_the_credential_record(advisor: Advisor) -> None:
    # The CCS covers ICD-10-PCS, the CPC does not: the same course passes one and not the other.
    course = ("ICD-10-CM,CPT,HCPCS", ["practice-exams", "anatomy"])
    assert check(advisor, "ccs", 200, *course).missing[0] == "ICD-10-PCS"
    assert check(advisor, "cpc", 200, *course).verdict == "complete"
    crc = check(advisor, "crc", 100, "ICD-10-CM", ["practice-exams", "anatomy"])
    assert crc.verdict == "complete" and crc.present[0] == "ICD-10-CM"
    extra = check(advisor, "cpc", 100, "ICD-10-CM,CPT,HCPCS,PCS", ["practice-exams", "anatomy"])
    assert any("also teaches ICD-10-PCS, which the CPC does not test" in n for n in extra.notes)


def test_billing_basics_are_essential_for_the_cpb_only(advisor: Advisor) -> None:
    course = ("ICD-10-CM,CPT,HCPCS", ["practice-exams", "anatomy"])
    cpb = check(advisor, "cpb", 100, *course)
    assert (cpb.verdict, cpb.missing) == ("introductory", ["billing-cycle", "externship"])
    assert [c.label for c in cpb.essential_missing] == ["Billing-cycle basics"]


def test_price_per_hour_and_the_exam_fee_from_the_record(advisor: Advisor) -> None:
    result = check(advisor, "cpc", 80, "ICD-10-CM,CPT,HCPCS", EVERYTHING, price=2000)
    fee = advisor.kb.credentials["cpc"].fee
    assert any(
        "$2,000 for 80 contact hours is $25 an hour" in n
        and f"(${fee.min:,.0f}–${fee.max:,.0f} in {fee.year})" in n
        for n in result.notes
    )
    rhit = check(advisor, "rhit", 80, "ICD-10-CM,CPT,HCPCS,PCS", EVERYTHING)
    assert any("CAHIIM-accredited" in n for n in rhit.notes)


def test_json_keys(advisor: Advisor) -> None:
    data = check(advisor, "cpc", 60, "ICD-10-CM", []).as_dict()
    assert {"verdict", "present", "missing"} <= set(data)
    assert data["verdict"] == "introductory" and data["present"] == ["ICD-10-CM"]


def test_the_reply_marks_what_is_missing_and_why(advisor: Advisor) -> None:
    reply = check_reply(advisor, "cpc", 60, "ICD-10-CM,CPT", ["anatomy", "externship"])
    assert reply.title == "Looks introductory for the CPC"
    assert "✅ CPT" in reply.body and "✅ Externship" in reply.body
    assert (
        "❌ **HCPCS Level II**" in reply.body
        and "❌ **At least 80 contact hours**: AAPC accepts" in reply.body
    )
    assert "➖ **Billing-cycle basics** (nice to have)" in reply.body
    assert (
        "Missing for the CPC: HCPCS Level II, At least 80 contact hours, Timed practice exams." in reply.body
    )
    assert (
        check_reply(advisor, "cpc", 100, "ICD-10-CM,CPT,HCPCS", EVERYTHING).title
        == "Looks complete for the CPC"
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("ICD-10-CM,CPT,HCPCS Level II", ("ICD-10-CM", "CPT", "HCPCS Level II")),
        ("icd10cm; cpt ; hcpcs ii, HCPCS", ("ICD-10-CM", "CPT", "HCPCS Level II")),
        (["ICD-10-PCS", "pcs"], ("ICD-10-PCS",)),
        ("", ()),
    ],
)
def test_code_set_names_as_students_write_them(names: str | list[str], expected: tuple[str, ...]) -> None:
    assert read_code_sets(names) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cpc", 80, "ICD-9-CM"), "ICD-9-CM was replaced by ICD-10-CM and ICD-10-PCS on 1 Oct 2015"),
        (("cpc", 80, "icd-10"), "is two code sets"),
        (("cpc", 80, "CPT,DRG"), "unknown code set 'DRG': use ICD-10-CM, ICD-10-PCS, CPT, HCPCS Level II"),
        (("cpc", 0, "CPT"), "contact hours must be from more than 0 to 10,000"),
        (("cpc", 80, "CPT", ["yoga"]), "unknown course item(s) yoga"),
        (("cpc", 80, "CPT", (), -5), "price must be from 0 to 100,000"),
        (("cpc-p", 80, "CPT"), "unknown credential 'cpc-p': use one of cpc, ccs"),
    ],
)
def test_bad_input_is_one_clear_message(advisor: Advisor, args: tuple[object, ...], message: str) -> None:
    with pytest.raises(CourseInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check(advisor, *args)
    assert check_reply(advisor, *args).kind == "error"


def test_a_missing_item_is_reported(tmp_path: Path) -> None:
    directory = shipped_copy(tmp_path, "course_check.yaml", "    - id: externship\n", "    - id: anatomy\n")
    problems = [p.message for p in validate_directory(directory)]
    assert any("no entry for the course item(s) externship" in p for p in problems)
