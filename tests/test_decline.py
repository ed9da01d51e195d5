"""The decline model's trees compiled for speed give exactly what walking them node by node gives."""

from __future__ import annotations

import math
import pickle
import random

from bot.core.decline import DeclineModel, Tree, shipped_model


def _walked(model: DeclineModel, values: dict[str, float]) -> float:
    """The probability from the trees walked node by node (Tree.predict): the reference."""
    x = [values[name] for name in model.features]
    z = model.init + model.learning_rate * sum(tree.predict(x) for tree in model.trees)
    return 1 / (1 + math.exp(-max(-60.0, min(60.0, z))))


def _values(model: DeclineModel, rng: random.Random) -> dict[str, float]:
    # Many values exactly at a threshold too: `<=` must go the same way.
    thresholds = [t for tree in model.trees for t in tree.threshold]
    return {
        name: rng.choice(thresholds) if rng.random() < 0.3 else rng.uniform(-1.0, 3.0)
        for name in model.features
    }


def test_compiled_trees_give_the_same_probability_to_the_last_bit() -> None:
    model = pickle.loads(pickle.dumps(shipped_model()))  # a copy: the shipped one stays as it is
    rng = random.Random(10)
    cases = [_values(model, rng) for _ in range(500)]
    walked = [_walked(model, values) for values in cases]
    assert [model.probability(values) for values in cases] == walked  # not warmed yet: walked
    assert model.warm() is model and model.__dict__.get("_leaves") is not None
    assert [model.probability(values) for values in cases] == walked


def test_a_warmed_model_is_kept_without_its_compiled_trees_and_still_answers() -> None:
    model = pickle.loads(pickle.dumps(shipped_model())).warm()
    restored = pickle.loads(pickle.dumps(model))
    assert "_leaves" not in restored.__dict__ and restored == model
    values = _values(model, random.Random(1))
    assert restored.probability(values) == model.probability(values)


def test_trees_that_cannot_be_written_out_are_walked() -> None:
    # An infinite threshold has no literal: warm() leaves the trees to be walked, with the same result.
    stump = Tree(
        feature=(0, -2, -2),
        threshold=(math.inf, -2.0, -2.0),
        left=(1, -1, -1),
        right=(2, -1, -1),
        value=(0.0, -1.5, 2.5),
    )
    model = DeclineModel(features=("a",), trees=(stump,), learning_rate=1.0, init=0.0, threshold=0.5).warm()
    assert model.__dict__["_leaves"] is None
    assert model.probability({"a": 1.0}) == _walked(model, {"a": 1.0}) == 1 / (1 + math.exp(1.5))
