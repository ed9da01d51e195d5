"""knowledge/*.yaml -> KnowledgeBase, or every problem at once as `path:line: message`.

Moderators are not programmers: each message says where, what is wrong and what to do. Loading
never half-succeeds: a caller either gets a whole valid KnowledgeBase or the list of problems, so
a running bot can keep serving the last good one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Template, TemplateError, TemplateSyntaxError
from pydantic import BaseModel, ValidationError

from bot.core import earnings
from bot.core.knowledge import templates
from bot.core.knowledge.model import (
    CHOICE_NAME_MAX,
    COURSE_ITEMS,
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIT_SETTINGS,
    SELECT_OPTIONS_MAX,
    Category,
    CourseCriteria,
    Credential,
    CredentialFit,
    EarningsPreset,
    KnowledgeFile,
    RoadmapStep,
    SelfEmploymentTax,
    Topic,
)
from bot.core.knowledge.yaml_lines import Location, ParsedYaml, parse
from bot.core.text import states

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory has problems; `problems` lists them all, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class KnowledgeBase:
    categories: dict[str, Category]
    topics: dict[str, Topic]
    credentials: dict[str, Credential]
    presets: dict[str, EarningsPreset]
    se_tax: SelfEmploymentTax
    synonyms: dict[str, str]
    out_of_scope: tuple[str, ...]
    roadmap: tuple[RoadmapStep, ...]
    version: str  # content hash: changes exactly when the knowledge does
    _templates: dict[str, Template] = field(repr=False, compare=False)
    credential_fit: CredentialFit | None = None  # the /which-credential rules, when a file defines them
    course_criteria: CourseCriteria | None = None  # the /course-check checklist, likewise

    def render_answer(self, topic_id: str, place: templates.Place | None = None) -> str:
        context = templates.template_context(
            place or templates.Place(), self.credentials, self.presets, self.se_tax
        )
        return self._templates[topic_id].render(context).strip()

    def credential(self, name: str) -> Credential | None:
        """A credential by id, name or alias, case-insensitively ('cpc', 'CCS-P', 'coder certification')."""
        wanted = name.strip().casefold()
        for credential in self.credentials.values():
            names = {credential.id, credential.name.casefold(), *(a.casefold() for a in credential.aliases)}
            if wanted in names:
                return credential
        return None


def knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def load_knowledge(directory: Path, place: templates.Place | None = None) -> KnowledgeBase:
    """Load and check every file; raise KnowledgeError listing every problem found."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KnowledgeError([Problem(directory, 0, "knowledge directory not found")])
    files = knowledge_files(directory)
    if not files:
        raise KnowledgeError([Problem(directory, 0, "no .yaml files here: is this the knowledge directory?")])

    problems: list[Problem] = []
    parts: list[tuple[Path, ParsedYaml, KnowledgeFile]] = []
    digest = hashlib.sha256()
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as error:
            problems.append(Problem(path, 0, f"cannot read the file: {error.strerror}"))
            continue
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + raw + b"\0")
        result = _load_file(path, raw, problems)
        if result is not None:
            parts.append((path, *result))

    categories, topics, credentials, presets, se_tax, synonyms, where = _merge(parts, problems)
    roadmap = _roadmap(parts, topics, problems)
    fit, criteria = _tools(parts, credentials, topics, problems)
    out_of_scope = tuple(dict.fromkeys(w.casefold() for _, _, part in parts for w in part.out_of_scope))
    kb_templates = _compile_templates(topics, where, problems)
    if se_tax is None and not any(p.message.startswith("YAML") for p in problems):
        problems.append(
            Problem(directory, 0, "no `self_employment_tax:` section: add it (see knowledge/earnings.yaml)")
        )
    if problems or se_tax is None:
        raise KnowledgeError(problems)
    kb = KnowledgeBase(
        categories,
        topics,
        credentials,
        presets,
        se_tax,
        synonyms,
        out_of_scope,
        roadmap,
        digest.hexdigest()[:16],
        kb_templates,
        credential_fit=fit,
        course_criteria=criteria,
    )
    _check_rendered(kb, where, place, problems)
    if problems:
        raise KnowledgeError(problems)
    return kb


def validate_directory(directory: Path) -> list[Problem]:
    try:
        load_knowledge(directory)
    except KnowledgeError as error:
        return error.problems
    return []


def knowledge_warnings(directory: Path, kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """What is valid but will age badly: for now, a missing Social Security wage base for this year."""
    bases = kb.se_tax.social_security_wage_base
    if today.year in bases:
        return []
    used = earnings.tax_year(kb.se_tax, today.year)
    path, line = directory, 0
    for candidate in knowledge_files(directory):
        lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
        found = next((n for n, text in enumerate(lines, 1) if "social_security_wage_base:" in text), None)
        if found:
            path, line = candidate, found
            break
    return [
        Problem(
            path,
            line,
            f"warning: no Social Security wage base for {today.year} yet; replies use {used}'s "
            f"({templates.money(bases[used])}) and say so. Add {today.year}'s from https://www.ssa.gov/oact/cola/cbb.html",
        )
    ]


# --- one file ---------------------------------------------------------------------------------


def _load_file(path: Path, raw: bytes, problems: list[Problem]) -> tuple[ParsedYaml, KnowledgeFile] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text ({error.reason}): save the file as UTF-8"))
        return None
    try:
        parsed = parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(filter(None, [error.context, error.problem]))
        problems.append(Problem(path, line, f"YAML syntax: {what} (check indentation, colons and quotes)"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(path, 1, f"YAML syntax: {error}"))
        return None

    for location, line in parsed.duplicates:
        problems.append(Problem(path, line, f"`{_describe(location, parsed)}` is written twice: keep one"))
    if parsed.data is None:
        problems.append(Problem(path, 1, "the file is empty: add a section such as `topics:`, or delete it"))
        return None
    if not isinstance(parsed.data, dict):
        problems.append(
            Problem(path, 1, "the file must start with a section name such as `topics:`, not a list or text")
        )
        return None
    try:
        return parsed, KnowledgeFile.model_validate(parsed.data)
    except ValidationError as error:
        for detail in error.errors():
            location = tuple(detail["loc"])
            problems.append(Problem(path, parsed.line_of(location), _explain(detail, location, parsed)))
        return None


def _describe(location: Location, parsed: ParsedYaml) -> str:
    """('topics', 2, 'sources') -> 'topics[2] (cpc).sources', naming the entry by its id when it has one."""
    text = ""
    node: Any = parsed.data
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                text += f" ({node['id']})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _model_at(location: Location) -> type[BaseModel]:
    """The model whose keys are valid at `location`, e.g. ('topics', 0) -> Topic."""
    model: type[BaseModel] = KnowledgeFile
    for part in location:
        if isinstance(part, int) or part not in model.model_fields:
            continue
        nested = [
            t
            for t in _types_in(model.model_fields[part].annotation)
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        if nested:
            model = nested[0]
    return model


def _types_in(annotation: Any) -> Iterable[Any]:
    yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _types_in(arg)
    for arg in getattr(annotation, "__metadata__", ()):
        yield from _types_in(arg)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        yield from _types_in(origin)


def _explain(detail: Mapping[str, Any], location: Location, parsed: ParsedYaml) -> str:
    where = _describe(location, parsed)
    kind = detail["type"]
    if kind == "missing":
        return f"`{where}` is missing: every entry needs `{location[-1]}`"
    if kind == "extra_forbidden":
        key = str(location[-1])
        allowed = list(_model_at(location[:-1]).model_fields)
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`?" if close else f"allowed here: {', '.join(allowed)}"
        parent = f"in `{_describe(location[:-1], parsed)}`" if len(location) > 1 else "at the top of the file"
        return f"unknown key `{key}` {parent}: {hint}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        message = f"{message}, got {detail['input']!r}"
    elif kind.startswith(("date_", "datetime_")):
        message = f"{detail['input']!r} is not a valid date: write it as YYYY-MM-DD, like 2026-11-27"
    return f"`{where}`: {message}"


# --- across files -----------------------------------------------------------------------------

_Merged = tuple[
    dict[str, Category],
    dict[str, Topic],
    dict[str, Credential],
    dict[str, EarningsPreset],
    SelfEmploymentTax | None,
    dict[str, str],
    dict[tuple[str, str], tuple[Path, ParsedYaml, Location]],
]


def _merge(parts: list[tuple[Path, ParsedYaml, KnowledgeFile]], problems: list[Problem]) -> _Merged:
    categories: dict[str, Category] = {}
    topics: dict[str, Topic] = {}
    credentials: dict[str, Credential] = {}
    presets: dict[str, EarningsPreset] = {}
    synonyms: dict[str, str] = {}
    se_tax: SelfEmploymentTax | None = None
    where: dict[tuple[str, str], tuple[Path, ParsedYaml, Location]] = {}

    def add(section: str, target: dict[str, Any], items: list[Any], path: Path, parsed: ParsedYaml) -> None:
        for index, item in enumerate(items):
            location: Location = (section, index)
            if item.id in target:
                first_path, first_parsed, first_location = where[(section, item.id)]
                problems.append(
                    Problem(
                        path,
                        parsed.line_of(location),
                        f"{section} id `{item.id}` is used twice (first at "
                        f"{first_path}:{first_parsed.line_of(first_location)}): ids must be unique",
                    )
                )
                continue
            target[item.id] = item
            where[(section, item.id)] = (path, parsed, location)

    for path, parsed, part in parts:
        add("categories", categories, part.categories, path, parsed)
        add("topics", topics, part.topics, path, parsed)
        add("credentials", credentials, part.credentials, path, parsed)
        add("earnings_presets", presets, part.earnings_presets, path, parsed)
        for key, value in part.synonyms.items():
            synonyms[key.casefold()] = value
        if part.self_employment_tax is not None:
            if se_tax is not None:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of(("self_employment_tax",)),
                        "`self_employment_tax` is defined in two files: keep one",
                    )
                )
            se_tax = part.self_employment_tax
            where[("self_employment_tax", "")] = (path, parsed, ("self_employment_tax",))

    def report(section: str, item_id: str, sub: Location, message: str) -> None:
        path, parsed, location = where[(section, item_id)]
        problems.append(Problem(path, parsed.line_of((*location, *sub)), message))

    if len(categories) > SELECT_OPTIONS_MAX:
        first = next(iter(categories))
        report("categories", first, (), f"{len(categories)} categories: /topics can offer at most 25")
    titles: dict[str, str] = {}
    for topic in topics.values():
        if topic.category not in categories:
            report(
                "topics",
                topic.id,
                ("category",),
                f"topic `{topic.id}`: category `{topic.category}` does not exist; "
                f"use one of: {', '.join(categories) or '(none defined)'}",
            )
        for index, related in enumerate(topic.related):
            if related == topic.id:
                report("topics", topic.id, ("related", index), f"topic `{topic.id}` lists itself as related")
            elif related not in topics:
                report(
                    "topics",
                    topic.id,
                    ("related", index),
                    f"topic `{topic.id}`: related topic `{related}` does not exist{_did_you_mean(related, topics)}",
                )
        folded = topic.title.casefold()
        if folded in titles:
            report(
                "topics", topic.id, ("title",), f"title {topic.title!r} is also used by `{titles[folded]}`"
            )
        titles[folded] = topic.id
    for credential in credentials.values():
        if credential.topic is not None and credential.topic not in topics:
            report(
                "credentials",
                credential.id,
                ("topic",),
                f"credential `{credential.id}`: topic `{credential.topic}` does not exist"
                f"{_did_you_mean(credential.topic, topics)}",
            )
    return categories, topics, credentials, presets, se_tax, synonyms, where


def _roadmap(
    parts: list[tuple[Path, ParsedYaml, KnowledgeFile]], topics: Mapping[str, Topic], problems: list[Problem]
) -> tuple[RoadmapStep, ...]:
    steps: list[RoadmapStep] = []
    owner: Path | None = None
    for path, parsed, part in parts:
        if not part.roadmap:
            continue
        if owner is not None:
            problems.append(
                Problem(
                    path, parsed.line_of(("roadmap",)), f"`roadmap` is already defined in {owner}: keep one"
                )
            )
            continue
        owner = path
        steps = list(part.roadmap)
        for index, step in enumerate(part.roadmap):
            for number, topic_id in enumerate(step.topics):
                if topic_id not in topics:
                    problems.append(
                        Problem(
                            path,
                            parsed.line_of(("roadmap", index, "topics", number)),
                            f"roadmap step {step.title!r}: topic `{topic_id}` does not exist"
                            f"{_did_you_mean(topic_id, topics)}",
                        )
                    )
    return tuple(steps)


def _tools(
    parts: list[tuple[Path, ParsedYaml, KnowledgeFile]],
    credentials: Mapping[str, Credential],
    topics: Mapping[str, Topic],
    problems: list[Problem],
) -> tuple[CredentialFit | None, CourseCriteria | None]:
    """The quiz rules and the course checklist: one file each, every id pointing at something real."""
    fit: CredentialFit | None = None
    criteria: CourseCriteria | None = None
    owners: dict[str, Path] = {}
    for path, parsed, part in parts:
        for section, value in (("credential_fit", part.credential_fit), ("course_check", part.course_check)):
            if value is None:
                continue
            if section in owners:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((section,)),
                        f"`{section}` is already defined in {owners[section]}: keep one",
                    )
                )
                continue
            owners[section] = path

            def report(
                location: Location, message: str, path: Path = path, parsed: ParsedYaml = parsed
            ) -> None:
                problems.append(Problem(path, parsed.line_of(location), message))

            def known(location: Location, what: str, name: str | None, pool: Mapping[str, Any]) -> None:
                if name is not None and name not in pool:
                    report(location, f"{what} `{name}` does not exist{_did_you_mean(name, pool)}")

            if isinstance(value, CredentialFit):
                fit = value
                _check_fit(value, ("credential_fit",), report, known, credentials, topics)
            elif isinstance(value, CourseCriteria):
                criteria = value
                _check_course(value, ("course_check",), report, known, credentials)
    return fit, criteria


def _each_once(
    report: Callable[[Location, str], None], at: Location, ids: list[str], offered: tuple[str, ...], what: str
) -> None:
    """Every id the faces offer has exactly one entry (the model already refuses ids they don't)."""
    for index, entry_id in enumerate(ids):
        if entry_id in ids[:index]:
            report((*at, index, "id"), f"{what} `{entry_id}` has two entries: keep one")
    missing = [i for i in offered if i not in ids]
    if missing:
        report(
            at,
            f"no entry for the {what}(s) {', '.join(missing)}: the bot asks about each of {', '.join(offered)}",
        )


def _check_fit(
    fit: CredentialFit,
    at: Location,
    report: Callable[[Location, str], None],
    known: Callable[[Location, str, str | None, Mapping[str, Any]], None],
    credentials: Mapping[str, Credential],
    topics: Mapping[str, Topic],
) -> None:
    _each_once(report, (*at, "settings"), [rules.id for rules in fit.settings], FIT_SETTINGS, "setting")
    for index, rules in enumerate(fit.settings):
        here: Location = (*at, "settings", index)
        known((*here, "topic"), "topic", rules.topic, topics)
        for group in ("recommend", "also_consider"):
            for number, pick in enumerate(getattr(rules, group)):
                known((*here, group, number, "credential"), "credential", pick.credential, credentials)
        if all(pick.conditional for pick in rules.recommend):
            report(
                (*here, "recommend"),
                f"setting `{rules.id}`: every recommendation has a condition, so some answers get none: "
                "add one without min_years, below_years or goal",
            )
    for index, note in enumerate(fit.notes):
        known((*at, "notes", index, "topic"), "topic", note.topic, topics)
    years = [choice.years for choice in fit.experience]
    if years != sorted(set(years)):
        report((*at, "experience"), "experience choices must go from fewest years to most, each once")


def _check_course(
    criteria: CourseCriteria,
    at: Location,
    report: Callable[[Location, str], None],
    known: Callable[[Location, str, str | None, Mapping[str, Any]], None],
    credentials: Mapping[str, Credential],
) -> None:
    _each_once(report, (*at, "items"), [item.id for item in criteria.items], COURSE_ITEMS, "course item")
    for index, item in enumerate(criteria.items):
        for number, credential in enumerate(item.essential_for):
            known((*at, "items", index, "essential_for", number), "credential", credential, credentials)
    for index, note in enumerate(criteria.credential_notes):
        known((*at, "credential_notes", index, "credential"), "credential", note.credential, credentials)


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _compile_templates(
    topics: Mapping[str, Topic],
    where: Mapping[tuple[str, str], tuple[Path, ParsedYaml, Location]],
    problems: list[Problem],
) -> dict[str, Template]:
    env = templates.make_environment()
    compiled: dict[str, Template] = {}
    for topic in topics.values():
        try:
            compiled[topic.id] = env.from_string(topic.answer)
        except TemplateSyntaxError as error:
            path, parsed, location = where[("topics", topic.id)]
            start = parsed.text_lines.get((*location, "answer"), parsed.line_of((*location, "answer")))
            problems.append(
                Problem(
                    path,
                    start + (error.lineno or 1) - 1,
                    f"topic `{topic.id}`: template error: {error.message}",
                )
            )
    return compiled


def _check_rendered(
    kb: KnowledgeBase,
    where: Mapping[tuple[str, str], tuple[Path, ParsedYaml, Location]],
    place: templates.Place | None,
    problems: list[Problem],
) -> None:
    """Render every answer as a student would see it and check Discord's limits."""
    for topic in kb.topics.values():
        path, parsed, location = where[("topics", topic.id)]
        line = parsed.line_of((*location, "answer"))
        try:
            text = kb.render_answer(topic.id, place)
        except (TemplateError, ValueError, TypeError, ArithmeticError) as error:
            problems.append(Problem(path, line, f"topic `{topic.id}`: the answer fails to render: {error}"))
            continue
        if len(text) > EMBED_DESCRIPTION_MAX:
            problems.append(
                Problem(
                    path,
                    line,
                    f"topic `{topic.id}`: the answer renders to {len(text)} characters; "
                    f"Discord shows at most {EMBED_DESCRIPTION_MAX}: shorten it or split the topic",
                )
            )
        total = len(topic.title) + len(text) + sum(len(f.name) + len(f.value) for f in topic.fields)
        total += sum(len(s.title) + len(s.url) + 6 for s in topic.sources)
        if total > EMBED_TOTAL_MAX:
            problems.append(
                Problem(
                    path,
                    parsed.line_of(location),
                    f"topic `{topic.id}`: title, answer, fields and sources add up to {total} characters; "
                    f"one Discord embed holds at most {EMBED_TOTAL_MAX}",
                )
            )
        shown = "\n".join([text, *(f"{f.name} {f.value}" for f in topic.fields)])
        for index, fact in enumerate(topic.key_facts):
            if not states(shown, fact):
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((*location, "key_facts", index)),
                        f"topic `{topic.id}`: key fact {fact!r} is not in the rendered answer or its fields: "
                        "state it in the answer, or change the key fact",
                    )
                )
        for index, question in enumerate(topic.questions):
            if len(question) > CHOICE_NAME_MAX:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((*location, "questions", index)),
                        f"topic `{topic.id}`: example question is {len(question)} characters; "
                        f"autocomplete shows at most {CHOICE_NAME_MAX}",
                    )
                )
