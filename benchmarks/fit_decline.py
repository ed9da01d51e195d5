"""Fit the decline model (bot/core/decline_model.json): when is the best topic really the answer?

    python benchmarks/fit_decline.py [--write]

Needs the `dev` extra (scikit-learn). Examples, each the features of the topic ranked first and a
label (1: answering with it is right):
- the blind set's TUNING half and set C (benchmarks/blind/tuning.yaml, tuning-c.yaml): right means
  the reply contains the fact asked for; off-topic messages are 0. The test half is never read here.
- the topics' own phrasings, each held out of its topic (leave-one-out): 1 when its topic ranks first;
- benchmarks/calibration_off_topic.yaml (0) and calibration_long_questions.yaml (1 when ranked first).
Gradient-boosted trees (depth 3) with their number chosen by 5-fold cross-validation; the threshold is
the one that, on cross-validated probabilities of the tuning messages, is right most often while
declining at least MIN_DECLINE of all off-topic examples (the tuning sets' and the calibration set's). Prints what it chose; --write saves it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.core.advisor import Advisor
from bot.core.decline import MODEL_FILE, DeclineModel
from bot.core.evaluation import load_blind
from bot.core.figures import read_figures
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.replies import topic_reply
from bot.core.search import Document, SearchIndex, build_index, topic_documents
from bot.core.text import clean_message, is_greeting, states

HERE = Path(__file__).parent
FEATURES = (
    "head",
    "coverage",
    "similarity",
    "likelihood",
    "margin",
    "relevance",
    "unknown",
    "out_of_scope",
    "log_groups",
    "coverage_x_similarity",
    "head_x_likelihood",
    "alone",
    "known",
    "specific",
)
TUNING_SETS = ("tuning.yaml", "tuning-c.yaml")  # never test.yaml
TUNING_WEIGHT = 3.0  # the tuning half is how students really write; the phrasings are tidier
MIN_DECLINE = 0.95
# Placeholder while fitting: every feature is read, nothing is decided.
UNFITTED = DeclineModel(FEATURES, (), 0.0, 0.0, 0.5)
TREE_COUNTS = (60, 100, 150)  # chosen by cross-validation
LEARNING_RATE = 0.1


def features_of(index: SearchIndex, question: str) -> tuple[list[float], str | None]:
    ranked = index.ranked(clean_message(question))
    if not ranked:
        return [0.0] * (len(FEATURES) - 1) + [0.0], None
    values = ranked[0].features(ranked[1] if len(ranked) > 1 else None)
    return [values[name] for name in FEATURES], index.documents[ranked[0].number].id


def examples(advisor: Advisor) -> tuple[list[list[float]], list[int], list[str], list[bool]]:
    """Rows, labels, where each came from, and whether it is an off-topic row of the tuning half."""
    index = advisor.index
    rows: list[list[float]] = []
    labels: list[int] = []
    origin: list[str] = []
    off: list[bool] = []

    def add(row: list[float], label: int, where: str, off_topic: bool = False) -> None:
        rows.append(row)
        labels.append(label)
        origin.append(where)
        off.append(off_topic)

    for case in [case for name in TUNING_SETS for case in load_blind(HERE / "blind" / name)]:
        text = clean_message(case.question)
        if case.kind == "greeting" or is_greeting(text) or read_figures(text) is not None:
            continue
        row, top = features_of(index, case.question)
        if case.kind == "off-topic":
            add(row, 0, "tuning", True)
            continue
        shown = topic_reply(advisor.kb, top).plain_text() if top else ""
        right = top is not None and all(any(states(shown, a) for a in g) for g in case.must_contain)
        add(row, int(right), "tuning")

    documents = topic_documents(advisor.kb)
    for position, document in enumerate(documents):
        questions = advisor.kb.topics[document.id].questions
        for question in questions:
            rest = [q for q in questions if q != question] or [document.title]
            held_out = Document(
                document.id,
                document.title,
                {**document.fields, "questions": " ".join(rest)},
                tuple(e for e in document.examples if e != question),
            )
            others = [*documents[:position], held_out, *documents[position + 1 :]]
            row, top = features_of(build_index(advisor.kb, others, UNFITTED), question)
            add(row, int(top == document.id), "phrasings")
    for question in yaml.safe_load((HERE / "calibration_off_topic.yaml").read_text(encoding="utf-8")):
        add(features_of(index, question)[0], 0, "off-topic", True)
    for item in yaml.safe_load((HERE / "calibration_long_questions.yaml").read_text(encoding="utf-8")):
        row, top = features_of(index, item["q"])
        add(row, int(top == item["expect"]), "long")
    return rows, labels, origin, off


def _threshold(
    probability: np.ndarray, y: np.ndarray, tuning: np.ndarray, off_topic: np.ndarray
) -> tuple[float, float]:
    """(right share of the tuning messages, threshold): the best that still declines MIN_DECLINE of off-topic."""
    best = (0.0, 0.5)
    for threshold in np.arange(0.2, 0.9, 0.01):
        answer = probability >= threshold
        declined = (~answer[off_topic]).mean()
        right = np.where(y[tuning] == 1, answer[tuning], ~answer[tuning]).mean()
        if declined >= MIN_DECLINE and right > best[0]:
            best = (float(right), float(threshold))
    return best


def _trees(model: GradientBoostingClassifier) -> list[dict[str, list[float] | list[int]]]:
    """Each fitted tree as the parallel arrays bot/core/decline.py walks."""
    out = []
    for (estimator,) in model.estimators_:
        tree = estimator.tree_
        out.append(
            {
                "feature": [int(f) for f in tree.feature],
                "threshold": [round(float(t), 6) for t in tree.threshold],
                "left": [int(n) for n in tree.children_left],
                "right": [int(n) for n in tree.children_right],
                "value": [round(float(v), 6) for v in tree.value[:, 0, 0]],
            }
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"save the model to {MODEL_FILE}")
    args = parser.parse_args()

    advisor = Advisor(load_knowledge(default_knowledge_dir()), UNFITTED)
    rows, labels, origin, off = examples(advisor)
    x, y = np.array(rows), np.array(labels)
    weight = np.array([TUNING_WEIGHT if o == "tuning" else 1.0 for o in origin])
    tuning, off_topic = np.array([o == "tuning" for o in origin]), np.array(off)
    folds = StratifiedKFold(5, shuffle=True, random_state=7)
    chosen: tuple[float, float, int] = (0.0, 0.5, TREE_COUNTS[0])
    for count in TREE_COUNTS:
        probability = cross_val_predict(
            _booster(count), x, y, cv=folds, method="predict_proba", params={"sample_weight": weight}
        )[:, 1]
        right, threshold = _threshold(probability, y, tuning, off_topic)
        print(
            f"{count} trees: cross-validated decisions right on {right:.1%} of the tuning messages at {threshold:.2f}"
        )
        if right > chosen[0]:
            chosen = (right, threshold, count)
    model = _booster(chosen[2]).fit(x, y, sample_weight=weight)
    prior = float(model.init_.class_prior_[1])
    data = {
        "about": "Fitted by benchmarks/fit_decline.py: gradient-boosted trees; probability = "
        "sigmoid(init + learning_rate * sum of the trees' leaf values).",
        "features": list(FEATURES),
        "learning_rate": LEARNING_RATE,
        "init": round(math.log(prior / (1 - prior)), 6),
        "threshold": round(chosen[1], 2),
        "fitted_on": {name: origin.count(name) for name in dict.fromkeys(origin)},
        "trees": _trees(model),
    }
    fitted = DeclineModel.from_dict(data)
    ours = np.array([fitted.probability(dict(zip(FEATURES, row, strict=True))) for row in rows])
    assert np.allclose(ours, model.predict_proba(x)[:, 1], atol=1e-4), (
        "the exported trees disagree with the fit"
    )
    print(f"examples: {data['fitted_on']}; positives {int(y.sum())} of {len(y)}")
    print(f"chose {chosen[2]} trees, threshold {chosen[1]:.2f} ({chosen[0]:.1%} right, cross-validated)")
    if args.write:
        MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    return 0


def _booster(count: int) -> GradientBoostingClassifier:
    return GradientBoostingClassifier(
        n_estimators=count, max_depth=3, learning_rate=LEARNING_RATE, subsample=0.8, random_state=0
    )


if __name__ == "__main__":
    sys.exit(main())
