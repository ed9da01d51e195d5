"""Fit the decline model (bot/core/decline_model.json): is a message one the knowledge base answers?

    python benchmarks/fit_decline.py [--write]

Needs the `dev` extra (scikit-learn). Examples, each a message, the features of the topic ranked first
and whether it is on-topic; and, for an on-topic one, whether answering with that topic is right:
- the blind TUNING sets (benchmarks/blind/tuning*.yaml, never test.yaml): right means the
  reply contains the fact asked for. The test half (test.yaml) is never read here.
- the topics' own phrasings, each held out of its topic (leave-one-out): right when its topic ranks first;
- benchmarks/calibration_off_topic.yaml (off-topic) and calibration_long_questions.yaml (right when
  its topic ranks first).
The model learns on-topic against off-topic, on the examples whose outcome answering decides: an
on-topic message whose best topic lacks the fact is a miss whether answered or declined, so it
teaches nothing about declining and is left out (it was the reason clear questions such as "ccs cost"
were declined). Two parts: a logistic regression over the message's words ("wording", its
out-of-fold probability a feature of the trees), then gradient-boosted trees (depth 3) over the
search's evidence and it, their number chosen by 5-fold cross-validation. The threshold is the one
that, on cross-validated probabilities, gets the tuning messages right most often while declining at
least MIN_DECLINE of all off-topic examples (the tuning sets' and the calibration set's). Prints what
it chose; --write saves it.

First, and used by everything above, the topic word model (TopicWords): a multinomial logistic
regression from a message's word tokens to its topic, on the topics' phrasings and the tuning
messages labelled with one topic, saved in the same file. Refit both after large knowledge edits.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.core.advisor import Advisor
from bot.core.decline import MODEL_FILE, DeclineModel, TopicWords
from bot.core.evaluation import load_blind, tuning_sets
from bot.core.figures import read_figures
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.replies import topic_reply
from bot.core.search import SearchIndex, build_index, topic_documents
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
    "jargon",
    "jargon_share",
    "named",
    "topic_words",
    "wording",  # the word model's probability, from SearchIndex.search (not Evidence.features)
)
EVIDENCE = FEATURES[:-1]
TUNING_SETS = tuple(path.name for path in tuning_sets(HERE / "blind"))  # never test.yaml
TUNING_WEIGHT = 3.0  # the tuning half is how students really write; the phrasings are tidier
MIN_DECLINE = 0.95
# Placeholder while fitting: every feature is read, nothing is decided.
UNFITTED = DeclineModel(FEATURES, (), 0.0, 0.0, 0.5)
TREE_COUNTS = (60, 100, 150)  # chosen by cross-validation
LEARNING_RATE = 0.1
WORDING_C = 0.5  # the word model's regularisation (inverse): few examples for many words
TOPIC_WORDS_C = 1.0  # the topic word model's: chosen leaving each tuning set out in turn
TOPIC_WORD_MIN = 0.02  # smaller weights are left out of the file: they move nothing


def features_of(index: SearchIndex, question: str) -> tuple[list[float], str | None]:
    ranked = index.ranked(clean_message(question))
    if not ranked:
        return [0.0] * len(EVIDENCE), None
    values = ranked[0].features(ranked[1] if len(ranked) > 1 else None)
    return [values[name] for name in EVIDENCE], index.documents[ranked[0].number].id


def examples(advisor: Advisor) -> tuple[list[list[float]], list[int], list[str], list[bool], list[str]]:
    """Rows, labels, where each came from, whether each is an off-topic message, and its text."""
    index = advisor.index
    rows: list[list[float]] = []
    labels: list[int] = []
    origin: list[str] = []
    off: list[bool] = []
    texts: list[str] = []

    def add(row: list[float], label: int, where: str, off_topic: bool = False, text: str = "") -> None:
        rows.append(row)
        labels.append(label)
        origin.append(where)
        off.append(off_topic)
        texts.append(text)

    for case in [case for name in TUNING_SETS for case in load_blind(HERE / "blind" / name)]:
        text = clean_message(case.question)
        if case.kind == "greeting" or is_greeting(text) or read_figures(text) is not None:
            continue
        row, top = features_of(index, case.question)
        if case.kind == "off-topic":
            add(row, 0, "tuning", True, text)
            continue
        shown = topic_reply(advisor.kb, top).plain_text() if top else ""
        right = top is not None and all(any(states(shown, a) for a in g) for g in case.must_contain)
        add(row, int(right), "tuning", text=text)

    documents = topic_documents(advisor.kb)
    for position, document in enumerate(documents):
        questions = advisor.kb.topics[document.id].questions
        for question in questions:
            rest = [q for q in questions if q != question] or [document.title]
            held_out = replace(
                document,
                fields={**document.fields, "questions": " ".join(rest)},
                examples=tuple(e for e in document.examples if e != question),
            )
            others = [*documents[:position], held_out, *documents[position + 1 :]]
            row, top = features_of(build_index(advisor.kb, others, advisor.index.decline), question)
            add(row, int(top == document.id), "phrasings", text=question)
    for question in yaml.safe_load((HERE / "calibration_off_topic.yaml").read_text(encoding="utf-8")):
        add(features_of(index, question)[0], 0, "off-topic", True, question)
    for item in yaml.safe_load((HERE / "calibration_long_questions.yaml").read_text(encoding="utf-8")):
        row, top = features_of(index, item["q"])
        add(row, int(top == item["expect"]), "long", text=item["q"])
    return rows, labels, origin, off, texts


def topic_words(advisor: Advisor) -> dict[str, Any]:
    """The topic word model (bot/core/decline.py TopicWords), fitted on the topics' phrasings and the
    tuning sets' on-topic messages that name one topic, as its JSON form."""
    analyzer = advisor.index.analyzer
    tokens: list[set[str]] = []
    topics: list[str] = []
    for topic in advisor.kb.topics.values():
        for text in (topic.title, *topic.questions, *topic.aliases):
            tokens.append(analyzer.wording_tokens(text))
            topics.append(topic.id)
    for case in [case for name in TUNING_SETS for case in load_blind(HERE / "blind" / name)]:
        text = clean_message(case.question)
        (topic,) = case.topics if len(case.topics) == 1 else (None,)
        if case.kind == "on-topic" and topic in advisor.kb.topics and read_figures(text) is None:
            tokens.append(analyzer.wording_tokens(text))
            topics.append(topic)
    vectorizer = CountVectorizer(analyzer=sorted, binary=True)
    model = LogisticRegression(C=TOPIC_WORDS_C, max_iter=3000).fit(vectorizer.fit_transform(tokens), topics)
    weights = {}
    for column, token in enumerate(vectorizer.get_feature_names_out()):
        pairs = [
            [row, round(float(w), 4)]
            for row, w in enumerate(model.coef_[:, column])
            if abs(w) >= TOPIC_WORD_MIN
        ]
        if pairs:
            weights[str(token)] = pairs
    return {
        "topics": [str(t) for t in model.classes_],
        "intercepts": [round(float(v), 4) for v in model.intercept_],
        "weights": weights,
    }


def _threshold(
    probability: np.ndarray, right: np.ndarray, tuning: np.ndarray, off_topic: np.ndarray
) -> tuple[float, float]:
    """(right share of the tuning messages, threshold): the best that still declines MIN_DECLINE of off-topic."""
    best = (0.0, 0.5)
    for threshold in np.arange(0.05, 1.0, 0.01):
        answer = probability >= threshold
        declined = (~answer[off_topic]).mean()
        scored = np.where(off_topic, ~answer, answer & (right == 1))[tuning].mean()
        if declined >= MIN_DECLINE and scored > best[0]:
            best = (float(scored), float(threshold))
    return best


def _word_model(tokens: list[set[str]], on_topic: np.ndarray, weight: np.ndarray) -> tuple[Any, Any]:
    """The wording model fitted on these examples: (vectorizer, logistic regression)."""
    vectorizer = CountVectorizer(analyzer=sorted, binary=True, min_df=2)
    model = LogisticRegression(C=WORDING_C, max_iter=2000, class_weight="balanced")
    model.fit(vectorizer.fit_transform(tokens), on_topic, sample_weight=weight)
    return vectorizer, model


def _wording_out_of_fold(
    tokens: list[set[str]], on_topic: np.ndarray, weight: np.ndarray, folds: StratifiedKFold
) -> np.ndarray:
    """Each example's wording probability from a word model that never saw it: what the trees learn
    to trust is how it does on messages it was not fitted on."""
    out = np.zeros(len(tokens))
    for train, test in folds.split(tokens, on_topic):
        vectorizer, model = _word_model([tokens[i] for i in train], on_topic[train], weight[train])
        out[test] = model.predict_proba(vectorizer.transform([tokens[i] for i in test]))[:, 1]
    return out


def _trees(model: GradientBoostingClassifier) -> list[dict[str, list[float] | list[int]]]:
    """Each fitted tree as the parallel arrays bot/core/decline.py walks."""
    out = []
    for (estimator,) in model.estimators_:
        tree = estimator.tree_
        out.append(
            {
                "feature": [int(f) for f in tree.feature],
                "threshold": [float(t) for t in tree.threshold],  # exact: a feature may sit near one
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

    knowledge = load_knowledge(default_knowledge_dir())
    ranking = topic_words(Advisor(knowledge, UNFITTED))
    advisor = Advisor(knowledge, replace(UNFITTED, topic_words=TopicWords.from_dict(ranking)))
    rows, labels, origin, off, texts = examples(advisor)
    tokens = [advisor.index.analyzer.wording_tokens(clean_message(text)) for text in texts]
    right, off_topic = np.array(labels), np.array(off)
    on_topic = (~off_topic).astype(int)
    weight = np.array([TUNING_WEIGHT if o == "tuning" else 1.0 for o in origin])
    tuning = np.array([o == "tuning" for o in origin])
    folds = StratifiedKFold(5, shuffle=True, random_state=7)
    x = np.column_stack([np.array(rows), _wording_out_of_fold(tokens, on_topic, weight, folds)])
    x = x.astype(np.float32).astype(np.float64)  # the trees compare in float32: export what they saw
    taught = off_topic | (right == 1)  # the examples whose outcome answering decides
    chosen: tuple[float, float, int] = (0.0, 0.5, TREE_COUNTS[0])
    for count in TREE_COUNTS:
        probability = np.zeros(len(x))
        for train, test in folds.split(x, on_topic * 2 + taught):
            fit_on = train[taught[train]]
            booster = _booster(count).fit(x[fit_on], on_topic[fit_on], sample_weight=weight[fit_on])
            probability[test] = booster.predict_proba(x[test])[:, 1]
        scored, threshold = _threshold(probability, right, tuning, off_topic)
        print(
            f"{count} trees: cross-validated decisions right on {scored:.1%} of the tuning messages at {threshold:.2f}"
        )
        if scored > chosen[0]:
            chosen = (scored, threshold, count)
    model = _booster(chosen[2]).fit(x[taught], on_topic[taught], sample_weight=weight[taught])
    vectorizer, words_model = _word_model(tokens, on_topic, weight)
    prior = float(model.init_.class_prior_[1])
    data = {
        "about": "Fitted by benchmarks/fit_decline.py: gradient-boosted trees; probability = "
        "sigmoid(init + learning_rate * sum of the trees' leaf values). Their feature `wording` is "
        "sigmoid(intercept + the weights of the message's word tokens).",
        "features": list(FEATURES),
        "learning_rate": LEARNING_RATE,
        "init": round(math.log(prior / (1 - prior)), 6),
        "threshold": round(chosen[1], 2),
        "fitted_on": {name: origin.count(name) for name in dict.fromkeys(origin)},
        "topic_words": ranking,
        "wording": {
            "intercept": round(float(words_model.intercept_[0]), 6),
            "weights": {
                token: round(float(w), 4)
                for token, w in zip(vectorizer.get_feature_names_out(), words_model.coef_[0], strict=True)
                if round(float(w), 4)
            },
        },
        "trees": _trees(model),
    }
    fitted = DeclineModel.from_dict(data)
    ours = np.array([fitted.probability(dict(zip(FEATURES, row, strict=True))) for row in x])
    assert np.allclose(ours, model.predict_proba(x)[:, 1], atol=1e-4), (
        "the exported trees disagree with the fit"
    )
    said = np.array([fitted.wording.probability(t) for t in tokens])
    assert np.allclose(said, words_model.predict_proba(vectorizer.transform(tokens))[:, 1], atol=1e-3), (
        "the exported word model disagrees with the fit"
    )
    print(
        f"examples: {data['fitted_on']}; on-topic {int(on_topic.sum())} of {len(x)}, {int(taught.sum())} taught"
    )
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
