"""What moderators see: the knowledge base's status, stale entries, the question log's gaps and
stats, and problems found in a file. Plain data and Reply builders, shared by /kb and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.knowledge import KnowledgeBase, Problem
from bot.core.knowledge.loader import Reviewed, reviewed_entries
from bot.core.limits import EMBED_FIELD_VALUE_MAX
from bot.core.replies import Field, Reply

STALE_MONTHS_DEFAULT = 12
REPORT_DAYS_DEFAULT = 30
LISTED_MAX = 25  # gaps and topics listed in one reply or report


@dataclass(frozen=True)
class Gap:
    """Questions the bot declined, or whose answer was voted not helpful, grouped by wording."""

    question: str  # the latest wording of the group
    count: int
    last_seen: dt.datetime


@dataclass(frozen=True)
class TopicCount:
    """How often a topic answered in a period, and its votes."""

    id: str
    count: int  # questions answered with this topic
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class QuestionReport:
    """The question log since a moment: what the moderators should write next, and what works."""

    since: dt.datetime
    gaps: tuple[Gap, ...]
    top_topics: tuple[TopicCount, ...]
    answered: int
    declined: int
    helpful: int = 0  # votes on every topic, not only the top ones
    not_helpful: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON of `coding-advisor report --json`."""
        return {
            "gaps": [
                {"question": g.question, "count": g.count, "last_seen": _iso(g.last_seen)} for g in self.gaps
            ],
            "top_topics": [
                {"id": t.id, "count": t.count, "helpful": t.helpful, "not_helpful": t.not_helpful}
                for t in self.top_topics
            ],
            "answered": self.answered,
            "declined": self.declined,
        }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- knowledge ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnowledgeStatus:
    """What /kb status reports about the knowledge base being served."""

    version: str
    topics: int
    chapters: int
    loaded_at: dt.datetime
    watching: bool
    last_problems: tuple[str, ...] = ()  # of the last reload that failed, if it is still failing
    storage_problem: str | None = None
    reloads: int = 0  # reloads tried since the bot started (edits saved, /kb reload)


def problem_lines(problems: Iterable[Problem], root: Path) -> list[str]:
    """`file:line: message` with the file named from the knowledge directory ("knowledge/topics/x.yaml")."""
    base = root.parent
    lines = []
    for problem in problems:
        try:
            shown = problem.path.relative_to(base).as_posix()
        except ValueError:
            shown = str(problem.path)
        lines.append(f"{shown}:{problem.line}: {problem.message}")
    return lines


def status_reply(status: KnowledgeStatus) -> Reply:
    """/kb status: the content hash, counts, when it was loaded, reloads, and any problem still failing."""
    fields = [
        Field("Content hash", f"`{status.version}`", True),
        Field("Topics", str(status.topics), True),
        Field("Chapters", str(status.chapters), True),
        Field("Loaded at", _when(status.loaded_at), True),
        Field("Watching for edits", "yes" if status.watching else "no (knowledge_watch is off)", True),
        Field("Reloads since start", str(status.reloads), True),
    ]
    if status.last_problems:
        shown = "\n".join(status.last_problems[:5])
        more = f"\n… and {len(status.last_problems) - 5} more" if len(status.last_problems) > 5 else ""
        fields.append(
            Field(
                "Last problem (still serving the last good version)", (shown + more)[:EMBED_FIELD_VALUE_MAX]
            )
        )
    else:
        fields.append(Field("Last problem", "none"))
    if status.storage_problem:
        fields.append(
            Field("Storage (question log and pins are off)", status.storage_problem[:EMBED_FIELD_VALUE_MAX])
        )
    return Reply(title="Knowledge base", fields=tuple(fields), kind="info")


def reload_reply(applied: bool, summary: str, problems: Sequence[str] = ()) -> Reply:
    """The answer to /kb reload: what changed, or why nothing was applied."""
    if problems:
        body = "Nothing was applied; still serving the last good version.\n" + "\n".join(problems)
        return Reply(title="Reload failed", body=body, kind="error")
    return Reply(title="Reloaded" if applied else "Nothing changed", body=summary, kind="info")


def validation_reply(filename: str, where: str, problems: Sequence[str]) -> Reply:
    """/kb validate: an uploaded file checked in place with the rest; nothing is applied."""
    if not problems:
        return Reply(
            title=f"{filename}: valid",
            body=f"Checked as `{where}` with the rest of the knowledge base. Nothing was applied.",
            kind="info",
        )
    body = f"Checked as `{where}`; nothing was applied. {len(problems)} problem(s):\n" + "\n".join(problems)
    return Reply(title=f"{filename}: problems", body=body, kind="error")


# --- stale entries ------------------------------------------------------------------------------


def months_before(today: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(today.day, (following - dt.timedelta(days=1)).day))


def stale_entries(kb: KnowledgeBase, today: dt.date, months: int) -> list[Reviewed]:
    """Entries whose `reviewed` date is more than `months` months before `today`, oldest first."""
    cutoff = months_before(today, months)
    return sorted((e for e in reviewed_entries(kb) if e.reviewed < cutoff), key=lambda e: (e.reviewed, e.id))


def stale_reply(entries: Sequence[Reviewed], months: int) -> Reply:
    """/kb stale: the entries stale_entries() found, not reviewed for `months` months."""
    if not entries:
        return Reply(
            title=f"Nothing older than {months} month{'s' if months != 1 else ''}",
            body="Every entry was reviewed recently.",
        )
    body = "\n".join(
        f"- {e.reviewed.isoformat()} · {e.kind} `{e.id}` — {e.title}"
        if e.id
        else f"- {e.reviewed.isoformat()} · {e.title}"
        for e in entries
    )
    title = f"{len(entries)} entries not reviewed for {months} month{'s' if months != 1 else ''}"
    return Reply(title=title, body=body, footer="Oldest first", kind="info")


# --- the question log ---------------------------------------------------------------------------


def gaps_reply(report: QuestionReport, days: int) -> Reply:
    """/kb gaps: questions declined or voted not helpful in the last `days` days."""
    if not report.gaps:
        return Reply(
            title=f"No gaps in {days} days",
            body="No question was declined or voted not helpful in that time.",
        )
    body = "\n".join(
        f"- **{g.count}×** {g.question} (last {g.last_seen.astimezone(dt.UTC).date().isoformat()})"
        for g in report.gaps
    )
    return Reply(
        title=f"Questions without a good answer, last {days} days",
        body=body,
        footer="Declined or voted not helpful · most frequent first · add their wording to a topic's questions",
        kind="info",
    )


def stats_reply(report: QuestionReport, kb: KnowledgeBase, days: int) -> Reply:
    """/kb stats: answered and declined counts, votes, and the top topics of the last `days` days."""
    asked = report.answered + report.declined
    fields = [
        Field("Answered", str(report.answered), True),
        Field("Declined", str(report.declined), True),
        Field(
            "Helpful votes",
            f"👍 {report.helpful} · 👎 {report.not_helpful}",
            True,
        ),
    ]
    lines = [
        f"- **{t.count}×** {kb.topics[t.id].title if t.id in kb.topics else t.id} (`{t.id}`) · 👍 {t.helpful} · 👎 {t.not_helpful}"
        for t in report.top_topics
    ]
    body = "\n".join(lines) if lines else "No topic was asked about in that time."
    return Reply(
        title=f"Top topics, last {days} days ({asked} questions)",
        body=body,
        fields=tuple(fields),
        kind="info",
    )


def report_text(report: QuestionReport, days: int) -> str:
    """`coding-advisor report` without --json: the same figures as plain lines."""
    out = [
        f"Question log, last {days} days: {report.answered} answered, {report.declined} declined.",
        "",
        "Gaps (declined or voted not helpful), most frequent first:",
    ]
    out += [f"  {g.count:>4}  {g.question}  (last {_iso(g.last_seen)})" for g in report.gaps] or ["  none"]
    out += ["", "Top topics (questions, helpful, not helpful):"]
    out += [f"  {t.count:>4}  {t.id}  +{t.helpful} -{t.not_helpful}" for t in report.top_topics] or ["  none"]
    return "\n".join(out) + "\n"
