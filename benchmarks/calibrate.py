"""How well the ranking separates topics, from the knowledge base's own phrasings.

    python benchmarks/calibrate.py

1. Leave-one-out over the knowledge base's own phrasings: each example question is taken out of its
   topic and asked against the rest. This scores how well the ranking separates topics (and, for
   moderators, which phrasings collide); it chose W_* in bot/core/search.py, which a grid on the
   blind tuning half left as they were (2026-11-30).
2. Declines: the share of those held-out questions answered correctly, and of
   benchmarks/calibration_off_topic.yaml declined, with the fitted decline model
   (benchmarks/fit_decline.py chooses it).
3. Long messages: benchmarks/calibration_long_questions.yaml (90 rambling questions with backstory).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

from bot.core.advisor import Advisor
from bot.core.search import build_index, topic_documents

HERE = Path(__file__).parent


def main() -> int:
    advisor = Advisor.from_directory()
    documents = topic_documents(advisor.kb)
    ranked = answered = asked = 0
    collisions: Counter[tuple[str, str]] = Counter()
    for position, document in enumerate(documents):
        questions = advisor.kb.topics[document.id].questions
        for question in questions:
            rest = [q for q in questions if q != question]
            held_out = replace(
                document,
                fields={**document.fields, "questions": " ".join(rest)},
                examples=tuple(e for e in document.examples if e != question),
            )
            index = build_index(advisor.kb, [*documents[:position], held_out, *documents[position + 1 :]])
            result = index.search(question)
            asked += 1
            top = result.matches[0].id if result.matches else None
            if top == document.id:
                ranked += 1
                answered += result.answered
            elif top is not None:
                collisions[(document.id, top)] += 1
    off_topic = yaml.safe_load((HERE / "calibration_off_topic.yaml").read_text(encoding="utf-8"))
    declined = sum(not advisor.ask(q).result.answered for q in off_topic)
    long_questions = yaml.safe_load((HERE / "calibration_long_questions.yaml").read_text(encoding="utf-8"))
    long_results = [(advisor.ask(item["q"]).result, item["expect"]) for item in long_questions]
    long_ranked = sum(bool(r.matches) and r.matches[0].id == expect for r, expect in long_results)
    long_answered = sum(r.best is not None and r.best.id == expect for r, expect in long_results)
    print(f"leave-one-out over {asked} example phrasings of {len(documents)} topics:")
    print(f"  ranked first {ranked / asked:.1%}; answered correctly (confident) {answered / asked:.1%}")
    print(f"off-topic calibration: {declined}/{len(off_topic)} declined ({declined / len(off_topic):.1%})")
    print(
        f"long questions: ranked first {long_ranked / len(long_results):.1%}, "
        f"answered correctly {long_answered / len(long_results):.1%} of {len(long_results)}"
    )
    print("topics whose phrasings collide most (held-out topic -> topic ranked first):")
    for (source, target), count in collisions.most_common(10):
        print(f"  {count:>3}  {source} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
