"""Sandboxed Jinja2 for answers, so figures are computed from the knowledge data, never copied.

What a template sees and the filters it formats with are in templates.py; here is the sandbox
that bounds what a template may build and do, and the naming of what it asked for and did not find.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from functools import partial
from typing import Any

from jinja2 import StrictUndefined, Template, nodes, pass_context
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from pydantic import BaseModel

from bot.core import earnings
from bot.core.knowledge import templates

# What one answer template may build, so a bad edit fails fast instead of exhausting memory or
# time. An answer shows at most 4,096 characters; the rest is room to report "renders to N".
TEXT_MAX = 20_000  # characters (or list items) in any value a template builds, and in its output
RANGE_MAX = 1_000  # numbers range() may count
STEPS_MAX = 100_000  # loop items, calls and operators in one rendering
_POWER_DIGITS_MAX = 3_000  # no answer needs a number longer than that
_LOOP_ITEMS = "_loop_items"  # the global every {% for %} iterates through (see AnswerEnvironment)


class TemplateLimitError(SecurityError):
    """A template tried to build or do too much; the message says what, and the limit."""


class MissingData(UndefinedError):
    """A name, attribute or item a template asked for that does not exist: `name` looked up in
    `obj` (`obj` is jinja2.utils.missing for an undefined top-level name)."""

    def __init__(self, message: str | None = None, *, obj: Any = missing, name: Any = None) -> None:
        super().__init__(message)
        self.obj = obj
        self.name = name


class _StrictUndefined(StrictUndefined):
    """StrictUndefined whose error keeps what was looked up where, to name it as the template does."""

    __slots__ = ()

    def __init__(
        self, hint: str | None = None, obj: Any = missing, name: str | None = None, exc: Any = UndefinedError
    ) -> None:
        if exc is UndefinedError:
            exc = partial(MissingData, obj=obj, name=name)
        super().__init__(hint, obj, name, exc)


@dataclass
class _Budget:
    steps: int = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > STEPS_MAX:
            raise TemplateLimitError(
                f"the template does too much work (more than {STEPS_MAX:,} loop rounds and calls): "
                "simplify its loops"
            )


_BUDGETS: weakref.WeakKeyDictionary[Context, _Budget] = weakref.WeakKeyDictionary()


def _budget(context: Context) -> _Budget:
    """The work done so far by the rendering that `context` belongs to (one context per rendering)."""
    return _BUDGETS.setdefault(context, _Budget())


def _refuse(size: int, what: str) -> None:
    if size > TEXT_MAX:
        unit = "items" if what == "a list" else "characters"
        raise TemplateLimitError(
            f"the template would build {what} of {size:,} {unit}; answers may build at most {TEXT_MAX:,}"
        )


def _kind(value: Any) -> str:
    return "a text" if isinstance(value, str) else "a list"


_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")


def _check_format(fmt: str, values: Iterable[Any], printf: bool) -> None:
    """Refuse a width or precision (written, or given with `*` or `{}`) that builds too long a text."""
    specs = (
        [n for match in _PRINTF_SPEC.finditer(fmt) for n in match.groups() if n]
        if printf
        else [n for spec in _FORMAT_SPEC.findall(fmt) for n in re.findall(r"\d+", spec)]
    )
    widths = [int(n) for n in specs if n != "*"]
    if "*" in specs or (not printf and re.search(r"\{[^{}]*:[^{}]*\{", fmt)):
        widths += [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    for width in widths:
        if width > TEXT_MAX:
            raise TemplateLimitError(
                f"a width or precision of {width:,} in {fmt[:40]!r}; answers may build at most "
                f"{TEXT_MAX:,} characters"
            )


def _check_str_method(name: str, text: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse a str method call whose result would be too long, before it is built."""
    given = [*args, *kwargs.values()]
    if name in ("center", "ljust", "rjust", "zfill") and given and isinstance(given[0], int):
        _refuse(given[0], "a text")
    elif name == "expandtabs" and given and isinstance(given[0], int):
        _refuse(len(text) + text.count("\t") * given[0], "a text")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        found = text.count(args[0]) if args[0] else len(text) + 1
        _refuse(len(text) + found * len(args[1]), "a text")
    elif name == "join" and args and isinstance(args[0], Collection):
        items: Collection[Any] = args[0]
        _refuse(
            len(text) * max(len(items) - 1, 0) + sum(len(x) for x in items if isinstance(x, str)), "a text"
        )
    elif name in ("format", "format_map"):
        _check_format(
            text,
            given
            if name == "format"
            else list(args[0].values())
            if args and isinstance(args[0], Mapping)
            else [],
            printf=False,
        )


class AnswerEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox answers render in, bounded: what a template builds (repetition, concatenation,
    str methods, growing filters, range, formatting widths, powers), how much work it does (loop
    rounds, calls, operators) and how long its output is (see render_answer)."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Count the operation, and refuse one that would build a sequence past the bounds."""
        _budget(context).tick()
        sequences = (str, list, tuple)
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, sequences) and isinstance(times, int):
                    _refuse(len(sequence) * times, _kind(sequence))
        elif operator == "+" and isinstance(left, sequences) and isinstance(right, sequences):
            _refuse(len(left) + len(right), _kind(left))
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            digits = right * math.log10(abs(left))
            if digits > _POWER_DIGITS_MAX:
                raise TemplateLimitError(f"the template would compute a number of {digits:,.0f} digits")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right if isinstance(right, tuple) else (right,), printf=True)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Count the call, and check a string method's arguments against the bounds."""
        _budget(__context).tick()
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        receiver = getattr(target, "__self__", None)
        if isinstance(receiver, str):
            _check_str_method(getattr(target, "__name__", ""), receiver, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Route every loop through _loop_items, which counts its rounds against the budget:
        nested loops over long texts do no other work the sandbox could count."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            guard = nodes.Name(_LOOP_ITEMS, "load", lineno=loop.iter.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.iter.lineno)
            loop.iter.set_environment(self)
        return tree


@pass_context
def _loop_items(context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget(context)
    for item in iterable:
        budget.tick()
        yield item


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > RANGE_MAX:
        raise TemplateLimitError(
            f"the template would count a range of {len(numbers):,} numbers; at most {RANGE_MAX:,}"
        )
    return numbers


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter that can grow its input (center, indent, replace...), checked before it runs."""
    offset = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)  # keeps jinja_pass_arg, so Jinja still passes what the filter needs
    def bounded(*args: Any, **kwargs: Any) -> Any:
        value, rest = args[offset], args[offset + 1 :]
        numbers = [v for v in (*rest, *kwargs.values()) if isinstance(v, int) and not isinstance(v, bool)]
        for number in numbers:
            if number > TEXT_MAX:
                raise TemplateLimitError(
                    f"`{name}` with {number:,}; answers may build at most {TEXT_MAX:,} characters"
                )
        text = str(value)
        if name == "indent" and rest and isinstance(rest[0], str):
            _refuse(len(text) + len(rest[0]) * (text.count("\n") + 1), "a text")
        elif name == "replace" and len(rest) >= 2:
            found = text.count(str(rest[0])) if str(rest[0]) else len(text) + 1
            _refuse(len(text) + found * len(str(rest[1])), "a text")
        elif name == "join" and isinstance(value, Sized):
            separator = str(rest[0] if rest else kwargs.get("d", ""))
            _refuse(len(separator) * max(len(value) - 1, 0), "a text")
        elif name == "format" and isinstance(value, str):
            _check_format(value, [*rest, *kwargs.values()], printf=True)
        return function(*args, **kwargs)

    return bounded


_GROWING_FILTERS = ("center", "indent", "wordwrap", "batch", "slice", "format", "replace", "join", "truncate")


def render_answer(template: Template, context: Mapping[str, Any]) -> str:
    """Render, refusing output beyond TEXT_MAX characters as it is produced (TemplateLimitError)."""
    size = 0
    parts = []
    for chunk in template.generate(context):
        size += len(chunk)
        if size > TEXT_MAX:
            raise TemplateLimitError(
                f"the answer renders more than {TEXT_MAX:,} characters: Discord shows at most 4,096"
            )
        parts.append(chunk)
    return "".join(parts)


def make_environment() -> AnswerEnvironment:
    """The sandboxed, bounded Jinja environment answers are compiled in."""
    env = AnswerEnvironment(
        undefined=_StrictUndefined, autoescape=False, keep_trailing_newline=False, finalize=_printable
    )
    env.filters.update(
        money=templates.money, number=templates.number, percent=templates.percent, day=templates.day
    )
    for name in _GROWING_FILTERS:
        env.filters[name] = _bounded_filter(name, env.filters[name])
    # Nothing an answer needs, and each a way round the bounds: mutable state across loop rounds
    # (namespace) and text of any length (lipsum).
    for name in ("namespace", "lipsum"):
        env.globals.pop(name, None)
    env.globals.update({"range": _range, _LOOP_ITEMS: _loop_items})
    return env


# --- naming what a template asked for, as the template names it -----------------------------


def _printable(value: Any) -> Any:
    """What `{{ ... }}` prints; an empty value (an optional field left out) is an error, not "None"."""
    if value is None:
        raise MissingData(
            "it prints a value that is empty (none): fill in that field, or leave it out of the answer"
        )
    return value


def explain_missing(error: MissingData, context: Mapping[str, Any]) -> str:
    """What a template looked for and did not find, named as the moderator wrote it, with the
    closest name that exists: '`credentials.cpc.exam` has no `questionz`: did you mean `questions`?'."""
    if error.name is None:  # nothing was looked up: an empty value printed (_printable)
        return str(error)
    if error.obj is missing:
        return f"`{error.name}` is not defined{_suggest(error.name, list(context))}"
    if error.obj is None:
        return f"the value before `{error.name}` is empty (none), so it has no `{error.name}`"
    return (
        f"`{data_path(context, error.obj)}` has no `{error.name}`{_suggest(error.name, _names_of(error.obj))}"
    )


def data_path(context: Mapping[str, Any], target: object) -> str:
    """How a template reaches `target` from its context: 'credentials.cpc.exam',
    "credentials['ccs-p'].fee", 'se_tax.social_security_wage_base'."""
    seen: set[int] = set()

    def walk(value: Any, path: str, depth: int) -> str | None:
        if value is target:
            return path
        if depth == 0 or id(value) in seen or value is None:
            return None
        seen.add(id(value))
        for key, child in _children(value):
            found = walk(child, path + _step(key), depth - 1)
            if found:
                return found
        return None

    for name, value in context.items():
        found = walk(value, name, 4)
        if found:
            return found
    # Values a template computes rather than finds in its context.
    computed = {earnings.Earnings: "earnings(...)", earnings.ContractorView: "earnings(...).contractor"}
    return computed.get(type(target), type(target).__name__.lower())


def _children(value: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(value, Mapping):
        return value.items()
    if isinstance(value, BaseModel):
        return ((name, getattr(value, name)) for name in type(value).model_fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    return ()


def _step(key: Any) -> str:
    return f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"


def _names_of(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [str(key) for key in value]
    if isinstance(value, BaseModel):
        return list(type(value).model_fields)
    return [name for name in dir(value) if not name.startswith("_")]


def _suggest(name: Any, known: list[str]) -> str:
    close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
    if close:
        return f": did you mean `{close[0]}`?"
    if 0 < len(known) <= 12:
        return f": it has {', '.join(known)}"
    return ""
