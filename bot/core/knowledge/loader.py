"""knowledge/*.yaml -> KnowledgeBase, or every problem at once as `path:line: message`.

Moderators are not programmers: each message says where, what is wrong and what to do. Loading
never half-succeeds: a caller either gets a whole valid KnowledgeBase or the list of problems, so
a running bot can keep serving the last good one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable, Mapping
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
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_TOTAL_MAX,
    SELECT_OPTIONS_MAX,
    Category,
    Chapter,
    Credential,
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
    chapters: dict[str, Chapter] = field(default_factory=dict)
    # channel or category id -> chapter id
    chapter_channels: dict[int, str] = field(default_factory=dict, repr=False)

    def render_answer(self, topic_id: str, place: templates.Place | None = None) -> str:
        context = templates.template_context(
            place or templates.Place(), self.credentials, self.presets, self.se_tax
        )
        return self._templates[topic_id].render(context).strip()

    def chapter_of(self, channel_ids: Iterable[int]) -> Chapter | None:
        """The chapter of a channel, given its id then its parents' (category; for a thread, its
        channel then that channel's category): the nearest listed one wins."""
        for channel_id in channel_ids:
            if channel_id in self.chapter_channels:
                return self.chapters[self.chapter_channels[channel_id]]
        return None

    def chapter_view(self, chapter_id: str, today: dt.date) -> templates.Chapter:
        """A chapter as templates and replies see it on `today`: upcoming sittings, the next one."""
        chapter = self.chapters[chapter_id]
        sittings = sorted(
            (
                templates.Sitting(s.date, self._credential_name(s.credential), s.place)
                for s in chapter.exam_sittings
                if s.date >= today
            ),
            key=lambda s: s.date,
        )
        return templates.Chapter(
            id=chapter.id,
            name=chapter.name,
            city=chapter.city,
            meetings=chapter.meetings,
            contact=chapter.contact,
            links=tuple(templates.Link(link.title, link.url) for link in chapter.links),
            exam_sittings=tuple(sittings),
            next_sitting=sittings[0] if sittings else None,
        )

    def _credential_name(self, name: str) -> str:
        credential = self.credential(name)
        return credential.name if credential else name

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


def load_knowledge(
    directory: Path, place: templates.Place | None = None, overrides: Mapping[str, bytes] | None = None
) -> KnowledgeBase:
    """Load and check every file; raise KnowledgeError listing every problem found.

    `overrides` maps paths relative to `directory` to file contents read instead of (or besides)
    what is on disk, so an uploaded file can be checked as if it were in place.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise KnowledgeError([Problem(directory, 0, "knowledge directory not found")])
    replaced = {directory / name: raw for name, raw in (overrides or {}).items()}
    files = sorted(set(knowledge_files(directory)) | set(replaced))
    if not files:
        raise KnowledgeError([Problem(directory, 0, "no .yaml files here: is this the knowledge directory?")])

    problems: list[Problem] = []
    parts: list[tuple[Path, ParsedYaml, KnowledgeFile]] = []
    digest = _Version(directory)
    for path in files:
        try:
            raw = replaced[path] if path in replaced else path.read_bytes()
        except OSError as error:
            problems.append(Problem(path, 0, f"cannot read the file: {error.strerror}"))
            continue
        digest.add(path, raw)
        result = _load_file(path, raw, problems)
        if result is not None:
            parts.append((path, *result))

    categories, topics, credentials, presets, se_tax, synonyms, where = _merge(parts, problems)
    roadmap = _roadmap(parts, topics, problems)
    chapters, chapter_channels, chapter_where = _chapters(parts, problems)
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
        digest.value(),
        kb_templates,
        chapters,
        chapter_channels,
    )
    _check_chapters(kb, chapter_where, problems)
    _check_rendered(kb, where, place, problems)
    if problems:
        raise KnowledgeError(problems)
    return kb


class _Version:
    """The content hash of a knowledge directory: every file's name and bytes, in order."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._digest = hashlib.sha256()

    def add(self, path: Path, raw: bytes) -> None:
        self._digest.update(path.relative_to(self.directory).as_posix().encode() + b"\0" + raw + b"\0")

    def value(self) -> str:
        return self._digest.hexdigest()[:16]


def content_version(directory: Path) -> str | None:
    """What `KnowledgeBase.version` would be for the files on disk now, without loading them
    (None when a file cannot be read): tells cheaply whether a reload could change anything."""
    version = _Version(Path(directory))
    try:
        for path in knowledge_files(Path(directory)):
            version.add(path, path.read_bytes())
    except OSError:
        return None
    return version.value()


def validate_directory(directory: Path, overrides: Mapping[str, bytes] | None = None) -> list[Problem]:
    try:
        load_knowledge(directory, overrides=overrides)
    except KnowledgeError as error:
        return error.problems
    return []


def place_of_upload(directory: Path, filename: str) -> str:
    """Where an uploaded file goes "under its own name": over the one file of that name in the
    knowledge directory (topics/exams.yaml for exams.yaml), else at the top."""
    name = Path(filename).name
    same = [p for p in knowledge_files(directory) if p.name == name]
    return same[0].relative_to(directory).as_posix() if len(same) == 1 else name


def validate_upload(directory: Path, filename: str, raw: bytes) -> tuple[str, list[Problem]]:
    """Check an uploaded knowledge file as if it were in `directory`; nothing is written."""
    where = place_of_upload(directory, filename)
    return where, validate_directory(directory, {where: raw})


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
    """Render every answer as a student would see it, outside chapters and in each chapter's
    channels (with every exam sitting still ahead), and check Discord's limits."""
    general = place or templates.Place()
    places = [(general, "")] + [
        (
            templates.Place(general.server_name, kb.chapter_view(chapter_id, dt.date.min)),
            f" in chapter `{chapter_id}`'s channels",
        )
        for chapter_id in kb.chapters
    ]
    for topic in kb.topics.values():
        path, parsed, location = where[("topics", topic.id)]
        line = parsed.line_of((*location, "answer"))
        rendered: list[str] = []
        for shown_in, label in places:
            try:
                text = kb.render_answer(topic.id, shown_in)
            except (TemplateError, ValueError, TypeError, ArithmeticError) as error:
                problems.append(
                    Problem(path, line, f"topic `{topic.id}`: the answer fails to render{label}: {error}")
                )
                break
            if len(text) > EMBED_DESCRIPTION_MAX:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"topic `{topic.id}`: the answer renders to {len(text)} characters{label}; "
                        f"Discord shows at most {EMBED_DESCRIPTION_MAX}: shorten it or split the topic",
                    )
                )
            rendered.append(text)
        if len(rendered) < len(places):
            continue
        text = max(rendered, key=len)
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
        shown = "\n".join([rendered[0], *(f"{f.name} {f.value}" for f in topic.fields)])
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


# --- chapters ---------------------------------------------------------------------------------

_ChapterWhere = dict[str, tuple[Path, ParsedYaml, Location]]


def _chapters(
    parts: list[tuple[Path, ParsedYaml, KnowledgeFile]], problems: list[Problem]
) -> tuple[dict[str, Chapter], dict[int, str], _ChapterWhere]:
    """Chapters from every file: unique ids, and each channel or category in one chapter only."""
    chapters: dict[str, Chapter] = {}
    channels: dict[int, str] = {}
    where: _ChapterWhere = {}
    for path, parsed, part in parts:
        for index, chapter in enumerate(part.chapters):
            location: Location = ("chapters", index)
            if chapter.id in chapters:
                first_path, first_parsed, first_location = where[chapter.id]
                problems.append(
                    Problem(
                        path,
                        parsed.line_of(location),
                        f"chapter id `{chapter.id}` is used twice (first at "
                        f"{first_path}:{first_parsed.line_of(first_location)}): ids must be unique",
                    )
                )
                continue
            chapters[chapter.id] = chapter
            where[chapter.id] = (path, parsed, location)
            for number, channel_id in enumerate(chapter.channels):
                owner = channels.setdefault(channel_id, chapter.id)
                if owner != chapter.id:
                    problems.append(
                        Problem(
                            path,
                            parsed.line_of((*location, "channels", number)),
                            f"chapter `{chapter.id}`: channel {channel_id} already belongs to chapter "
                            f"`{owner}`: a channel or category can be in one chapter only",
                        )
                    )
    return chapters, channels, where


def _check_chapters(kb: KnowledgeBase, where: _ChapterWhere, problems: list[Problem]) -> None:
    """Sittings name credentials that exist; the links fit in one field of the /chapter card."""
    for chapter in kb.chapters.values():
        path, parsed, location = where[chapter.id]
        for index, sitting in enumerate(chapter.exam_sittings):
            if kb.credential(sitting.credential) is None:
                known = {c.id: c for c in kb.credentials.values()}
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((*location, "exam_sittings", index, "credential")),
                        f"chapter `{chapter.id}`: credential `{sitting.credential}` is not in the credentials"
                        f"{_did_you_mean(sitting.credential.casefold(), known)}",
                    )
                )
        links = "\n".join(f"[{link.title}]({link.url})" for link in chapter.links)
        if len(links) > EMBED_FIELD_VALUE_MAX:
            problems.append(
                Problem(
                    path,
                    parsed.line_of((*location, "links")),
                    f"chapter `{chapter.id}`: the links add up to {len(links)} characters; "
                    f"one card field holds {EMBED_FIELD_VALUE_MAX}: keep the most useful ones",
                )
            )
