"""The `coding-advisor` command: the bot, the offline console, and tools for moderators and scripts.

    coding-advisor                      Discord bot if DISCORD_TOKEN is set, else the offline console
    coding-advisor ask "QUESTION"       answer one question (--json, with `figures` when it computed;
                                        "-" reads one per line from stdin)
    coding-advisor earnings ...         the earnings calculator (--json; --chart FILE.png writes the chart)
    coding-advisor which-credential ... which credential fits a setting, experience and goal (--json)
    coding-advisor course-check ...     what a course offers against what a credential needs (--json)
    coding-advisor audit-risk ...       how often an accuracy audit fails, exact binomial (--json)
    coding-advisor validate [DIR]       check knowledge files; every problem as path:line: message
    coding-advisor schema               print the JSON Schema of a knowledge file
    coding-advisor report               the question log: gaps and top topics (--days, --json)

Questions asked with `ask` and in the console are logged to the question log (storage.path of
--config, else beside the console's history), unless --no-log.

Bad input never ends in a traceback: one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from bot.config import ConfigError, load_settings, offline_storage_path
from bot.core import earnings
from bot.core.advisor import Advisor, Answer
from bot.core.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.core.knowledge.loader import knowledge_warnings
from bot.core.knowledge.model import COURSE_ITEMS, FIT_GOALS, FIT_SETTINGS
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.knowledge.schema import SCHEMA_FILE, schema_text
from bot.core.moderation import REPORT_DAYS_DEFAULT, QuestionReport, report_text
from bot.core.replies import Reply
from bot.storage import LoggedQuestion, Source, StorageError, Store, open_store

T = TypeVar("T")

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem to report as one line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


# Each earnings option -> the input of the question it gives; errors name the option.
EARNINGS_OPTIONS = {
    "charts_per_hour": "charts_per_hour",
    "rate": "pay_per_chart",
    "hours_per_week": "hours_per_week",
    "weeks_per_year": "weeks_per_year",
    "compare_charts_per_hour": "compare_charts_per_hour",
    "target_annual": "target_annual",
}
EARNINGS_LABELS = {name: "--" + dest.replace("_", "-") for dest, name in EARNINGS_OPTIONS.items()}


def _number(text: str) -> float:
    try:
        value = float(text.strip().lstrip("$").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):  # float() reads "inf" and "nan"; no amount is either
        raise argparse.ArgumentTypeError(f"{text!r} is not a number")
    return value


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError("give at least 1 day")
    return days


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake as one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS: a subcommand's unset --knowledge must not overwrite one given before the subcommand.
    common.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="knowledge directory (default: the shipped knowledge base)",
    )
    logged = _Parser(add_help=False)
    logged.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file: its knowledge_dir, its storage.path for the question log, and its state_dir "
        "(the console's history; default: CODING_ADVISOR_STATE_DIR, else your user state directory)",
    )
    logged.add_argument(
        "--no-log", action="store_true", help="do not record the questions in the question log"
    )
    parser = _Parser(
        prog="coding-advisor",
        description="A career advisor for medical-coding students: Discord bot, offline console and tools.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser(
        "console", parents=[common, logged], help="the offline console (the default without a token)"
    )

    run = commands.add_parser(
        "run", parents=[common], help="start the Discord bot (needs DISCORD_TOKEN or discord.token)"
    )
    run.add_argument("--config", type=Path, metavar="PATH", help="config file (see config.example.yaml)")

    sync = commands.add_parser("sync", parents=[common], help="publish the slash commands to Discord now")
    sync.add_argument("--config", type=Path, metavar="PATH", help="config file (see config.example.yaml)")
    sync.add_argument(
        "--guild", type=int, metavar="ID", help="one server (instant) instead of the configured target"
    )

    ask = commands.add_parser("ask", parents=[common, logged], help="answer a question")
    ask.add_argument("question", help='the question, or "-" to read one question per line from stdin')
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line with -)")

    calc = commands.add_parser("earnings", parents=[common], help="the earnings calculator")

    def bounds(name: str) -> str:
        bound = earnings.LIMITS[name]
        return f"{bound.minimum:g} to {bound.maximum:g}"

    calc.add_argument(
        "--charts-per-hour", type=_number, required=True, metavar="N", help=bounds("charts_per_hour")
    )
    calc.add_argument(
        "--rate", type=_number, required=True, metavar="USD", help=f"pay per chart, {bounds('pay_per_chart')}"
    )
    calc.add_argument(
        "--hours-per-week", type=_number, required=True, metavar="H", help=bounds("hours_per_week")
    )
    calc.add_argument(
        "--weeks-per-year",
        type=_number,
        default=earnings.DEFAULT_WEEKS_PER_YEAR,
        metavar="W",
        help=f"{bounds('weeks_per_year')}, default {earnings.DEFAULT_WEEKS_PER_YEAR:g}",
    )
    calc.add_argument(
        "--compare-charts-per-hour",
        type=_number,
        metavar="N",
        help=f"a second pace, {bounds('charts_per_hour')}",
    )
    calc.add_argument("--target-annual", type=_number, metavar="USD", help="hours/week needed to gross this")
    calc.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="also write the chart (weekly gross and net by pace)"
    )
    calc.add_argument("--json", action="store_true", help="print JSON")

    fit = commands.add_parser(
        "which-credential", parents=[common], help="which credential fits where you want to work"
    )
    fit.add_argument("--setting", choices=FIT_SETTINGS, required=True, help="where you want to work")
    fit.add_argument("--experience-years", type=_number, required=True, metavar="N", help="coding experience")
    fit.add_argument("--goal", choices=FIT_GOALS, help="a goal for your first years")
    fit.add_argument("--json", action="store_true", help="print JSON")

    course = commands.add_parser(
        "course-check", parents=[common], help="what a course offers against what a credential needs"
    )
    course.add_argument(
        "--credential", required=True, metavar="ID", help="the credential it prepares for, e.g. cpc"
    )
    course.add_argument("--hours", type=_number, required=True, metavar="N", help="contact hours")
    course.add_argument(
        "--teaches",
        required=True,
        metavar="CODE_SETS",
        help="code sets it teaches, comma-separated: ICD-10-CM,ICD-10-PCS,CPT,HCPCS",
    )
    for item in COURSE_ITEMS:
        course.add_argument(
            f"--{item}", action="store_true", help=f"the course includes {item.replace('-', ' ')}"
        )
    course.add_argument("--price", type=_number, metavar="USD", help="what the course costs")
    course.add_argument("--json", action="store_true", help="print JSON")

    audit = commands.add_parser("audit-risk", parents=[common], help="how often an accuracy audit fails")
    audit.add_argument(
        "--accuracy", type=_number, required=True, metavar="RATE", help="your true accuracy: 0.95 or 95"
    )
    audit.add_argument(
        "--required", type=_number, required=True, metavar="RATE", help="the accuracy to pass: 0.96"
    )
    audit.add_argument("--sample-size", type=_number, required=True, metavar="N", help="charts in the audit")
    audit.add_argument("--json", action="store_true", help="print JSON")

    check = commands.add_parser(
        "validate", parents=[common], help="check knowledge files (exit 1 and every problem if invalid)"
    )
    check.add_argument(
        "directory", nargs="?", type=Path, metavar="DIR", help="default: the shipped knowledge base"
    )

    report = commands.add_parser(
        "report", help="the question log: questions without a good answer, and the top topics"
    )
    report.add_argument(
        "--config", type=Path, metavar="PATH", help="config file: where the question log is (storage.path)"
    )
    report.add_argument(
        "--days",
        type=_days,
        default=REPORT_DAYS_DEFAULT,
        metavar="N",
        help=f"the last N days (default {REPORT_DAYS_DEFAULT})",
    )
    report.add_argument(
        "--json",
        action="store_true",
        help="print JSON: gaps [{question, count, last_seen}], top_topics [{id, count, helpful, "
        "not_helpful}], answered, declined",
    )

    schema = commands.add_parser("schema", help="print the JSON Schema of a knowledge file")
    schema.add_argument(
        "--write", type=Path, metavar="DIR", help=f"write DIR/{SCHEMA_FILE} instead of printing"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except CliError as error:
        print(f"coding-advisor: {error}", file=sys.stderr)
        return error.code
    except ConfigError as error:
        for problem in error.problems:
            print(f"coding-advisor: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KnowledgeError as error:
        print("coding-advisor: the knowledge base has problems:", file=sys.stderr)
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `coding-advisor ask - | head`: the reader has what it wanted
        _drop_stdout()
        return 0


def _drop_stdout() -> None:
    """After a broken pipe: send what is left in stdout's buffer nowhere, so exiting stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        command = "run" if os.environ.get("DISCORD_TOKEN") else "console"
    if command == "console":
        return _console(args)
    if command in ("run", "sync"):
        from bot.config import load_settings
        from bot.discord_app import runner

        settings = load_settings(getattr(args, "config", None))
        knowledge = _knowledge_option(args)
        if knowledge is not None:
            settings = settings.model_copy(update={"knowledge_dir": knowledge})
        if command == "run":
            return runner.run_bot(settings)
        return runner.sync_commands(settings, args.guild)
    if command == "ask":
        return _ask(args)
    if command == "earnings":
        return _earnings(args)
    if command == "which-credential":
        return _which_credential(args)
    if command == "course-check":
        return _course_check(args)
    if command == "audit-risk":
        return _audit_risk(args)
    if command == "validate":
        given = getattr(args, "knowledge", None)
        if given is not None and args.directory is not None and given.resolve() != args.directory.resolve():
            raise CliError(f"validate {args.directory} or --knowledge {given}: give one directory")
        return _validate(args.directory or given)
    if command == "schema":
        return _schema(args.write)
    if command == "report":
        return _report(args)
    raise CliError(f"unknown command {command!r}")


def _console(args: argparse.Namespace) -> int:
    from bot.config import console_state_dir
    from bot.console import Console

    _use_config_knowledge(args)
    with QuestionLog.for_args(args, "console") as question_log:
        state_dir = console_state_dir(getattr(args, "config", None))
        return Console(_advisor(args), state_dir=state_dir, on_answer=question_log.record).run()


def _use_config_knowledge(args: argparse.Namespace) -> None:
    """--config names the knowledge directory too, unless --knowledge is given."""
    config = getattr(args, "config", None)
    if config is not None and getattr(args, "knowledge", None) is None:
        args.knowledge = load_settings(config).knowledge_dir


def _knowledge_option(args: argparse.Namespace) -> Path | None:
    directory: Path | None = getattr(args, "knowledge", None)
    if directory is not None and not directory.is_dir():
        raise CliError(
            f"--knowledge {directory}: knowledge directory not found: "
            "give the directory that holds categories.yaml and topics/"
        )
    return directory


def _advisor(args: argparse.Namespace) -> Advisor:
    """The advisor, from the knowledge cache in the console's state directory when it is current."""
    from bot.config import console_state_dir

    cache_dir = console_state_dir(getattr(args, "config", None))
    return Advisor.from_directory(_knowledge_option(args), cache_dir=cache_dir)


def answer_json(question: str, answer: Answer) -> dict[str, Any]:
    from bot.console import render

    data: dict[str, Any] = {
        "question": question,
        "answered": answer.answered,
        "confidence": round(answer.result.confidence, 3),
        "matches": [{"id": m.id, "title": m.title, "score": m.score} for m in answer.result.matches],
        "text": render(answer.reply),
    }
    if answer.figures is not None:
        data["figures"] = answer.figures.as_dict()
    return data


class QuestionLog:
    """Records the console's and the CLI's questions in the bot's question log (no user id).

    Synchronous for the faces that are: one event loop for the session. A database that cannot
    be used is one line on stderr, and the answers go on."""

    def __init__(self, store: Store | None, runner: asyncio.Runner | None, source: Source) -> None:
        self._store, self._runner, self._source = store, runner, source

    @classmethod
    def for_args(cls, args: argparse.Namespace, source: Source) -> QuestionLog:
        if getattr(args, "no_log", False):
            return cls(None, None, source)
        path = offline_storage_path(getattr(args, "config", None))
        runner = asyncio.Runner()
        store = runner.run(open_store(path))
        if store.problem:
            print(f"coding-advisor: not logging questions: {store.problem}", file=sys.stderr)
        return cls(store, runner, source)

    def __enter__(self) -> QuestionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            if self._store is not None:
                self._runner.run(self._store.close())
            self._runner.close()

    def record(self, answer: Answer) -> None:
        if self._store is None or self._runner is None or not answer.result.question:
            return
        entry = LoggedQuestion.from_answer(
            answer, at=dt.datetime.now(dt.UTC), chapter_id=None, source=self._source
        )
        try:
            self._runner.run(self._store.log_question(entry))
        except StorageError as error:
            print(f"coding-advisor: question not logged: {error}", file=sys.stderr)
            self._store = None  # once is enough


def _ask(args: argparse.Namespace) -> int:
    from bot.console import render

    if args.question != "-" and not args.question.strip():
        raise CliError("the question is empty")
    _use_config_knowledge(args)
    advisor = _advisor(args)
    # A blank line of stdin is answered too (declined), so output line N is always input line N.
    questions = [args.question] if args.question != "-" else (line.strip() for line in sys.stdin)
    with QuestionLog.for_args(args, "cli") as question_log:
        for question in questions:
            answer = advisor.ask(question)
            question_log.record(answer)
            if args.json:
                print(json.dumps(answer_json(question, answer), ensure_ascii=False), flush=True)
            elif args.question != "-":
                print(render(answer.reply), end="")
            else:
                print(render(answer.reply))
    return 0


def _report(args: argparse.Namespace) -> int:
    path = offline_storage_path(args.config)
    if not path.is_file():
        raise CliError(
            f"no question log at {path} yet: the bot, `ask` and the console make it when they log a "
            "question (see storage.path; pass --config)"
        )

    async def read() -> QuestionReport:
        from bot.storage.sqlite import SqliteStore

        store = await SqliteStore.open(path)
        try:
            return await store.report(dt.datetime.now(dt.UTC) - dt.timedelta(days=args.days))
        finally:
            await store.close()

    try:
        report = asyncio.run(read())
    except StorageError as error:
        raise CliError(str(error), EXIT_PROBLEMS) from None
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(report_text(report, args.days), end="")
    return 0


def _earnings(args: argparse.Namespace) -> int:
    from bot.console import render
    from bot.core.replies import earnings_reply

    advisor = _advisor(args)
    question = earnings.EarningsQuestion(
        args.charts_per_hour,
        args.rate,
        args.hours_per_week,
        args.weeks_per_year,
        args.compare_charts_per_hour,
        args.target_annual,
    )
    try:
        answered = advisor.earnings(question, labels=EARNINGS_LABELS)
    except earnings.EarningsInputError as error:
        raise CliError(str(error)) from None
    if args.chart is not None:
        from bot.charts import ChartError, write_earnings_png

        try:
            written = write_earnings_png(args.chart, advisor.earnings_curve(answered))
        except ChartError as error:
            raise CliError(str(error)) from None
        print(f"chart written to {written}", file=sys.stderr)
    if args.json:
        data: dict[str, Any] = answered.earnings.as_dict()
        if answered.compared is not None:
            data["compare"] = answered.compared.as_dict()
        if answered.hours_for_target is not None:
            data["target_annual"] = args.target_annual
            data["hours_per_week_for_target"] = round(answered.hours_for_target, 2)
        print(json.dumps(data))
        return 0
    print(render(earnings_reply(answered)), end="")
    return 0


def _tool(
    args: argparse.Namespace,
    compute: Callable[[Advisor], T],
    data: Callable[[T], dict[str, Any]],
    reply: Callable[[KnowledgeBase, T], Reply],
) -> int:
    """Run one decision tool: its JSON with --json, else its reply as text; bad input is one line."""
    from bot.console import render
    from bot.core.tools import ToolInputError

    advisor = _advisor(args)
    try:
        result = compute(advisor)
    except ToolInputError as error:
        raise CliError(str(error)) from None
    if args.json:
        print(json.dumps(data(result), ensure_ascii=False))
    else:
        print(render(reply(advisor.kb, result)), end="")
    return 0


def _which_credential(args: argparse.Namespace) -> int:
    from bot.core.replies import credential_fit_reply
    from bot.core.tools.credential_fit import Fit

    def compute(advisor: Advisor) -> Fit:
        return advisor.which_credential(args.setting, args.experience_years, args.goal)

    return _tool(args, compute, Fit.as_dict, credential_fit_reply)


def _course_check(args: argparse.Namespace) -> int:
    from bot.core.replies import course_check_reply
    from bot.core.tools.course_check import CourseOffer, CourseVerdict

    offers = [item for item in COURSE_ITEMS if getattr(args, item.replace("-", "_"))]
    offer = CourseOffer(args.credential, args.hours, args.teaches, offers, args.price)
    return _tool(args, lambda advisor: advisor.course_check(offer), CourseVerdict.as_dict, course_check_reply)


def _audit_risk(args: argparse.Namespace) -> int:
    from bot.core.replies import audit_risk_reply
    from bot.core.tools.audit_risk import AuditRisk, audit_risk

    def compute(advisor: Advisor) -> AuditRisk:
        return audit_risk(args.accuracy, args.required, args.sample_size)

    return _tool(args, compute, AuditRisk.as_dict, audit_risk_reply)


def _validate(directory: Path | None, today: dt.date | None = None) -> int:
    directory = directory or default_knowledge_dir()
    today = today or dt.date.today()
    try:
        kb = load_knowledge(directory, today=today)
    except KnowledgeError as error:
        _print_all(map(str, error.problems))
        print(f"{len(error.problems)} problem(s) in {directory}", file=sys.stderr)
        return EXIT_PROBLEMS  # decided before printing: a closed stdout cannot turn it into success
    _print_all([*map(str, knowledge_warnings(directory, kb, today)), f"{directory}: valid"])
    return 0


def _print_all(lines: Iterable[str]) -> None:
    """Print every line; a reader that stops early (`| head -1`) is not an error."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()


def _schema(write_to: Path | None) -> int:
    if write_to is None:
        print(schema_text(), end="")
        return 0
    if not write_to.is_dir():
        raise CliError(f"not a directory: {write_to}")
    (write_to / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
    print(f"wrote {write_to / SCHEMA_FILE}")
    return 0
