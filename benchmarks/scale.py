"""Scale benchmark: what the search index costs as the knowledge base grows, beside plain BM25.

    python benchmarks/scale.py [--sizes 2000,10000,50000] [--repeats 3]

For each size, in a fresh process of its own (so one size's memory never counts in the next), the
shipped topics are padded with synthetic distractors (bot.core.evaluation.synthetic_documents) and:
- build: wall-clock seconds to build the index from the documents;
- index MB: memory the built index holds, as Python allocated it (tracemalloc, measured on a
  second build: tracing slows the build down), the documents themselves not counted;
- median and p99 ms a question: every question of benchmarks/eval_questions.yaml, --repeats times;
- peak RSS of the whole process, documents included.
The same four for rank_bm25's BM25Okapi over the same fields. Targets (issue 10): at 10,000
entries a build of at most 3 s, an index of at most 60 MB and a p99 of at most 2.5 ms; at 50,000 a
p99 of at most 20 ms and an index of at most 300 MB. The machine's load average is printed with
the figures: on a shared machine the wall clock counts the time other processes held the CPU.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.evaluation import latencies_ms, load_cases, median, percentile, synthetic_documents
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.search import Document, build_index, topic_documents

HERE = Path(__file__).parent
QUESTIONS = HERE / "eval_questions.yaml"
ENGINES = ("advisor", "bm25")


def _bm25(documents: Sequence[Document]) -> Callable[[str], object]:
    """rank_bm25's BM25Okapi over the same fields, as bot.core.evaluation.baseline_searcher builds it."""
    import re

    from rank_bm25 import BM25Okapi

    def tokens(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    bm25 = BM25Okapi([tokens(" ".join(d.fields.values())) for d in documents])

    def search(question: str) -> object:
        scores = bm25.get_scores(tokens(question))
        return max(range(len(documents)), key=scores.__getitem__)

    return search


def measure(size: int, engine: str, repeats: int) -> dict[str, Any]:
    """One size, one engine, in this process: build seconds, index MB, latencies, peak RSS."""
    kb = load_knowledge(default_knowledge_dir())
    documents = synthetic_documents(topic_documents(kb), size)
    questions = [case.question for case in load_cases(QUESTIONS)]

    def build() -> Callable[[str], object]:
        if engine == "bm25":
            return _bm25(documents)
        return build_index(kb, documents).search

    gc.collect()
    start = time.perf_counter()
    search = build()
    build_s = time.perf_counter() - start
    timings = latencies_ms(search, questions, repeats)
    del search
    gc.collect()
    tracemalloc.start()
    held = build()
    gc.collect()
    index_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    return {
        "build_s": build_s,
        "index_mb": index_bytes / 2**20,
        "median_ms": median(timings),
        "p99_ms": percentile(timings, 0.99),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,10000,50000", help="comma-separated entry counts")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the questions")
    parser.add_argument("--engines", default=",".join(ENGINES), help="advisor, bm25 or both")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # the child process: one measurement, as JSON
        print(json.dumps(measure(int(args.one[0]), args.one[1], args.repeats)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")]
    engines = [e for e in args.engines.split(",") if e]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print(
        f"{'entries':>8}  {'engine':<8}{'build s':>9}{'index MB':>10}{'median ms':>11}{'p99 ms':>9}"
        f"{'peak RSS MB':>13}"
    )
    for size in sizes:
        for engine in engines:
            child = subprocess.run(
                [sys.executable, __file__, "--one", str(size), engine, "--repeats", str(args.repeats)],
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                print(f"{size:>8}  {engine:<8}failed: {child.stderr.strip().splitlines()[-1:]}")
                continue
            row = json.loads(child.stdout.strip().splitlines()[-1])
            print(
                f"{size:>8}  {engine:<8}{row['build_s']:>9.2f}{row['index_mb']:>10.1f}"
                f"{row['median_ms']:>11.3f}{row['p99_ms']:>9.3f}{row['peak_rss_mb']:>13.0f}",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
