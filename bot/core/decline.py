"""The fitted models: whether a message is one the knowledge base answers, and which topic its words mean.

The decline model has two small fitted parts. A bag-of-words logistic regression ("wording") reads who is asking and about
what: "my claim got denied" is a patient, "best hvac certification" another trade, "cpc cost" ours.
Gradient-boosted decision trees then weigh it with the evidence the search already computes (how
much of the message the best topic's words cover, how close it is to a moderator's phrasing, how far
ahead of the runner-up it is, how much of the message is unknown, out of scope or the field's
jargon). Both were fitted by benchmarks/fit_decline.py on the blind tuning sets, the topics' own
phrasings and off-topic examples; here only their numbers are loaded, from decline_model.json.
The same file holds the topic word model (TopicWords), a ranking signal fitted on the same messages.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("decline_model.json")


@dataclass(frozen=True)
class Tree:
    """One regression tree as parallel arrays; a node whose `left` is -1 is a leaf with `value`."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, x: Sequence[float]) -> float:
        """The leaf value for the feature values `x`, in the model's feature order."""
        node = 0
        while self.left[node] != -1:
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class Wording:
    """A logistic regression over the words of a message (see Analyzer.wording_tokens): P(on-topic)."""

    intercept: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)

    def probability(self, tokens: Iterable[str]) -> float:
        """P(the message is about a medical-coding career), from its word tokens."""
        z = self.intercept + sum(self.weights.get(token, 0.0) for token in set(tokens))
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass(frozen=True)
class TopicWords:
    """A multinomial logistic regression over a message's word tokens: which topic it asks about.

    Fitted on the topics' phrasings and the blind tuning messages, so it knows how students word
    what each topic answers ("can i make 60k my first year" is starting pay). It knows the topics
    it was fitted with, by id; the search leaves it out for a question whose candidates include a
    topic it does not know (one a moderator added since)."""

    topics: tuple[str, ...] = ()
    intercepts: tuple[float, ...] = ()
    # token -> (topic numbers, weights): two arrays a token, so a cached index loads quickly
    weights: Mapping[str, tuple[array[int], array[float]]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TopicWords:
        """The model from its JSON form: topics, intercepts, and token -> [[topic index, weight], ...]."""
        return cls(
            tuple(str(t) for t in data["topics"]),
            tuple(float(v) for v in data["intercepts"]),
            {
                str(token): (array("H", (int(t) for t, _ in pairs)), array("d", (float(w) for _, w in pairs)))
                for token, pairs in data["weights"].items()
            },
        )

    def _dense_row(self, token: str) -> tuple[float, ...] | None:
        """A token's weight for every topic (0.0 where it has none), made on first use and kept."""
        rows = self.__dict__.setdefault("_rows", {})
        row = rows.get(token)
        if row is None and (found := self.weights.get(token)) is not None:
            dense = [0.0] * len(self.topics)
            for topic, weight in zip(*found, strict=True):
                dense[topic] = weight
            row = rows[token] = tuple(dense)
        return row

    def __getstate__(self) -> dict[str, Any]:
        # Kept in the knowledge cache without what questions filled in (the dense rows, `known`).
        return {name: value for name, value in self.__dict__.items() if name not in ("_rows", "known")}

    @cached_property
    def known(self) -> frozenset[str]:
        """The topics it was fitted with."""
        return frozenset(self.topics)

    def probabilities(self, tokens: Iterable[str]) -> dict[str, float]:
        """P(topic | message) for every topic it knows; {} when it was not fitted."""
        if not self.topics:
            return {}
        rows = [row for row in map(self._dense_row, set(tokens)) if row is not None]
        # Every topic's sum in one pass over the columns: a long message's 50 tokens cost 67 sums.
        z = list(map(sum, zip(self.intercepts, *rows, strict=True)))
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return {topic: value / total for topic, value in zip(self.topics, exp, strict=True)}


@dataclass(frozen=True)
class DeclineModel:
    """The fitted decline model: a probability that the best topic answers a message, and the threshold to answer."""

    features: tuple[str, ...]
    trees: tuple[Tree, ...]
    learning_rate: float
    init: float  # log-odds before any tree
    threshold: float  # answer when the probability is at least this
    # The feature "wording" (unfitted: 0.5 for every message), and a ranking signal (unfitted: none).
    wording: Wording = field(default_factory=Wording)
    topic_words: TopicWords = field(default_factory=TopicWords)

    def probability(self, values: Mapping[str, float]) -> float:
        """P(the best topic answers the message), from the named feature values."""
        x = [values[name] for name in self.features]
        leaves = self.__dict__.get("_leaves")  # the trees compiled by warm(), if they were
        total = sum(leaves(x)) if leaves else sum(tree.predict(x) for tree in self.trees)
        z = self.init + self.learning_rate * total
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))

    def warm(self) -> DeclineModel:
        """Compile the trees into one function (about 10 ms, once) for a process that will answer
        many messages: each then reads them about four times faster. Returns itself."""
        if "_leaves" not in self.__dict__:
            object.__setattr__(self, "_leaves", _compiled(self.trees, len(self.features)))
        return self

    def __getstate__(self) -> dict[str, Any]:
        # Kept in the knowledge cache without the compiled trees: code, which pickle cannot keep.
        return {name: value for name, value in self.__dict__.items() if name != "_leaves"}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeclineModel:
        """The model from its JSON form (decline_model.json, written by benchmarks/fit_decline.py)."""
        trees = tuple(
            Tree(
                tuple(int(v) for v in t["feature"]),
                tuple(float(v) for v in t["threshold"]),
                tuple(int(v) for v in t["left"]),
                tuple(int(v) for v in t["right"]),
                tuple(float(v) for v in t["value"]),
            )
            for t in data["trees"]
        )
        return cls(
            features=tuple(str(n) for n in data["features"]),
            trees=trees,
            learning_rate=float(data["learning_rate"]),
            init=float(data["init"]),
            threshold=float(data["threshold"]),
            wording=Wording(
                float(data["wording"]["intercept"]),
                {str(k): float(v) for k, v in data["wording"]["weights"].items()},
            )
            if "wording" in data
            else Wording(),
            topic_words=TopicWords.from_dict(data["topic_words"]) if "topic_words" in data else TopicWords(),
        )


COMPILED_DEPTH_MAX = 40  # deeper trees are walked node by node (Python's parser nests only so far)
# Trees compiled together: compiling all 150 at once held 5 MB at its peak, which the process kept.
TREES_PER_FUNCTION = 10


def _compiled(trees: Sequence[Tree], width: int) -> Callable[[Sequence[float]], tuple[float, ...]] | None:
    """One function giving every tree's leaf value for the feature values `x`, as Tree.predict
    does: each tree written out as nested conditional expressions on the features, thresholds and
    values as literals (repr writes a float back exactly). None for trees it cannot write out."""

    def tree_expression(tree: Tree, node: int, depth: int) -> str:
        if depth > COMPILED_DEPTH_MAX:
            raise ValueError("too deep")
        if tree.left[node] == -1:
            return _literal(tree.value[node])
        if not 0 <= tree.feature[node] < width:
            raise ValueError("no such feature")
        below = tree_expression(tree, tree.left[node], depth + 1)
        above = tree_expression(tree, tree.right[node], depth + 1)
        return f"({below} if x{tree.feature[node]} <= {_literal(tree.threshold[node])} else {above})"

    names = "".join(f"x{i}, " for i in range(width))
    parts: dict[str, Any] = {}
    try:
        for start in range(0, len(trees), TREES_PER_FUNCTION):
            leaves = ", ".join(
                tree_expression(tree, 0, 0) for tree in trees[start : start + TREES_PER_FUNCTION]
            )
            parts[f"part{len(parts)}"] = _function(f"def f(x):\n    {names}= x\n    return ({leaves},)\n", {})
    except (ValueError, IndexError):
        return None
    return _function(f"def f(x):\n    return {' + '.join(f'{name}(x)' for name in parts) or '()'}\n", parts)


def _function(source: str, namespace: dict[str, Any]) -> Callable[[Sequence[float]], tuple[float, ...]]:
    """The function `f` that `source` defines (numbers only, see _literal, and the functions named)."""
    exec(compile(source, "<decline trees>", "exec"), namespace)
    function: Callable[[Sequence[float]], tuple[float, ...]] = namespace["f"]
    return function


def _literal(number: float) -> str:
    """A float as Python source that reads back as exactly the same float."""
    if not math.isfinite(number):
        raise ValueError("not a literal")
    return repr(float(number))


@lru_cache(maxsize=1)
def shipped_model() -> DeclineModel:
    """The model fitted for the shipped search, loaded once."""
    return DeclineModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
