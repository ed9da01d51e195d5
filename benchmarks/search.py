"""Search benchmark: accuracy, declines and latency of /ask, beside a plain BM25 baseline.

    python benchmarks/search.py [--knowledge DIR] [--synthetic 2000] [--show-misses]

Prints one table, measured in this run: top-1 accuracy on the on-topic questions of
benchmarks/eval_questions.yaml, the share of off-topic questions declined, and latency median/p99,
on the shipped knowledge base and on a synthetic one padded with distractors. The baseline is
rank_bm25's BM25Okapi over the same fields, lower-cased and split on non-letters, answering when
any word matches.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.core.advisor import Advisor
from bot.core.evaluation import (
    baseline_searcher,
    index_searcher,
    latencies_ms,
    load_cases,
    median,
    percentile,
    score,
    synthetic_documents,
)
from bot.core.search import build_index, topic_documents

EVAL_FILE = Path(__file__).with_name("eval_questions.yaml")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--knowledge", type=Path)
    parser.add_argument("--synthetic", type=int, default=2000, help="size of the synthetic knowledge base")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)

    advisor = Advisor.from_directory(args.knowledge)
    cases = load_cases(EVAL_FILE)
    questions = [c.question for c in cases]
    real = topic_documents(advisor.kb)
    synthetic = synthetic_documents(real, args.synthetic)

    start = time.perf_counter()
    synthetic_index = build_index(advisor.kb, synthetic)
    build_ms = (time.perf_counter() - start) * 1000

    on_topic = sum(1 for c in cases if c.expected)
    print(f"{len(cases)} questions ({on_topic} on-topic, {len(cases) - on_topic} off-topic); ", end="")
    print(
        f"shipped KB: {len(real)} topics; synthetic KB: {len(synthetic)} entries (index built in {build_ms:.0f} ms)"
    )
    print(f"{'knowledge base':<16}{'engine':<12}{'top-1':>8}{'declined':>10}{'median ms':>11}{'p99 ms':>9}")
    rows = [
        ("shipped", "advisor", index_searcher(advisor.index)),
        ("shipped", "bm25", baseline_searcher(real)),
        (f"synthetic {len(synthetic)}", "advisor", index_searcher(synthetic_index)),
        (f"synthetic {len(synthetic)}", "bm25", baseline_searcher(synthetic)),
    ]
    for kb_name, engine, searcher in rows:
        result = score(searcher, cases)
        timings = latencies_ms(searcher, questions)
        print(
            f"{kb_name:<16}{engine:<12}{result.top1_accuracy:>8.1%}{result.decline_rate:>10.1%}"
            f"{median(timings):>11.3f}{percentile(timings, 0.99):>9.3f}"
        )
        if args.show_misses and engine == "advisor":
            for question, expected, got in result.misses:
                print(f"    miss: {question!r} expected {expected} got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
