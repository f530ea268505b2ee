"""Measured accuracy on the held-out test split must not fall below what the README reports.

The floors are the figures measured when the thresholds were last tuned (on the dev split only),
rounded down; they guard against regressions. The product targets (core ≥ 95 %, wrong ≤ 1 %,
declined ≥ 97 %) are tracked in the README.
"""

from __future__ import annotations

import json

from bot.config import PROJECT_ROOT
from bot.engine import Engine
from bot.evaluation import baseline, load_cases, measure, run_engine

DATA = PROJECT_ROOT / "tests" / "data"


def test_test_split_is_not_copied_into_the_knowledge(engine: Engine) -> None:
    known = {engine.normalise(e) for i in engine.snapshot.intents.values() for e in i.examples}
    known |= {engine.normalise(e) for e in engine.snapshot.out_of_scope.examples}
    for name in ("test.jsonl",):
        rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
        copied = [r["text"] for r in rows if engine.normalise(r["text"]) in known]
        assert copied == [], f"{name} questions found in the knowledge: {copied[:5]}"


def test_splits_do_not_overlap() -> None:
    dev = {
        json.loads(line)["text"] for line in (DATA / "dev.jsonl").read_text("utf-8").splitlines()
    }
    test = {
        json.loads(line)["text"] for line in (DATA / "test.jsonl").read_text("utf-8").splitlines()
    }
    assert len(dev) >= 250 and len(test) >= 250
    assert not dev & test


def test_test_split_accuracy_floors(engine: Engine) -> None:
    cases = load_cases(DATA / "test.jsonl")
    ours = measure(run_engine(engine, cases))
    plain = measure([baseline(engine, 80.0)(c) for c in cases])
    assert ours.core_accuracy >= CORE_FLOOR
    assert ours.wrong_rate <= WRONG_CEILING
    assert ours.oos_declined >= DECLINED_FLOOR
    assert ours.overall > plain.overall  # better than a plain rapidfuzz classifier


CORE_FLOOR = 0.84
WRONG_CEILING = 0.03
DECLINED_FLOOR = 0.89
