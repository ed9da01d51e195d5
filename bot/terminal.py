"""The console at a terminal: line editing, history and Tab (prompt_toolkit), replies drawn with rich.

Only used when both standard input and output are terminals; scripts and pipes get the plain
line-by-line console of bot/console.py. Completion asks the core's one autocomplete (the same
function Discord's autocomplete calls); replies are drawn from the same Reply and the same pages
Discord gets. NO_COLOR (https://no-color.org) turns every colour and style off.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import ClassVar, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth
from rich.console import Console as RichConsole
from rich.console import ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Heading, Markdown, MarkdownElement
from rich.table import Table
from rich.text import Text

from bot.console import BANNER, QUIT, Console
from bot.core.replies import Reply, ReplyKind

HISTORY_FILE = "console_history"
HISTORY_MAX = 1000  # entries kept in the history file
PROMPT = "> "
LEAVE_HINT = "(To leave, press Ctrl-C again or Ctrl-D, or type /quit)"
KIND_STYLE: dict[ReplyKind, str] = {
    "answer": "bold blue",
    "decline": "bold yellow",
    "figures": "bold green",
    "greeting": "bold blue",
    "info": "bold green",
    "error": "bold red",
}
_LINE_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")


def colours_wanted(environ: Mapping[str, str]) -> bool:
    """No colour or style when NO_COLOR is set to anything (https://no-color.org)."""
    return not environ.get("NO_COLOR")


# ------------------------------------------------------------------------------------------ drawing


class _Heading(Heading):
    """Headings flush left, as Discord shows them (rich centres the first level)."""

    def __rich_console__(self, console: RichConsole, options: ConsoleOptions) -> RenderResult:
        text = self.text.copy()
        text.justify = "left"
        yield text


class DiscordMarkdown(Markdown):
    """The knowledge's Markdown as Discord reads it: a line break is a line break."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {**Markdown.elements, "heading_open": _Heading}

    def __init__(self, markup: str) -> None:
        # Two trailing spaces make a CommonMark hard break; links stay readable with their address.
        super().__init__(_LINE_BREAK.sub("  \n", markup), hyperlinks=False)


def draw_page(reply: Reply, page: int) -> RenderableType:
    """One page of a reply, laid out like its Discord embed: fields and sources on the first page."""
    pages = reply.all_pages
    parts: list[RenderableType] = [Text(reply.title, style=KIND_STYLE[reply.kind])]
    if pages[page]:
        parts.append(DiscordMarkdown(pages[page]))
    if page == 0:
        if reply.table is not None:
            parts.append(_table(reply))
        elif reply.fields:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for field in reply.fields:
                grid.add_row(field.name, DiscordMarkdown(field.value))
            parts.append(grid)
        if reply.sources:
            sources = Text()
            sources.append("Sources", style="bold")
            for source in reply.sources:
                sources.append(f"\n • {source.title} ", style="")
                sources.append(source.url, style="underline blue")
            parts.append(sources)
    if page == len(pages) - 1 and reply.related:
        parts.append(Text("Related: " + " · ".join(f"/faq {r.id}" for r in reply.related), style="dim"))
    footer = " · ".join(
        part
        for part in (f"Page {page + 1}/{len(pages)}" if len(pages) > 1 else "", reply.footer or "")
        if part
    )
    if footer:
        parts.append(Text(footer, style="dim italic"))
    return Group(*_spaced(parts))


def _table(reply: Reply) -> Table:
    assert reply.table is not None
    table = Table(show_lines=True, header_style="bold")
    for number, heading in enumerate(reply.table.header):
        table.add_column(heading, style="bold" if number == 0 else "", ratio=None if number == 0 else 1)
    for row in reply.table.rows:
        table.add_row(*row)
    return table


def _spaced(parts: Iterable[RenderableType]) -> Iterator[RenderableType]:
    """A blank line between the parts of a reply."""
    for number, part in enumerate(parts):
        if number:
            yield Text("")
        yield part


def make_rich_console(stdout: TextIO, environ: Mapping[str, str]) -> RichConsole:
    # color_system None writes no escape sequence at all: layout stays, styling goes.
    return RichConsole(
        file=stdout,
        force_terminal=True,
        color_system="auto" if colours_wanted(environ) else None,
        highlight=False,
        emoji=False,
        markup=False,
    )


# ---------------------------------------------------------------------------------------- history


class _History(FileHistory):
    """The file history, kept to the last HISTORY_MAX entries and readable by its owner only; a
    write that fails is reported once and the console carries on."""

    def __init__(self, path: Path, warn: TextIO) -> None:
        super().__init__(str(path))
        self._path = path
        self._warn: TextIO | None = warn

    def load_history_strings(self) -> Iterable[str]:
        newest_first = list(super().load_history_strings())
        if len(newest_first) > HISTORY_MAX:
            kept = newest_first[:HISTORY_MAX]
            with contextlib.suppress(OSError):  # trimming is housekeeping; reading still works
                self._path.write_text("".join(_entry(s) for s in reversed(kept)), encoding="utf-8")
            return kept
        return newest_first

    def store_string(self, string: str) -> None:
        try:
            super().store_string(string)
        except OSError as error:
            if self._warn is not None:
                print(f"coding-advisor: history not saved to {self._path}: {error.strerror}", file=self._warn)
                self._warn = None


def _entry(string: str) -> str:
    return "\n" + "".join(f"+{line}\n" for line in string.split("\n"))


def open_history(state_dir: Path | None, warn: TextIO = sys.stderr) -> History:
    """History kept in `state_dir`, else for this session only (with one line saying why)."""
    if state_dir is None:
        return InMemoryHistory()
    path = state_dir / HISTORY_FILE
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    except OSError as error:
        print(
            f"coding-advisor: history kept for this session only: cannot write {path} ({error.strerror}); "
            "set CODING_ADVISOR_STATE_DIR to a writable directory",
            file=warn,
        )
        return InMemoryHistory()
    return _History(path, warn)


# ------------------------------------------------------------------------------------- completion


class ConsoleCompleter(Completer):
    """Tab: command names, then topic ids (/faq), credential ids (/compare), category ids (/topics)."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor.lstrip()
        if not text.startswith("/"):
            return  # a question: nothing to complete
        name, space, argument = text[1:].partition(" ")
        if not space:
            for command, about in self.console.command_help().items():
                if command.startswith(name.lower()):
                    yield Completion(f"/{command} ", -len(text), display=f"/{command}", display_meta=about)
            return
        advisor = self.console.advisor
        argument = argument.lstrip()
        name = name.lower()
        if name == "faq":  # a category lists its topics: offered first when its id is being typed
            wanted = argument.strip().casefold()
            for category in advisor.kb.categories.values():
                if wanted and category.id.startswith(wanted):
                    yield Completion(category.id, -len(argument), display_meta=f"category: {category.title}")
            for match in advisor.suggest(argument):
                yield Completion(match.id, -len(argument), display_meta=match.title)
        elif name == "compare":
            word = re.split(r"[\s,&/]+", argument)[-1]  # the credential being typed
            for match in advisor.suggest_credentials(word):
                yield Completion(match.id, -len(word), display_meta=match.title)
        elif name == "topics":
            for match in advisor.suggest_categories(argument):
                yield Completion(match.id, -len(argument), display_meta=match.title)


# ------------------------------------------------------------------------------------------ the loop


def _pager_keys() -> KeyBindings:
    keys = KeyBindings()

    def go_on(event: KeyPressEvent) -> None:
        event.app.exit(result=True)

    def stop(event: KeyPressEvent) -> None:
        event.app.exit(result=False)

    for key in ("enter", "space", "n", "j", "pagedown"):
        keys.add(key)(go_on)
    for key in ("q", "escape", "c-c", "c-d"):
        keys.add(key)(stop)
    keys.add(Keys.Any)(lambda event: None)  # anything else: wait for one of the above
    return keys


def interactive(console: Console, stdout: TextIO, environ: Mapping[str, str], state_dir: Path | None) -> int:
    """The console at a terminal, until Ctrl-D, /quit, or Ctrl-C twice in a row."""
    out = make_rich_console(stdout, environ)
    depth = None if colours_wanted(environ) else ColorDepth.DEPTH_1_BIT  # the menus still need reverse video
    session: PromptSession[str] = PromptSession(
        history=open_history(state_dir),
        completer=ConsoleCompleter(console),
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        enable_history_search=False,
        color_depth=depth,
    )
    pager: PromptSession[bool] = PromptSession(
        key_bindings=_pager_keys(), erase_when_done=True, color_depth=depth
    )
    out.print(BANNER, style="dim")
    out.print(
        "Tab completes commands, topics, credentials and categories; ↑ recalls earlier lines.", style="dim"
    )
    interrupted = False
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:
            if interrupted:
                return 0  # prompt_toolkit has already moved past the prompt's line
            interrupted = True
            out.print(LEAVE_HINT, style="dim")
            continue
        except EOFError:
            return 0
        interrupted = False
        if line.strip().lower() in QUIT:
            return 0
        try:
            reply = console.reply(line)
            if reply is None:
                continue
            pages = reply.all_pages
            for page in range(len(pages)):
                out.print(draw_page(reply, page))
                if page + 1 < len(pages) and not pager.prompt(
                    f"-- page {page + 1}/{len(pages)}: Enter for the next, q to stop --"
                ):
                    break
            out.print()
        except KeyboardInterrupt:
            out.print()  # Ctrl-C while a reply is drawn or paged: back to the prompt
