"""Does a change to the code keep every answer the same? For work that should only make it faster.

    python benchmarks/same_answers.py [--base REF]

Asks every message of benchmarks/blind/*.yaml and benchmarks/eval_questions.yaml with this tree's
code and with the code at REF (default: where this branch left main, `git merge-base HEAD main`),
each in a process of its own over the same knowledge (this tree's knowledge/), both offline and in
a chapter's channel, and compares what comes back: the reply's kind, topic, text, fields, sources,
footer and related topics, the confidence (rounded to 3 places, as the search gives it) and the
ranked topics with their scores. Prints how many messages were compared and every difference;
exits 1 if there is one. Nothing is written to the repository, and a difference on the blind test
half is named by its file and number only (its messages are never shown).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MESSAGE_FILES = (*sorted((HERE / "blind").glob("*.yaml")), HERE / "eval_questions.yaml")
HIDDEN = "test.yaml"  # the blind test half: never shown
DAY = datetime.date(2026, 12, 1)  # a fixed day: a chapter's next exam sitting depends on it


def messages() -> list[tuple[str, str]]:
    """(where, message) for every message of the sets, in file order."""
    found = []
    for path in MESSAGE_FILES:
        for number, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
            found.append((f"{path.name} #{number}", str(item["q"])))
    return found


def answers(knowledge: Path) -> list[str]:
    """What the code imported from sys.path says to every message, one JSON line each (run in a
    child whose sys.path starts with the code to measure)."""
    from dataclasses import asdict

    import bot
    from bot.core.advisor import Advisor
    from bot.core.knowledge.templates import Place

    assert Path(bot.__file__).is_relative_to(Path(sys.path[0])), f"{bot.__file__} is not the code measured"
    advisor = Advisor.from_directory(knowledge).warm()  # as the bot serves: everything built first
    first = next(iter(advisor.kb.chapters), None)
    chapter = advisor.kb.chapter_view(first, DAY) if first else None
    places = (None, Place(server_name="the benchmark server", chapter=chapter))
    lines = []
    for _, message in messages():
        said: list[Any] = []
        for place in places:
            answer = advisor.ask(message, place)
            result = answer.result
            said.append(
                {
                    "kind": answer.reply.kind,
                    "topic": answer.reply.topic_id,
                    "confidence": result.confidence,
                    "answered": result.answered,
                    "matches": [(m.id, m.score) for m in result.matches],
                    "reply": asdict(answer.reply),
                }
            )
        lines.append(json.dumps(said, sort_keys=True, default=str))
    return lines


def run_in(code: Path, knowledge: Path, out: Path) -> None:
    """Dump the answers of the code under `code` into `out`, in a new process."""
    env = os.environ | {"PYTHONPATH": str(code)}
    subprocess.run(
        [sys.executable, __file__, "--dump", str(out), "--code", str(code), "--knowledge", str(knowledge)],
        env=env,
        check=True,
    )


def export(ref: str, into: Path) -> None:
    """The tree of a commit, written out (git archive): no worktree, no change to the repository."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", help="the commit to compare with (default: git merge-base HEAD main)")
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--knowledge", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        sys.path.insert(0, str(args.code))
        args.dump.write_text("\n".join(answers(args.knowledge)) + "\n", encoding="utf-8")
        return 0
    base = (
        args.base
        or subprocess.run(
            ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    with tempfile.TemporaryDirectory(prefix="same-answers-") as work:
        old_code, old, new = Path(work) / "base", Path(work) / "base.jsonl", Path(work) / "new.jsonl"
        old_code.mkdir()
        export(base, old_code)
        run_in(old_code, ROOT / "knowledge", old)
        run_in(ROOT, ROOT / "knowledge", new)
        before = old.read_text(encoding="utf-8").splitlines()
        after = new.read_text(encoding="utf-8").splitlines()
    asked = messages()
    assert len(before) == len(after) == len(asked)
    differ = [(where, message) for (where, message), a, b in zip(asked, before, after, strict=True) if a != b]
    print(f"{len(asked)} messages, each offline and in a chapter's channel, against {base[:12]}")
    for where, message in differ:
        print(f"  differs: {where}" + ("" if HIDDEN in where else f": {message!r}"))
    print("same answers" if not differ else f"{len(differ)} messages answered differently")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
