"""The loader and validator: every mistake a moderator can make gets file, line and what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge, validate_directory
from bot.core.knowledge.loader import knowledge_warnings
from tests.helpers import BASE_FILES, TODAY, write_knowledge

TOPIC = """
topics:
  - id: extra
    title: An extra topic
    category: credentials
    questions: [an extra question]
    answer: |
{answer}
    sources:
      - title: AAPC
        url: https://www.aapc.com/
    reviewed: 2026-11-27
"""


def topic(answer: str = "A plain answer.", **replace: str) -> str:
    text = TOPIC.replace("{answer}", "\n".join("      " + line for line in answer.splitlines()))
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


# (files to write, file the problem is in, line, words the message must contain)
CASES = [
    pytest.param(
        {"topics/x.yaml": "topics:\n  - id: a\n   title: b\n"},
        "topics/x.yaml",
        3,
        "YAML syntax",
        id="bad-indent",
    ),
    pytest.param(
        {"topics/x.yaml": 'topics: [\n  "unterminated\n'},
        "topics/x.yaml",
        3,
        "YAML syntax",
        id="unclosed-quote",
    ),
    pytest.param({"topics/x.yaml": ""}, "topics/x.yaml", 1, "file is empty", id="empty-file"),
    pytest.param(
        {"topics/x.yaml": "- just\n- a list\n"},
        "topics/x.yaml",
        1,
        "must start with a section",
        id="top-level-list",
    ),
    pytest.param(
        {"topics/x.yaml": "topicz: []\n"}, "topics/x.yaml", 1, "did you mean `topics`", id="unknown-section"
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("    reviewed:", "    reviwed:")},
        "topics/x.yaml",
        11,
        "did you mean `reviewed`",
        id="typo-key",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("    reviewed: 2026-11-27\n", "")},
        "topics/x.yaml",
        2,
        "`topics[0] (extra).reviewed` is missing",
        id="missing-reviewed",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("2026-11-27", "2026-13-01")},
        "topics/x.yaml",
        11,
        "not a valid date",
        id="bad-month",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("2026-11-27", "2099-01-01")},
        "topics/x.yaml",
        11,
        "in the future",
        id="future-date",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("https://www.aapc.com/", "www.aapc.com")},
        "topics/x.yaml",
        10,
        "not a web address",
        id="url-no-scheme",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("id: extra", "id: Extra Topic")},
        "topics/x.yaml",
        2,
        "not a valid id",
        id="bad-slug",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("id: extra", "id: cpc")},
        "topics/x.yaml",
        2,
        "id `cpc` is used twice",
        id="duplicate-id",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("    sources:", "    related: [cpcc]\n    sources:")},
        "topics/x.yaml",
        8,
        "related topic `cpcc` does not exist (did you mean `cpc`?)",
        id="dangling-related",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("category: credentials", "category: credential")},
        "topics/x.yaml",
        4,
        "category `credential` does not exist",
        id="unknown-category",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("questions: [an extra question]", "questions: []")},
        "topics/x.yaml",
        5,
        "at least 1 item",
        id="no-questions",
    ),
    pytest.param(
        {
            "topics/x.yaml": topic().replace(
                "    sources:\n      - title: AAPC\n        url: https://www.aapc.com/\n", ""
            )
        },
        "topics/x.yaml",
        2,
        "`topics[0] (extra).sources` is missing",
        id="no-sources",
    ),
    pytest.param(
        {"topics/x.yaml": topic("line one\n{{ credentials.cpc.name }")},
        "topics/x.yaml",
        8,
        "template error",
        id="template-syntax",
    ),
    pytest.param(
        {"topics/x.yaml": topic("Hello {{ server_nam }}")},
        "topics/x.yaml",
        7,
        "`server_nam` is not defined: did you mean `server_name`?",
        id="template-undefined",
    ),
    pytest.param(  # an optional field left out (the test knowledge has no due dates) is not "None"
        {"topics/x.yaml": topic("Due {{ se_tax.estimated_payments_due }}")},
        "topics/x.yaml",
        7,
        "it prints a value that is empty (none): fill in that field, or leave it out of the answer",
        id="template-empty-value",
    ),
    pytest.param(
        {"topics/x.yaml": topic("{{ ''.__class__.__mro__ }}")},
        "topics/x.yaml",
        7,
        "fails to render",
        id="template-sandbox",
    ),
    pytest.param(
        {"topics/x.yaml": topic("{{ earnings(500, 0.75, 40).weekly }}")},
        "topics/x.yaml",
        7,
        "charts per hour must be at most 200",
        id="template-bad-earnings",
    ),
    pytest.param(
        {"topics/x.yaml": topic("Intro\n{{ 'a' * 10**9 }}")},
        "topics/x.yaml",
        8,
        "topic `extra`: the template would build a text of 1,000,000,000 characters; answers may build at most 20,000",
        id="template-too-big",
    ),
    pytest.param(
        {"topics/x.yaml": topic("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}")},
        "topics/x.yaml",
        7,
        "the template calls itself without end",
        id="template-recursion",
    ),
    pytest.param(
        {"creds.yaml": "credentials:\n  - id: cpc\n    exam:\n      open_book: no\n"},
        "creds.yaml",
        4,
        "YAML reads this as yes/no (False), not text: put the text in quotes",
        id="yes-no-as-text",
    ),
    pytest.param(
        {"topics/x.yaml": topic("{{ 'x' * 5000 }}")},
        "topics/x.yaml",
        6,
        "renders to 5000 characters",
        id="answer-too-long",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("title: An extra topic", "title: " + "t" * 101)},
        "topics/x.yaml",
        3,
        "at most 100 characters",
        id="title-too-long",
    ),
    pytest.param(
        {
            "topics/x.yaml": topic().replace(
                "    sources:",
                "    fields:\n      - name: Fee\n        value: " + "v" * 1025 + "\n    sources:",
            )
        },
        "topics/x.yaml",
        10,
        "at most 1024 characters",
        id="field-value-too-long",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("    answer:", "    title: Again\n    answer:")},
        "topics/x.yaml",
        6,
        "written twice",
        id="duplicate-key",
    ),
    pytest.param(
        {"topics/x.yaml": topic().replace("title: An extra topic", "title: The CPC credential")},
        "topics/x.yaml",
        3,
        "also used by `cpc`",
        id="duplicate-title",
    ),
    pytest.param(
        {"tax.yaml": "self_employment_tax:\n  social_security_rate: 12.4\n"},
        "tax.yaml",
        2,
        "less than 1",
        id="tax-rate-percent",
    ),
    pytest.param(
        {"creds.yaml": "credentials:\n  - id: cpc\n    name: CPC\n    code_sets: [ICD-9-CM]\n"},
        "creds.yaml",
        4,
        "'ICD-10-CM', 'ICD-10-PCS', 'CPT' or 'HCPCS Level II', got 'ICD-9-CM'",
        id="retired-code-set",
    ),
    pytest.param({"topics/x.yaml": b"topics: \xff\xfe\n"}, "topics/x.yaml", 1, "not UTF-8", id="not-utf8"),
    pytest.param(
        {"presets.yaml": "earnings_presets:\n  - id: ed\n    charts_per_hour: {min: 30, max: 12}\n"},
        "presets.yaml",
        3,
        "min (30) is larger than max (12)",
        id="range-upside-down",
    ),
    pytest.param(
        {
            "topics/x.yaml": topic("The exam has 100 questions.").replace(
                "    sources:", '    key_facts: ["100 questions", "4 hours"]\n    sources:'
            )
        },
        "topics/x.yaml",
        8,
        "key fact '4 hours' is not in the rendered answer",
        id="key-fact-missing",
    ),
]


@pytest.mark.parametrize(("files", "where", "line", "words"), CASES)
def test_each_mistake_is_reported_with_file_line_and_advice(
    tmp_path: Path, files: dict[str, str | bytes], where: str, line: int, words: str
) -> None:
    texts = {name: text for name, text in files.items() if isinstance(text, str)}
    write_knowledge(tmp_path, texts)
    for name, data in files.items():
        if isinstance(data, bytes):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(data)
    problems = validate_directory(tmp_path, today=TODAY)
    rendered = [str(p) for p in problems]
    expected_prefix = f"{tmp_path / where}:{line}: "
    assert any(r.startswith(expected_prefix) and words in r for r in rendered), "\n".join(rendered)


def test_the_base_knowledge_is_valid(tmp_path: Path) -> None:
    kb = load_knowledge(write_knowledge(tmp_path), today=TODAY)
    assert list(kb.topics) == ["cpc", "ccs"]
    assert kb.topics["cpc"].related == ["ccs"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write_knowledge(
        tmp_path,
        {
            "topics/a.yaml": topic().replace("reviewed:", "reviwed:"),
            "topics/b.yaml": "topics: [\n",
            "topics/c.yaml": topic()
            .replace("id: extra", "id: other")
            .replace("category: credentials", "category: nope"),
        },
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp_path, today=TODAY)
    files = {p.path.name for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml", "c.yaml"}
    assert any("category `nope` does not exist" in p.message for p in caught.value.problems)


def test_a_missing_directory_is_one_clear_problem(tmp_path: Path) -> None:
    problems = validate_directory(tmp_path / "nowhere", today=TODAY)
    assert len(problems) == 1
    assert "not found" in problems[0].message


def test_version_changes_exactly_when_the_knowledge_does(tmp_path: Path) -> None:
    first = load_knowledge(write_knowledge(tmp_path), today=TODAY).version
    assert load_knowledge(tmp_path, today=TODAY).version == first
    (tmp_path / "topics" / "cpc.yaml").write_text(
        (tmp_path / "topics" / "cpc.yaml").read_text().replace("professional coding", "physician coding")
    )
    assert load_knowledge(tmp_path, today=TODAY).version != first


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_knowledge(tmp_path)
    unreadable = tmp_path / "topics" / "cpc.yaml"
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == unreadable:
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    assert f"{unreadable}:0: cannot read the file: Permission denied" in problems


def test_a_missing_wage_base_for_this_year_warns_without_failing(tmp_path: Path) -> None:
    kb = load_knowledge(write_knowledge(tmp_path), today=TODAY)
    assert knowledge_warnings(tmp_path, kb, dt.date(2026, 6, 1)) == []
    [warning] = knowledge_warnings(tmp_path, kb, dt.date(2027, 1, 2))
    assert str(warning).startswith(
        f"{tmp_path / 'tax.yaml'}:6: warning: no Social Security wage base for 2027"
    )
    assert "replies use 2026's ($184,500)" in str(warning)


def test_the_future_is_judged_by_the_clock_given(tmp_path: Path) -> None:
    write_knowledge(tmp_path)  # every entry reviewed 2026-11-27
    assert validate_directory(tmp_path, today=dt.date(2026, 11, 27)) == []
    # A day of grace: a moderator a time zone ahead of the server writes their own today.
    assert validate_directory(tmp_path, today=dt.date(2026, 11, 26)) == []
    problems = [str(p) for p in validate_directory(tmp_path, today=dt.date(2026, 11, 25))]
    assert len([p for p in problems if "2026-11-27 is in the future" in p]) == 3


def test_entries_not_reviewed_for_a_year_are_warned_about(tmp_path: Path) -> None:
    kb = load_knowledge(write_knowledge(tmp_path), today=TODAY)
    assert not any("reviewed" in w.message for w in knowledge_warnings(tmp_path, kb, dt.date(2027, 11, 27)))
    warnings = [str(w) for w in knowledge_warnings(tmp_path, kb, dt.date(2027, 11, 28))]
    cpc = tmp_path / "topics" / "cpc.yaml"
    assert f"{cpc}:11: warning: topic `cpc` was last reviewed 2026-11-27, over a year ago: " in "\n".join(
        warnings
    )
    assert any(w.startswith(f"{tmp_path / 'tax.yaml'}:10: warning: `self_employment_tax`") for w in warnings)
    assert any("no Social Security wage base for 2027" in w for w in warnings)


def three_topics(first: str = "") -> str:
    """Topics extra-a (changed by `first`, e.g. a typo), extra-b and extra-c in one file."""
    entries = []
    for name in ("a", "b", "c"):
        entry = topic().replace("id: extra", f"id: extra-{name}").replace("An extra topic", f"Extra {name}")
        entry = entry.removeprefix("\ntopics:\n")
        entries.append(first(entry) if first and name == "a" else entry)  # type: ignore[operator]
    return "topics:\n" + "".join(entries)


REFERRING = {
    "topics/y.yaml": topic()
    .replace("id: extra", "id: other")
    .replace("An extra topic", "Other")
    .replace("    sources:", "    related: [extra-a, extra-b, extra-c, nowhere]\n    sources:"),
    "roadmap.yaml": "roadmap:\n  - title: Start\n    body: Begin here.\n    topics: [extra-a, extra-c]\n",
}


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        (lambda e: e.replace("    reviewed:", "    reviwed:"), "unknown key `reviwed`"),
        (lambda e: e.replace("2026-11-27", "2099-01-01"), "2099-01-01 is in the future"),
    ],
    ids=["typo", "future-date"],
)
def test_one_bad_entry_is_the_root_problem_not_a_flood(tmp_path: Path, mistake: object, words: str) -> None:
    write_knowledge(tmp_path, {"topics/x.yaml": three_topics(mistake), **REFERRING})  # type: ignore[arg-type]
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    x = tmp_path / "topics" / "x.yaml"
    assert problems[0].startswith(f"{x}:") and words in problems[0], "\n".join(problems)
    # Only the broken entry is left out: references to extra-b and extra-c are checked and fine,
    # the two to extra-a are counted, and the one real dangling reference is still reported.
    [dangling] = [p for p in problems if "does not exist" in p]
    assert dangling.startswith(f"{tmp_path / 'topics' / 'y.yaml'}:8: topic `other`: related topic `nowhere`")
    [note] = [p for p in problems if "not checked" in p]
    assert note.startswith(f"{x}:") and "2 references to entries of this file not checked" in note
    assert problems.index(note) > problems.index(next(p for p in problems if words in p))


def test_a_file_that_is_not_yaml_hides_no_problem_and_floods_nothing(tmp_path: Path) -> None:
    broken = three_topics().replace("    category: credentials", "\tcategory: credentials", 1)
    write_knowledge(tmp_path, {"topics/x.yaml": broken, **REFERRING})
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    x = tmp_path / "topics" / "x.yaml"
    assert problems[0] == f"{x}:4: YAML syntax: a tab character: indent with spaces, not tabs", problems
    [dangling] = [p for p in problems if "does not exist" in p]
    assert dangling.startswith(f"{tmp_path / 'topics' / 'y.yaml'}:8: topic `other`: related topic `nowhere`")
    assert any(p.startswith(f"{x}:4: 5 references to entries of this file not checked") for p in problems)


def test_a_broken_tax_section_is_not_also_reported_missing(tmp_path: Path) -> None:
    write_knowledge(tmp_path, {"tax.yaml": BASE_FILES["tax.yaml"].replace("reviewed:", "reviwed:")})
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    assert problems and not any("no `self_employment_tax:` section" in p for p in problems), problems


CREDENTIALS = """
credentials:
  - id: cpc
    name: CPC
    full_name: Certified Professional Coder
    issuer: AAPC
    setting: Physician offices
    code_sets: [ICD-10-CM, CPT]
    exam: {questions: 100, minutes: 240, passing: 70%, open_book: code books only, delivery: online}
    fee: {min: 499, max: 499, year: 2026}
    membership: required
    eligibility: none
    renewal: 36 CEUs every 2 years
    best_for: outpatient coding
    url: https://www.aapc.com/certifications/cpc
    sources:
      - title: AAPC — CPC
        url: https://www.aapc.com/certifications/cpc
    reviewed: 2026-11-27
  - id: ccs-p
    name: CCS-P
    full_name: Certified Coding Specialist — Physician-based
    issuer: AHIMA
    setting: Physician offices
    code_sets: [ICD-10-CM, CPT]
    exam: {minutes: 240, passing: "300", open_book: "no", delivery: test centre}
    fee: {min: 299, max: 399, year: 2026}
    membership: optional
    eligibility: none
    renewal: 20 CEUs every 2 years
    best_for: physician coding
    url: https://www.ahima.org/
    sources:
      - title: AHIMA
        url: https://www.ahima.org/
    reviewed: 2026-11-27
"""


@pytest.mark.parametrize(
    ("answer", "line", "words"),
    [
        (
            "The exam:\n{{ credentials.cpc.exam.questionz }} questions.",
            8,
            "topic `extra`: `credentials.cpc.exam` has no `questionz`: did you mean `questions`?",
        ),
        (
            "Fee\n\n{{ credentials['ccs-p'].fee.mni | money }}",
            9,
            "topic `extra`: `credentials['ccs-p'].fee` has no `mni`: did you mean `min`?",
        ),
        ("{{ credentials.cpcc.name }}", 7, "topic `extra`: `credentials` has no `cpcc`: did you mean `cpc`?"),
        (
            "{% for c in credentials.values() %}\n{{ c.nmae }}\n{% endfor %}",
            8,
            "topic `extra`: `credentials.cpc` has no `nmae`: did you mean `name`?",
        ),
        (
            "At 25/h:\n{{ earnings(25, 0.75, 40).weekley | money }}",
            8,
            "topic `extra`: `earnings(...)` has no `weekley`: did you mean `weekly`?",
        ),
        (
            "{{ se_tax.social_security_wage_base[2031] | money }}",
            7,
            "topic `extra`: `se_tax.social_security_wage_base` has no `2031`",
        ),
    ],
)
def test_a_template_error_names_the_data_as_written_at_the_templates_line(
    tmp_path: Path, answer: str, line: int, words: str
) -> None:
    write_knowledge(tmp_path, {"credentials.yaml": CREDENTIALS, "topics/x.yaml": topic(answer)})
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    assert problems == [f"{tmp_path / 'topics' / 'x.yaml'}:{line}: {words}"] or any(
        p.startswith(f"{tmp_path / 'topics' / 'x.yaml'}:{line}: {words}") for p in problems
    ), problems
    assert len(problems) == 1
    assert "bot.core" not in problems[0] and "object" not in problems[0]


def test_answers_using_missing_credentials_are_one_problem(tmp_path: Path) -> None:
    write_knowledge(
        tmp_path,
        {
            "topics/x.yaml": topic("{{ credentials.cpc.exam.questions }} questions"),
            "topics/y.yaml": topic("Fee {{ credentials['ccs-p'].fee.min }}")
            .replace("id: extra", "id: other")
            .replace("An extra topic", "Other"),
        },
    )
    problems = [str(p) for p in validate_directory(tmp_path, today=TODAY)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{tmp_path}:0: no credentials are defined, but 2 answers use them")
    assert "add a `credentials:` section" in problems[0]
