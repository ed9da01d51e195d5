"""The fitted decline model: whether the best topic really answers a message, as a probability.

A logistic regression over the evidence the search already computes (how much of the message the
topic's words cover, how close it is to a moderator's phrasing, how far ahead of the runner-up it
is, how much of the message is unknown or out of scope). It was fitted by benchmarks/fit_decline.py
on the blind set's tuning half, the topics' own phrasings and off-topic examples; here only its
numbers are loaded, from decline_model.json beside this file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("decline_model.json")


@dataclass(frozen=True)
class DeclineModel:
    """The fitted decline model: a probability that the best topic answers a message, and the threshold to answer."""

    features: tuple[str, ...]
    weights: tuple[float, ...]  # per feature, on standardised values
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float  # answer when the probability is at least this

    def probability(self, values: Mapping[str, float]) -> float:
        """P(the best topic answers the message), from the named feature values."""
        z = self.bias + sum(
            w * (values[name] - m) / s
            for name, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True)
        )
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> DeclineModel:
        """The model from its JSON form (decline_model.json, written by benchmarks/fit_decline.py)."""

        def floats(key: str) -> tuple[float, ...]:
            values = data[key]
            assert isinstance(values, Sequence)
            return tuple(float(v) for v in values)

        names = data["features"]
        assert isinstance(names, Sequence)
        return cls(
            features=tuple(str(n) for n in names),
            weights=floats("weights"),
            bias=float(str(data["bias"])),
            mean=floats("mean"),
            scale=floats("scale"),
            threshold=float(str(data["threshold"])),
        )


@lru_cache(maxsize=1)
def shipped_model() -> DeclineModel:
    """The model fitted for the shipped search, loaded once."""
    return DeclineModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
