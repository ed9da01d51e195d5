"""The credential quiz: every path through it, and the moderators' rules checked by the validator."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from bot.core.advisor import Advisor
from bot.core.knowledge import validate_directory
from bot.core.knowledge.model import FIT_GOALS, FIT_SETTINGS
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.replies import credential_fit_reply
from bot.core.tools.credential_fit import FitInputError


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


def recommended(advisor: Advisor, setting: str, years: float, goal: str | None = None) -> list[str]:
    return [p.id for p in advisor.which_credential(setting, years, goal).recommended]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("physician-office", ["cpc"]),
        ("inpatient", ["ccs", "cic"]),
        ("outpatient-facility", ["coc"]),
        ("risk-adjustment", ["crc"]),
        ("payer", ["cpc"]),
        ("billing", ["cpb"]),
    ],
)
def test_each_setting_recommends_the_credential_the_facts_name(
    advisor: Advisor, setting: str, expected: list[str]
) -> None:
    for years in (0, 5):
        assert recommended(advisor, setting, years) == expected


def test_every_answer_gets_a_recommendation_of_real_credentials(advisor: Advisor) -> None:
    rules = advisor.kb.credential_fit
    assert rules is not None
    answers = itertools.product(
        FIT_SETTINGS, [c.years for c in rules.experience] + [0.25, 40], [None, *FIT_GOALS]
    )
    for setting, years, goal in answers:
        fit = advisor.which_credential(setting, years, goal)
        assert fit.recommended, (setting, years, goal)
        ids = [p.id for p in (*fit.recommended, *fit.also_consider)]
        assert len(ids) == len(set(ids))  # recommended is never also "also consider"
        assert set(ids) <= set(advisor.kb.credentials)
        assert all(p.reasons for p in fit.recommended)
        assert set(fit.topics) <= set(advisor.kb.topics)


def test_experience_changes_the_reasons_and_the_alternatives(advisor: Advisor) -> None:
    new = advisor.which_credential("physician-office", 0)
    seasoned = advisor.which_credential("physician-office", 3)
    [cpc_new], [cpc_seasoned] = new.recommended, seasoned.recommended
    assert any("CPC-A" in reason for reason in cpc_new.reasons)
    assert not any("CPC-A" in reason for reason in cpc_seasoned.reasons)
    assert [p.id for p in new.also_consider] == ["cca"]
    assert [p.id for p in seasoned.also_consider] == ["ccs-p"]
    assert any("entry-level role" in note for note in new.notes)
    assert not seasoned.notes


def test_the_remote_goal_adds_what_remote_employers_expect(advisor: Advisor) -> None:
    beginner = advisor.which_credential("risk-adjustment", 0, "remote")
    assert any("2-3 years" in note and "on-site" in note for note in beginner.notes)
    assert "remote-work-experience" in beginner.topics
    experienced = advisor.which_credential("risk-adjustment", 2, "remote")
    assert any("55%" in note for note in experienced.notes)
    assert not advisor.which_credential("risk-adjustment", 2).notes


def test_payer_recommends_what_exists_and_names_the_cpc_p_topic(advisor: Advisor) -> None:
    assert "cpc-p" not in advisor.kb.credentials  # if it is added, add a pick for it in credential_fit.yaml
    fit = advisor.which_credential("payer", 1)
    assert [p.id for p in fit.recommended] == ["cpc"]
    assert fit.topics[0] == "payer-side-and-cpc-p"
    assert "CPC-P" in fit.recommended[0].reasons[0]
    reply = credential_fit_reply(advisor.kb, fit)
    assert "payer-side-and-cpc-p" in [r.id for r in reply.related]


def test_json_has_the_documented_keys(advisor: Advisor) -> None:
    data = advisor.which_credential("inpatient", 0).as_dict()
    assert {"recommended", "also_consider"} <= set(data)
    assert [r["id"] for r in data["recommended"]] == ["ccs", "cic"]  # type: ignore[index]
    first = data["recommended"][0]  # type: ignore[index]
    assert set(first) == {"id", "title", "reasons"} and first["title"] == "Certified Coding Specialist"
    assert data["also_consider"] == ["cca"]


def test_the_reply_reads_well(advisor: Advisor) -> None:
    reply = advisor.which_credential_reply("inpatient", 0, "remote")
    assert reply.title == "Hospital inpatient: CCS or CIC"
    assert "**CCS (Certified Coding Specialist)**" in reply.body and "`/compare ccs cic`" in reply.body
    assert {f.name for f in reply.fields} == {"Also consider", "Good to know"}
    assert "None yet · Work from home" in (reply.footer or "")
    assert "3 years of experience · No particular goal" in (
        advisor.which_credential_reply("inpatient", 3).footer or ""
    )
    assert reply.sources and all(s.url.startswith("https://") for s in reply.sources)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nursing-home", 0), "unknown setting 'nursing-home': choose one of physician-office"),
        (("payer", -1), "experience must be from 0 to 60 years"),
        (("payer", float("inf")), "experience must be a number"),
        (("payer", 1, "money"), "unknown goal 'money': choose remote or none"),
    ],
)
def test_answers_the_quiz_does_not_offer(advisor: Advisor, args: tuple[object, ...], message: str) -> None:
    with pytest.raises(FitInputError, match=message):
        advisor.which_credential(*args)  # type: ignore[arg-type]
    assert advisor.which_credential_reply(*args).kind == "error"  # type: ignore[arg-type]


# --- the validator --------------------------------------------------------------------------------


def shipped_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The shipped knowledge base with one edit to `name`; the edit must apply."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def line_of(directory: Path, name: str, text: str) -> int:
    """The last line containing `text` (an edit that duplicates an id is the later one)."""
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    return max(n for n, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize(
    ("name", "old", "new", "at", "words"),
    [
        (
            "credential_fit.yaml",
            "- credential: cic",
            "- credential: cicc",
            "credential: cicc",
            "credential `cicc` does not exist (did you mean `cic`?)",
        ),
        (
            "credential_fit.yaml",
            "topic: payer-side-and-cpc-p",
            "topic: payer-side",
            "topic: payer-side",
            "topic `payer-side` does not exist",
        ),
        (
            "credential_fit.yaml",
            "- id: billing",
            "- id: billing-office",
            "id: billing-office",
            "got 'billing-office'",
        ),
        (
            "credential_fit.yaml",
            "- id: billing",
            "- id: payer",
            "- id: payer",
            "setting `payer` has two entries",
        ),
        (
            "credential_fit.yaml",
            "below_years: 2\n          reason: Without",
            "min_years: 3\n          below_years: 2\n          reason: Without",
            "- credential: cpc\n          min_years: 3",
            "min_years (3) must be below below_years (2)",
        ),
        (
            "credential_fit.yaml",
            "reviewed: 2026-11-30\n",
            "reviwed: 2026-11-30\n",
            "reviwed",
            "did you mean `reviewed`?",
        ),
        (
            "course_check.yaml",
            "essential_for: [cpb]",
            "essential_for: [cbp]",
            "essential_for: [cbp]",
            "credential `cbp` does not exist",
        ),
        (
            "course_check.yaml",
            "- id: externship",
            "- id: externships",
            "id: externships",
            "got 'externships'",
        ),
        (
            "course_check.yaml",
            "- credential: rhia",
            "- credential: rhai",
            "credential: rhai",
            "credential `rhai` does not exist",
        ),
        ("course_check.yaml", "min_hours: 80", "min_hours: 0", "min_hours: 0", "greater than 0"),
        (
            "course_check.yaml",
            "    - id: externship\n",
            "    - id: anatomy\n",
            "- id: anatomy",
            "course item `anatomy` has two entries",
        ),
    ],
)
def test_quiz_and_checklist_mistakes_are_reported_with_file_and_line(
    tmp_path: Path, name: str, old: str, new: str, at: str, words: str
) -> None:
    directory = shipped_copy(tmp_path, name, old, new)
    problems = [str(p) for p in validate_directory(directory)]
    first, *rest = at.strip("\n").strip().split("\n")
    line = line_of(directory, name, rest[-1].strip() if rest else first) - len(rest)
    expected = f"{directory / name}:{line}: "
    assert any(p.startswith(expected) and words in p for p in problems), "\n".join(problems)


def test_a_setting_without_rules_and_a_conditional_only_setting_are_reported(tmp_path: Path) -> None:
    directory = shipped_copy(
        tmp_path,
        "credential_fit.yaml",
        "      recommend:\n        - credential: cpb\n",
        "      recommend:\n        - credential: cpb\n          goal: remote\n",
    )
    problems = [p.message for p in validate_directory(directory)]
    assert any("setting `billing`: every recommendation has a condition" in p for p in problems)
    text = (directory / "credential_fit.yaml").read_text(encoding="utf-8")
    start = text.index("    - id: billing")
    (directory / "credential_fit.yaml").write_text(text[:start] + text[text.index("\n  experience:") :])
    problems = [p.message for p in validate_directory(directory)]
    assert any("no entry for the setting(s) billing" in p for p in problems), problems


def test_without_rules_the_quiz_says_so(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), directory)
    (directory / "credential_fit.yaml").unlink()
    advisor = Advisor.from_directory(directory)
    with pytest.raises(FitInputError, match="no `credential_fit:` rules"):
        advisor.which_credential("payer", 0)


def test_a_credential_that_failed_to_load_is_not_reported_again_as_missing(tmp_path: Path) -> None:
    # The CIC record has its own mistake; the quiz's pick of `cic` is not a second, misleading problem.
    directory = shipped_copy(
        tmp_path, "credentials.yaml", "name: CIC\n", "name: CIC\n    issuer_typo: AAPC\n"
    )
    problems = [str(p) for p in validate_directory(directory)]
    assert any("credentials.yaml" in p and "issuer_typo" in p for p in problems), problems
    assert not any("credential `cic` does not exist" in p for p in problems), problems
