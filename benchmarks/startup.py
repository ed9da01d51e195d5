"""Start-up benchmark: `coding-advisor ask "cpc or ccs?"` in a fresh process, beside `python -c pass`.

    python benchmarks/startup.py [--runs 20]

Every row is a new process, timed from spawn to exit, all measured in this one run, one row's
runs interleaved with the others' so a change in the machine's load touches each alike. Bytecode
is cached (a first unmeasured run of each writes it). Rows:
- python -c pass: the interpreter's own floor;
- ask, knowledge cached: the command as a student runs it again and again, the question logged to
  the question log in a state directory kept across runs (where the knowledge cache lives too);
- ask, knowledge not cached: the same with a new, empty state directory each run, so the
  knowledge is parsed, checked and indexed every time (what the first run after an edit costs).
Target (issue 10): "ask, knowledge cached" at most 0.3 s median. The machine's load average is
printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.evaluation import median, percentile

QUESTION = "cpc or ccs?"


def _command() -> list[str]:
    """The installed `coding-advisor` beside this Python, else `python -m bot`."""
    script = Path(sys.executable).with_name("coding-advisor")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bot"]


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode(errors='replace').strip()}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20, help="processes per row")
    args = parser.parse_args(argv)

    ask = [*_command(), "ask", QUESTION]
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    kept = work / "kept"

    def env_with(state: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "PYTHONDONTWRITEBYTECODE")}
        env["CODING_ADVISOR_STATE_DIR"] = str(state)
        return env

    fresh_count = iter(range(10**9))

    def fresh() -> dict[str, str]:
        return env_with(work / f"fresh-{next(fresh_count)}")

    rows: dict[str, tuple[list[str], Callable[[], dict[str, str]]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], lambda: env_with(kept)),
        "ask, knowledge cached": (ask, lambda: env_with(kept)),
        "ask, knowledge not cached": (ask, fresh),
    }
    try:
        for command, env in rows.values():  # bytecode written, the knowledge cache made
            _timed(command, env())
        timings: dict[str, list[float]] = {label: [] for label in rows}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for label, (command, env) in rows.items():
                timings[label].append(_timed(command, env()))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)} ({os.cpu_count()} CPUs)")
    print(f"{args.runs} processes each; seconds")
    print(f"{'':<28}{'median':>8}{'p99':>8}   median vs python -c pass")
    floor = median(timings["python -c pass"])
    for label, values in timings.items():
        ratio = f"{median(values) / floor:6.1f}x" if label != "python -c pass" else "   floor"
        print(f"{label:<28}{median(values):>8.3f}{percentile(values, 0.99):>8.3f}   {ratio}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
