"""knowledge/*.yaml -> KnowledgeBase, or every problem at once as `path:line: message`.

Moderators are not programmers: each message says where, what is wrong and what to do. Loading
never half-succeeds: a caller either gets a whole valid KnowledgeBase or the list of problems, so
a running bot can keep serving the last good one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from bot.core import earnings
from bot.core.knowledge import templates
from bot.core.knowledge.model import (
    COURSE_ITEMS,
    FIT_SETTINGS,
    Category,
    Chapter,
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
from bot.core.limits import (
    CHOICE_NAME_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_TOTAL_MAX,
    SELECT_OPTIONS_MAX,
)
from bot.core.text import states

if TYPE_CHECKING:
    from jinja2 import Template

    from bot.core.knowledge.sandbox import AnswerEnvironment

# Parsing YAML and compiling templates import PyYAML and Jinja, in the functions that do it: a
# knowledge base read back from the cache (bot/core/cache.py) needs neither.

SUFFIXES = (".yaml", ".yml")
RENDERINGS_KEPT = 4096  # answers kept rendered, per topic and place (see KnowledgeBase.render_answer)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of a knowledge file, shown as `path:line: message`."""

    path: Path
    line: int
    message: str
    # 0: a file's own problem (syntax, keys, values); 1: found across files (references, ids used
    # twice). Root problems are listed first: a consequence never hides its cause.
    phase: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory has problems; `problems` lists them all, each file's own problems
    first (sorted by file and line), then those found across files."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda problem: (problem.phase, problem))
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class KnowledgeBase:
    """A whole, valid knowledge base: every entry by id, the tax rules, and the compiled answers."""

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
    credential_fit: CredentialFit | None = None  # the /which-credential rules, when a file defines them
    course_criteria: CourseCriteria | None = None  # the /course-check checklist, likewise
    # (topic id, place) -> the answer rendered there; those with no place are rendered while loading
    _answers: dict[tuple[str, templates.Place], str] = field(default_factory=dict, repr=False, compare=False)

    def template_context(self, place: templates.Place | None = None) -> dict[str, Any]:
        """What an answer template sees where it is shown (see templates.py)."""
        return templates.template_context(
            place or templates.Place(), self.credentials, self.presets, self.se_tax
        )

    def render_answer(self, topic_id: str, place: templates.Place | None = None) -> str:
        """A topic's answer as shown at `place` (a server, a chapter's channel; default: offline).

        The same topic at the same place always renders the same (a template sees nothing else),
        so each rendering is kept: /ask does not run the template again for every student."""
        key = (topic_id, place or templates.Place())
        rendered = self._answers.get(key)
        if rendered is not None:
            return rendered
        from bot.core.knowledge import sandbox

        template = self._templates.get(topic_id)
        if template is None:  # a knowledge base read from the cache compiles its answers on use
            template = self._templates[topic_id] = _environment().from_string(self.topics[topic_id].answer)
        rendered = sandbox.render_answer(template, self.template_context(place)).strip()
        if len(self._answers) >= RENDERINGS_KEPT:  # places are few, but a chapter's change daily
            self._answers.clear()
        self._answers[key] = rendered
        return rendered

    def __getstate__(self) -> dict[str, Any]:
        # Compiled templates are code, which pickle cannot keep: the cache keeps their sources (the
        # topics' answers) and the answers rendered with no place given (the console and `ask`).
        offline = templates.Place()
        answers = {key: text for key, text in self._answers.items() if key[1] == offline}
        return {**self.__dict__, "_templates": {}, "_answers": answers}

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


@lru_cache(maxsize=1)
def _environment() -> AnswerEnvironment:
    from bot.core.knowledge import sandbox

    return sandbox.make_environment()


def knowledge_files(directory: Path) -> list[Path]:
    """The YAML files of a knowledge directory, in its subdirectories too, sorted."""
    return sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def load_knowledge(
    directory: Path,
    place: templates.Place | None = None,
    *,
    today: dt.date | None = None,
    overrides: Mapping[str, bytes] | None = None,
) -> KnowledgeBase:
    """Load and check every file; raise KnowledgeError listing every problem found.

    `today` is the clock `reviewed` dates are checked against (default: the real date).
    `overrides` maps paths relative to `directory` to file contents read instead of (or besides)
    what is on disk, so an uploaded file can be checked as if it were in place.
    """
    directory = Path(directory)
    context = {"today": today or dt.date.today()}
    if not directory.is_dir():
        raise KnowledgeError([Problem(directory, 0, "knowledge directory not found")])
    replaced = {directory / name: raw for name, raw in (overrides or {}).items()}
    files = sorted(set(knowledge_files(directory)) | set(replaced))
    if not files:
        raise KnowledgeError([Problem(directory, 0, "no .yaml files here: is this the knowledge directory?")])

    problems: list[Problem] = []
    parts: list[_File] = []
    skipped = _Skipped()
    digest = _Version(directory)
    for path in files:
        try:
            raw = replaced[path] if path in replaced else path.read_bytes()
        except OSError as error:
            problems.append(Problem(path, 0, f"cannot read the file: {error.strerror}"))
            continue
        digest.add(path, raw)
        loaded = _load_file(path, raw, problems, context, skipped)
        if loaded is not None:
            parts.append(loaded)

    merged = _merge(parts, problems)
    _check_references(merged, problems, skipped)
    roadmap = _roadmap(parts, merged.topics, problems, skipped)
    chapters, chapter_channels, chapter_where = _chapters(parts, problems)
    fit, criteria = _tools(parts, merged.credentials, merged.topics, problems, skipped)
    out_of_scope = tuple(dict.fromkeys(w.casefold() for file in parts for w in file.part.out_of_scope))
    kb_templates = _compile_templates(merged.topics, merged.where, problems)
    problems += skipped.notes(problems)
    if merged.se_tax is None and "self_employment_tax" not in skipped.sections:
        problems.append(
            Problem(directory, 0, "no `self_employment_tax:` section: add it (see knowledge/earnings.yaml)")
        )
    if problems or merged.se_tax is None:
        raise KnowledgeError(problems)
    kb = KnowledgeBase(
        categories=merged.categories,
        topics=merged.topics,
        credentials=merged.credentials,
        presets=merged.presets,
        se_tax=merged.se_tax,
        synonyms=merged.synonyms,
        out_of_scope=out_of_scope,
        roadmap=roadmap,
        version=digest.value(),
        _templates=kb_templates,
        chapters=chapters,
        chapter_channels=chapter_channels,
        credential_fit=fit,
        course_criteria=criteria,
    )
    _check_chapters(kb, chapter_where, problems)
    _check_rendered(kb, directory, merged.where, place, problems)
    _check_rendered_in_chapters(kb, merged.where, place, problems)
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


def validate_directory(
    directory: Path, *, today: dt.date | None = None, overrides: Mapping[str, bytes] | None = None
) -> list[Problem]:
    """Every problem of the knowledge in `directory` (empty when it is valid)."""
    try:
        load_knowledge(directory, today=today, overrides=overrides)
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
    return where, validate_directory(directory, overrides={where: raw})


REVIEW_MAX_DAYS = 365  # an entry not reviewed for longer is worth checking against its sources


def knowledge_warnings(directory: Path, kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    """What is valid but has aged, judged by `today`: entries not reviewed for a year, and a
    missing Social Security wage base for this year."""
    return _stale_reviews(directory, kb, today) + _missing_wage_base(directory, kb, today)


@dataclass(frozen=True)
class Reviewed:
    """An entry that carries a `reviewed` date."""

    section: str  # its section in the files: topics, credentials, earnings_presets, self_employment_tax
    kind: str  # what to call it: topic, credential, earnings preset ("" for the tax section)
    id: str
    title: str
    reviewed: dt.date


def reviewed_entries(kb: KnowledgeBase) -> list[Reviewed]:
    """Every entry with a `reviewed` date, for the checks of what has aged."""
    return [
        *(Reviewed("topics", "topic", t.id, t.title, t.reviewed) for t in kb.topics.values()),
        *(
            Reviewed("credentials", "credential", c.id, c.full_name, c.reviewed)
            for c in kb.credentials.values()
        ),
        *(
            Reviewed("earnings_presets", "earnings preset", p.id, p.specialty, p.reviewed)
            for p in kb.presets.values()
        ),
        Reviewed("self_employment_tax", "", "", "Self-employment tax", kb.se_tax.reviewed),
    ]


def _stale_reviews(directory: Path, kb: KnowledgeBase, today: dt.date) -> list[Problem]:
    entries = [(e.section, e.kind, e.id, e.reviewed) for e in reviewed_entries(kb)]
    stale = [entry for entry in entries if (today - entry[3]).days > REVIEW_MAX_DAYS]
    if not stale:
        return []
    lines = _review_lines(directory)
    warnings = []
    for section, kind, item_id, reviewed in stale:
        path, line = lines.get((section, item_id), (directory, 0))
        name = f"{kind} `{item_id}`" if item_id else f"`{section}`"
        warnings.append(
            Problem(
                path,
                line,
                f"warning: {name} was last reviewed {reviewed.isoformat()}, over a year ago: check it "
                "against its sources and update `reviewed`",
            )
        )
    return warnings


def _review_lines(directory: Path) -> dict[tuple[str, str], tuple[Path, int]]:
    """(section, id) -> where its `reviewed:` is, for every entry of a (valid) knowledge directory."""
    found: dict[tuple[str, str], tuple[Path, int]] = {}
    for path in knowledge_files(directory):
        parsed = parse(path.read_text(encoding="utf-8"))
        data = parsed.data if isinstance(parsed.data, dict) else {}
        for section in ("topics", "credentials", "earnings_presets"):
            for index, item in enumerate(data.get(section) or []):
                if isinstance(item, dict):
                    found[(section, str(item.get("id")))] = (
                        path,
                        parsed.line_of((section, index, "reviewed")),
                    )
        if "self_employment_tax" in data:
            found[("self_employment_tax", "")] = (path, parsed.line_of(("self_employment_tax", "reviewed")))
    return found


def _missing_wage_base(directory: Path, kb: KnowledgeBase, today: dt.date) -> list[Problem]:
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


LIST_SECTIONS = ("categories", "topics", "credentials", "earnings_presets", "roadmap", "chapters")
_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([A-Za-z0-9_-]+)", re.MULTILINE)
_SECTION_LINE = re.compile(r"^([A-Za-z_]+):", re.MULTILINE)


@dataclass
class _File:
    """One file's valid part, and where each loaded entry stands in the file."""

    path: Path
    parsed: ParsedYaml
    part: KnowledgeFile
    indices: dict[str, list[int]] = field(default_factory=dict)  # section -> file index of each entry

    def location(self, section: str, number: int) -> Location:
        """The location in the file of the `number`-th loaded entry of `section`."""
        return (section, self.indices[section][number] if section in self.indices else number)


@dataclass
class _Skipped:
    """What failed to load, so that references to it are counted, not reported as missing."""

    entries: dict[tuple[str, str], Path] = field(default_factory=dict)  # (section or "*", id) -> file
    sections: set[str] = field(default_factory=set)  # top-level sections that did not (all) load
    counts: dict[Path, int] = field(default_factory=dict)

    def add_guessed(self, path: Path, text: str) -> None:
        """A file that could not be parsed at all: guess its ids and sections from its text."""
        for found in _ID_LINE.finditer(text):
            self.entries.setdefault(("*", found[1]), path)
        self.sections.update(found[1] for found in _SECTION_LINE.finditer(text))

    def explains(self, section: str, item_id: str) -> bool:
        """True (and counted for its file) when `item_id` is an entry that failed to load."""
        path = self.entries.get((section, item_id)) or self.entries.get(("*", item_id))
        if path is not None:
            self.counts[path] = self.counts.get(path, 0) + 1
        return path is not None

    def notes(self, problems: list[Problem]) -> list[Problem]:
        """One line per file whose entries were referred to but could not be checked."""
        notes = []
        for path, count in self.counts.items():
            line = min((p.line for p in problems if p.path == path and p.phase == 0), default=1)
            references = "reference" if count == 1 else "references"
            notes.append(
                Problem(
                    path,
                    line,
                    f"{count} {references} to entries of this file not checked: fix the problems above "
                    "and validate again",
                    phase=1,
                )
            )
        return notes


def _load_file(
    path: Path, raw: bytes, problems: list[Problem], context: Mapping[str, Any], skipped: _Skipped
) -> _File | None:
    import yaml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text ({error.reason}): save the file as UTF-8"))
        skipped.add_guessed(path, raw.decode("utf-8", errors="replace"))
        return None
    try:
        parsed = parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        if "'\\t'" in (error.problem or ""):
            what = "a tab character: indent with spaces, not tabs"
        else:
            what = " ".join(filter(None, [error.context, error.problem]))
            what += " (check indentation, colons and quotes)"
        problems.append(Problem(path, line, f"YAML syntax: {what}"))
        skipped.add_guessed(path, text)
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(path, 1, f"YAML syntax: {error}"))
        skipped.add_guessed(path, text)
        return None

    for location, line in parsed.duplicates:
        problems.append(Problem(path, line, f"`{parsed.describe(location)}` is written twice: keep one"))
    if parsed.data is None:
        problems.append(Problem(path, 1, "the file is empty: add a section such as `topics:`, or delete it"))
        return None
    if not isinstance(parsed.data, dict):
        problems.append(
            Problem(path, 1, "the file must start with a section name such as `topics:`, not a list or text")
        )
        return None
    try:
        return _File(path, parsed, KnowledgeFile.model_validate(parsed.data, context=context))
    except ValidationError as error:
        for line, message in parsed.explain_all(error.errors(), KnowledgeFile):
            problems.append(Problem(path, line, message))
        return _load_valid_part(path, parsed, error, context, skipped)


def _load_valid_part(
    path: Path, parsed: ParsedYaml, error: ValidationError, context: Mapping[str, Any], skipped: _Skipped
) -> _File | None:
    """The file without its invalid entries (and sections), so one typo does not take the rest of the
    file with it: the other files' references to the rest are still checked."""
    data: dict[str, Any] = parsed.data
    bad_entries: dict[str, set[int]] = {}
    bad_sections: set[str] = set()
    for detail in error.errors():
        location = detail["loc"]
        if len(location) >= 2 and location[0] in LIST_SECTIONS and isinstance(location[1], int):
            bad_entries.setdefault(str(location[0]), set()).add(location[1])
        else:
            bad_sections.add(str(location[0]))

    def forget(section: str, items: Any, indices: Iterable[int]) -> None:
        skipped.sections.add(section)
        for index in indices:
            item = items[index] if isinstance(items, list) and index < len(items) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                known = section if section in LIST_SECTIONS else "*"
                skipped.entries.setdefault((known, item["id"]), path)

    kept: dict[str, Any] = {}
    indices: dict[str, list[int]] = {}
    for section, value in data.items():
        if section in bad_sections:
            forget(section, value, range(len(value)) if isinstance(value, list) else ())
        elif section in bad_entries and isinstance(value, list):
            forget(section, value, bad_entries[section])
            indices[section] = [i for i in range(len(value)) if i not in bad_entries[section]]
            kept[section] = [value[i] for i in indices[section]]
        else:
            kept[section] = value
    try:
        return _File(path, parsed, KnowledgeFile.model_validate(kept, context=context), indices)
    except ValidationError:  # what is left still does not load: leave the whole file out
        for section, value in data.items():
            forget(section, value, range(len(value)) if isinstance(value, list) else ())
        return None


# --- across files -----------------------------------------------------------------------------

_Where = dict[tuple[str, str], tuple[Path, ParsedYaml, Location]]  # (section, id) -> where it is


@dataclass
class _Merged:
    """Every file's entries together, by id, and where each one is written."""

    categories: dict[str, Category] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)
    presets: dict[str, EarningsPreset] = field(default_factory=dict)
    synonyms: dict[str, str] = field(default_factory=dict)
    se_tax: SelfEmploymentTax | None = None
    where: _Where = field(default_factory=dict)

    def report(
        self, problems: list[Problem], section: str, item_id: str, sub: Location, message: str
    ) -> None:
        """A problem found across files, at `sub` inside the entry `item_id` of `section`."""
        path, parsed, location = self.where[(section, item_id)]
        problems.append(Problem(path, parsed.line_of((*location, *sub)), message, phase=1))


def _add_entries(
    section: str,
    target: dict[str, Any],
    items: list[Any],
    file: _File,
    where: _Where,
    problems: list[Problem],
) -> None:
    """Add a file's entries of `section` to `target` by id; an id seen before is a problem."""
    for number, item in enumerate(items):
        location = file.location(section, number)
        if item.id in target:
            first_path, first_parsed, first_location = where[(section, item.id)]
            problems.append(
                Problem(
                    file.path,
                    file.parsed.line_of(location),
                    f"{section} id `{item.id}` is used twice (first at "
                    f"{first_path}:{first_parsed.line_of(first_location)}): ids must be unique",
                    phase=1,
                )
            )
            continue
        target[item.id] = item
        where[(section, item.id)] = (file.path, file.parsed, location)


def _merge(parts: list[_File], problems: list[Problem]) -> _Merged:
    """The entries of every file by id (an id used twice is a problem), and the one tax section."""
    merged = _Merged()
    for file in parts:
        part = file.part
        _add_entries("categories", merged.categories, part.categories, file, merged.where, problems)
        _add_entries("topics", merged.topics, part.topics, file, merged.where, problems)
        _add_entries("credentials", merged.credentials, part.credentials, file, merged.where, problems)
        _add_entries("earnings_presets", merged.presets, part.earnings_presets, file, merged.where, problems)
        merged.synonyms.update((key.casefold(), value) for key, value in part.synonyms.items())
        if part.self_employment_tax is not None:
            _take_se_tax(merged, file, problems)
    return merged


def _take_se_tax(merged: _Merged, file: _File, problems: list[Problem]) -> None:
    """The file's `self_employment_tax`; a second file defining it is a problem (the later one wins)."""
    at = ("self_employment_tax",)
    if merged.se_tax is not None:
        message = "`self_employment_tax` is defined in two files: keep one"
        problems.append(Problem(file.path, file.parsed.line_of(at), message, phase=1))
    merged.se_tax = file.part.self_employment_tax
    merged.where[("self_employment_tax", "")] = (file.path, file.parsed, at)


def _check_references(merged: _Merged, problems: list[Problem], skipped: _Skipped) -> None:
    """What only all the files together can tell: how many categories, and every id pointing at
    an entry that exists (or failed to load, and is counted rather than reported)."""
    if len(merged.categories) > SELECT_OPTIONS_MAX:
        first = next(iter(merged.categories))
        merged.report(
            problems,
            "categories",
            first,
            (),
            f"{len(merged.categories)} categories: /topics can offer at most {SELECT_OPTIONS_MAX}",
        )
    _check_topics(merged, problems, skipped)
    _check_credential_topics(merged, problems, skipped)


def _check_topics(merged: _Merged, problems: list[Problem], skipped: _Skipped) -> None:
    """Each topic's category and related topics exist; no two topics share a title."""
    categories, topics = merged.categories, merged.topics
    titles: dict[str, str] = {}
    for topic in topics.values():
        if topic.category not in categories and not skipped.explains("categories", topic.category):
            merged.report(
                problems,
                "topics",
                topic.id,
                ("category",),
                f"topic `{topic.id}`: category `{topic.category}` does not exist; "
                f"use one of: {', '.join(categories) or '(none defined)'}",
            )
        for index, related in enumerate(topic.related):
            if related == topic.id:
                merged.report(
                    problems,
                    "topics",
                    topic.id,
                    ("related", index),
                    f"topic `{topic.id}` lists itself as related",
                )
            elif related not in topics and not skipped.explains("topics", related):
                merged.report(
                    problems,
                    "topics",
                    topic.id,
                    ("related", index),
                    f"topic `{topic.id}`: related topic `{related}` does not exist{_did_you_mean(related, topics)}",
                )
        folded = topic.title.casefold()
        if folded in titles:
            merged.report(
                problems,
                "topics",
                topic.id,
                ("title",),
                f"title {topic.title!r} is also used by `{titles[folded]}`",
            )
        titles[folded] = topic.id


def _check_credential_topics(merged: _Merged, problems: list[Problem], skipped: _Skipped) -> None:
    """Each credential's topic, when it names one, exists."""
    for credential in merged.credentials.values():
        topic = credential.topic
        if topic is not None and topic not in merged.topics and not skipped.explains("topics", topic):
            merged.report(
                problems,
                "credentials",
                credential.id,
                ("topic",),
                f"credential `{credential.id}`: topic `{topic}` does not exist"
                f"{_did_you_mean(topic, merged.topics)}",
            )


def _roadmap(
    parts: list[_File], topics: Mapping[str, Topic], problems: list[Problem], skipped: _Skipped
) -> tuple[RoadmapStep, ...]:
    steps: list[RoadmapStep] = []
    owner: Path | None = None
    for file in parts:
        path, parsed, part = file.path, file.parsed, file.part
        if not part.roadmap:
            continue
        if owner is not None:
            problems.append(
                Problem(
                    path,
                    parsed.line_of(("roadmap",)),
                    f"`roadmap` is already defined in {owner}: keep one",
                    phase=1,
                )
            )
            continue
        owner = path
        steps = list(part.roadmap)
        for index, step in enumerate(part.roadmap):
            for number, topic_id in enumerate(step.topics):
                if topic_id not in topics and not skipped.explains("topics", topic_id):
                    problems.append(
                        Problem(
                            path,
                            parsed.line_of((*file.location("roadmap", index), "topics", number)),
                            f"roadmap step {step.title!r}: topic `{topic_id}` does not exist"
                            f"{_did_you_mean(topic_id, topics)}",
                            phase=1,
                        )
                    )
    return tuple(steps)


@dataclass
class _SectionCheck:
    """Reports problems of one section of one file: its own (phase 0) and its references (phase 1)."""

    file: _File
    problems: list[Problem]
    skipped: _Skipped

    def report(self, location: Location, message: str, phase: int = 0) -> None:
        self.problems.append(
            Problem(self.file.path, self.file.parsed.line_of(location), message, phase=phase)
        )

    def known(self, location: Location, section: str, name: str | None, pool: Mapping[str, Any]) -> None:
        """`name` is an entry of `section` (credentials, topics), or an entry that failed to load."""
        if name is not None and name not in pool and not self.skipped.explains(section, name):
            what = section.removesuffix("s")
            self.report(location, f"{what} `{name}` does not exist{_did_you_mean(name, pool)}", phase=1)

    def each_once(self, at: Location, ids: list[str], offered: tuple[str, ...], what: str) -> None:
        """Every id the faces offer has exactly one entry (the model already refuses ids they don't)."""
        for index, entry_id in enumerate(ids):
            if entry_id in ids[:index]:
                self.report((*at, index, "id"), f"{what} `{entry_id}` has two entries: keep one")
        missing = [i for i in offered if i not in ids]
        if missing:
            self.report(
                at,
                f"no entry for the {what}(s) {', '.join(missing)}: the bot asks about each of {', '.join(offered)}",
            )


def _tools(
    parts: list[_File],
    credentials: Mapping[str, Credential],
    topics: Mapping[str, Topic],
    problems: list[Problem],
    skipped: _Skipped,
) -> tuple[CredentialFit | None, CourseCriteria | None]:
    """The quiz rules and the course checklist: one file each, every id pointing at something real."""
    fit: CredentialFit | None = None
    criteria: CourseCriteria | None = None
    owners: dict[str, Path] = {}
    for file in parts:
        for section, value in (
            ("credential_fit", file.part.credential_fit),
            ("course_check", file.part.course_check),
        ):
            if value is None:
                continue
            check = _SectionCheck(file, problems, skipped)
            if section in owners:
                check.report(
                    (section,), f"`{section}` is already defined in {owners[section]}: keep one", phase=1
                )
                continue
            owners[section] = file.path
            if isinstance(value, CredentialFit):
                fit = value
                _check_fit(check, value, credentials, topics)
            elif isinstance(value, CourseCriteria):
                criteria = value
                _check_course(check, value, credentials)
    return fit, criteria


def _check_fit(
    check: _SectionCheck,
    fit: CredentialFit,
    credentials: Mapping[str, Credential],
    topics: Mapping[str, Topic],
) -> None:
    at: Location = ("credential_fit", "settings")
    check.each_once(at, [rules.id for rules in fit.settings], FIT_SETTINGS, "setting")
    for index, rules in enumerate(fit.settings):
        check.known((*at, index, "topic"), "topics", rules.topic, topics)
        for group in ("recommend", "also_consider"):
            for number, pick in enumerate(getattr(rules, group)):
                check.known(
                    (*at, index, group, number, "credential"), "credentials", pick.credential, credentials
                )
        if all(pick.conditional for pick in rules.recommend):
            check.report(
                (*at, index, "recommend"),
                f"setting `{rules.id}`: every recommendation has a condition, so some answers get none: "
                "add one without min_years, below_years or goal",
            )
    for index, note in enumerate(fit.notes):
        check.known(("credential_fit", "notes", index, "topic"), "topics", note.topic, topics)
    years = [choice.years for choice in fit.experience]
    if years != sorted(set(years)):
        check.report(
            ("credential_fit", "experience"),
            "experience choices must go from fewest years to most, each once",
        )


def _check_course(
    check: _SectionCheck, criteria: CourseCriteria, credentials: Mapping[str, Credential]
) -> None:
    at: Location = ("course_check", "items")
    check.each_once(at, [item.id for item in criteria.items], COURSE_ITEMS, "course item")
    for index, item in enumerate(criteria.items):
        for number, credential in enumerate(item.essential_for):
            check.known((*at, index, "essential_for", number), "credentials", credential, credentials)
    for index, note in enumerate(criteria.credential_notes):
        check.known(
            ("course_check", "credential_notes", index, "credential"),
            "credentials",
            note.credential,
            credentials,
        )


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _compile_templates(
    topics: Mapping[str, Topic],
    where: Mapping[tuple[str, str], tuple[Path, ParsedYaml, Location]],
    problems: list[Problem],
) -> dict[str, Template]:
    from jinja2 import TemplateSyntaxError

    env = _environment()
    compiled: dict[str, Template] = {}
    for topic in topics.values():
        try:
            compiled[topic.id] = env.from_string(topic.answer)
        except TemplateSyntaxError as error:
            path, parsed, location = where[("topics", topic.id)]
            line = _template_line(parsed, (*location, "answer"), error.lineno)
            problems.append(Problem(path, line, f"topic `{topic.id}`: template error: {error.message}"))
    return compiled


def _template_line(parsed: ParsedYaml, location: Location, template_line: int | None) -> int:
    """The file line of a template's line `template_line` (1-based), the template being the text at
    `location`; without a template line, the line of its key."""
    start = parsed.text_lines.get(location)
    if start is None or template_line is None:
        return parsed.line_of(location)
    text: Any = parsed.data
    for part in location:
        text = text[part]
    # The model strips the text: lines dropped from its start shift the template's lines.
    dropped = text[: len(text) - len(text.lstrip())].count("\n") if isinstance(text, str) else 0
    return start + dropped + template_line - 1


def _failing_template_line(error: BaseException) -> int | None:
    """The template line being rendered when `error` was raised (Jinja maps its frames to it)."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


# Collections a template reads from the context -> the section that defines them.
_CONTEXT_SECTIONS = {"credentials": "credentials", "presets": "earnings_presets"}


def _check_rendered(
    kb: KnowledgeBase,
    directory: Path,
    where: Mapping[tuple[str, str], tuple[Path, ParsedYaml, Location]],
    place: templates.Place | None,
    problems: list[Problem],
) -> None:
    """Render every answer as a student would see it and check Discord's limits."""
    context = kb.template_context(place)
    users: dict[str, list[str]] = {}  # empty collection -> the topics whose answers use it
    for topic in kb.topics.values():
        path, parsed, location = where[("topics", topic.id)]
        try:
            text = _render(kb, topic.id, context)
            kb._answers[(topic.id, place or templates.Place())] = text
        except _render_errors() as error:
            empty = _empty_section(context, error)
            if empty is not None:  # one problem for the missing section, not one per answer
                users.setdefault(empty, []).append(topic.id)
            else:
                problems.append(_render_failure(error, topic.id, context, path, parsed, location))
            continue
        if (too_long := _answer_too_long(text, topic.id, path, parsed, location)) is not None:
            problems.append(too_long)
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
    for name, topic_ids in users.items():
        section = _CONTEXT_SECTIONS[name]
        noun = "answer uses" if len(topic_ids) == 1 else "answers use"
        problems.append(
            Problem(
                directory,
                0,
                f"no {section.replace('_', ' ')} are defined, but {len(topic_ids)} {noun} them "
                f"(topic `{'`, `'.join(topic_ids[:3])}`{', ...' if len(topic_ids) > 3 else ''}): "
                f"add a `{section}:` section (the shipped knowledge keeps it in {section.split('_')[0]}.yaml)",
            )
        )


def _check_rendered_in_chapters(
    kb: KnowledgeBase,
    where: Mapping[tuple[str, str], tuple[Path, ParsedYaml, Location]],
    place: templates.Place | None,
    problems: list[Problem],
) -> None:
    """Render every answer in each chapter's channels too (every exam sitting still ahead): a
    template may break, or grow past Discord's limit, only where `chapter` is set. Answers that
    fail outside chapters are reported by _check_rendered alone."""
    general = place or templates.Place()
    rendering: list[Topic] = []
    for topic in kb.topics.values() if kb.chapters else ():
        try:
            kb.render_answer(topic.id, general)
        except Exception:  # reported by _check_rendered
            continue
        rendering.append(topic)
    for chapter_id in kb.chapters:
        shown_in = templates.Place(general.server_name, kb.chapter_view(chapter_id, dt.date.min))
        label = f" in chapter `{chapter_id}`'s channels"
        context = kb.template_context(shown_in)
        for topic in rendering:
            path, parsed, location = where[("topics", topic.id)]
            try:
                text = kb.render_answer(topic.id, shown_in)
            except _render_errors() as error:
                problems.append(_render_failure(error, topic.id, context, path, parsed, location, label))
                continue
            if (too_long := _answer_too_long(text, topic.id, path, parsed, location, label)) is not None:
                problems.append(too_long)


def _render_errors() -> tuple[type[BaseException], ...]:
    """Everything a template can raise when it renders: bad data, the bounds, a template calling
    itself (Jinja is imported here, not with the module: see the note on imports above)."""
    from jinja2 import TemplateError

    return (TemplateError, ValueError, TypeError, ArithmeticError, RecursionError)


def _render(kb: KnowledgeBase, topic_id: str, context: dict[str, Any]) -> str:
    from bot.core.knowledge import sandbox

    return sandbox.render_answer(kb._templates[topic_id], context).strip()


def _empty_section(context: Mapping[str, Any], error: BaseException) -> str | None:
    """The context section (presets, credentials) without any entry the template looked something up in."""
    from bot.core.knowledge import sandbox

    if not isinstance(error, sandbox.MissingData):
        return None
    return next((n for n in _CONTEXT_SECTIONS if error.obj is context[n] and not context[n]), None)


def _render_failure(
    error: BaseException,
    topic_id: str,
    context: Mapping[str, Any],
    path: Path,
    parsed: ParsedYaml,
    location: Location,
    label: str = "",
) -> Problem:
    """Why an answer fails to render, at the failing line of its template; `label` says where it
    is shown when that matters (" in chapter `x`'s channels")."""
    from bot.core.knowledge import sandbox

    line = _template_line(parsed, (*location, "answer"), _failing_template_line(error))
    if isinstance(error, sandbox.MissingData):
        message = f"topic `{topic_id}`{label}: {sandbox.explain_missing(error, context)}"
    elif isinstance(error, RecursionError):
        message = f"topic `{topic_id}`{label}: the template calls itself without end"
    elif isinstance(error, sandbox.TemplateLimitError):
        message = f"topic `{topic_id}`{label}: {error}"
    else:
        message = f"topic `{topic_id}`: the answer fails to render{label}: {error}"
    return Problem(path, line, message)


def _answer_too_long(
    text: str, topic_id: str, path: Path, parsed: ParsedYaml, location: Location, label: str = ""
) -> Problem | None:
    """A rendered answer longer than one embed's description, if it is."""
    if len(text) <= EMBED_DESCRIPTION_MAX:
        return None
    return Problem(
        path,
        parsed.line_of((*location, "answer")),
        f"topic `{topic_id}`: the answer renders to {len(text)} characters{label}; "
        f"Discord shows at most {EMBED_DESCRIPTION_MAX}: shorten it or split the topic",
    )


# --- chapters ---------------------------------------------------------------------------------


def _chapters(
    parts: list[_File], problems: list[Problem]
) -> tuple[dict[str, Chapter], dict[int, str], _Where]:
    """Chapters from every file: unique ids, and each channel or category in one chapter only."""
    chapters: dict[str, Chapter] = {}
    where: _Where = {}
    for file in parts:
        _add_entries("chapters", chapters, file.part.chapters, file, where, problems)
    channels: dict[int, str] = {}
    for chapter in chapters.values():
        path, parsed, location = where[("chapters", chapter.id)]
        for index, channel_id in enumerate(chapter.channels):
            owner = channels.setdefault(channel_id, chapter.id)
            if owner != chapter.id:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((*location, "channels", index)),
                        f"chapter `{chapter.id}`: channel {channel_id} already belongs to chapter "
                        f"`{owner}`: a channel or category can be in one chapter only",
                        phase=1,
                    )
                )
    return chapters, channels, where


def _check_chapters(kb: KnowledgeBase, where: _Where, problems: list[Problem]) -> None:
    """Sittings name credentials that exist; the links fit in one field of the /chapter card."""
    for chapter in kb.chapters.values():
        path, parsed, location = where[("chapters", chapter.id)]
        for index, sitting in enumerate(chapter.exam_sittings):
            if kb.credential(sitting.credential) is None:
                problems.append(
                    Problem(
                        path,
                        parsed.line_of((*location, "exam_sittings", index, "credential")),
                        f"chapter `{chapter.id}`: credential `{sitting.credential}` is not in the credentials"
                        f"{_did_you_mean(sitting.credential.casefold(), kb.credentials)}",
                        phase=1,
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
