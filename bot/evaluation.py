"""Honest measurement on a labelled split, against a plain rapidfuzz baseline."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.config import Thresholds
from bot.engine import Engine
from bot.understanding.decide import Decision

CORE = (
    "childcare_subsidy",
    "sibling_kindergarten",
    "elevator_retrofit",
    "dibao",
    "employment_social_security_points",
)
NOT_TOPICS = ("decline", "smalltalk", "urgent")


@dataclass(frozen=True)
class Case:
    """One labelled question."""

    text: str
    expect: str
    kind: str
    facet: str | None = None
    context: str | None = None
    also: tuple[str, ...] = ()

    @property
    def is_topic(self) -> bool:
        """Whether the bot should answer a topic."""
        return self.expect not in NOT_TOPICS


@dataclass(frozen=True)
class Outcome:
    """What a system did with one case: its label is an intent id or a decision."""

    case: Case
    decision: str
    intent: str | None
    facet: str | None = None

    @property
    def label(self) -> str:
        """The intent when answering, else the decision."""
        return self.intent if self.decision == "answer" and self.intent else self.decision

    @property
    def correct(self) -> bool:
        """Whether it did what the label asks."""
        if self.case.is_topic:
            return self.decision == "answer" and self.intent in (self.case.expect, *self.case.also)
        return self.decision == self.case.expect

    @property
    def wrong(self) -> bool:
        """A confident wrong answer: wrong intent, or an answer where none was due."""
        return self.decision == "answer" and not self.correct


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL split."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(
                    row["text"],
                    row["expect"],
                    row.get("kind", ""),
                    row.get("facet"),
                    row.get("context"),
                    tuple(row.get("also") or ()),
                )
            )
    return cases


def run_engine(engine: Engine, cases: Iterable[Case]) -> list[Outcome]:
    """The engine's outcome on every case."""
    out = []
    for case in cases:
        answer = engine.ask(case.text, context=case.context)
        out.append(Outcome(case, answer.decision.value, answer.intent, answer.facet))
    return out


def baseline(engine: Engine, threshold: float) -> Callable[[Case], Outcome]:
    """Plain rapidfuzz: the intent of the best WRatio example, answered above `threshold`."""
    examples = [
        (engine.normalise(e), i.id) for i in engine.snapshot.intents.values() for e in i.examples
    ]
    texts = [text for text, _ in examples]

    def classify(case: Case) -> Outcome:
        best = process.extractOne(engine.normalise(case.text), texts, scorer=fuzz.WRatio)
        if best is None or best[1] < threshold:
            return Outcome(case, Decision.DECLINE.value, None)
        return Outcome(case, Decision.ANSWER.value, examples[best[2]][1])

    return classify


@dataclass
class Metrics:
    """The figures the README reports."""

    total: int
    core_accuracy: float
    topic_accuracy: float
    wrong_rate: float
    oos_declined: float
    facet_accuracy: float
    overall: float
    per_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    per_intent: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    confusion: dict[str, Counter[str]] = field(default_factory=dict)


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def measure(outcomes: list[Outcome]) -> Metrics:
    """Accuracy, wrong answers, declines, per-kind and per-intent figures, confusion."""
    core = [o for o in outcomes if o.case.expect in CORE]
    topics = [o for o in outcomes if o.case.is_topic]
    oos = [o for o in outcomes if o.case.expect == "decline"]
    faceted = [o for o in topics if o.correct and o.case.facet]
    per_kind: dict[str, tuple[int, int]] = {}
    for kind in sorted({o.case.kind for o in outcomes}):
        group = [o for o in outcomes if o.case.kind == kind]
        per_kind[kind] = (sum(o.correct for o in group), len(group))
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        confusion[o.case.expect][o.label] += 1
    per_intent = {}
    for intent in sorted(
        {o.case.expect for o in topics} | {o.intent for o in outcomes if o.intent}
    ):
        predicted = [o for o in outcomes if o.decision == "answer" and o.intent == intent]
        actual = [o for o in outcomes if o.case.expect == intent]
        precision = _share(sum(o.correct for o in predicted), len(predicted))
        recall = _share(sum(o.correct for o in actual), len(actual))
        per_intent[intent] = (precision, recall, len(actual))
    return Metrics(
        total=len(outcomes),
        core_accuracy=_share(sum(o.correct for o in core), len(core)),
        topic_accuracy=_share(sum(o.correct for o in topics), len(topics)),
        wrong_rate=_share(sum(o.wrong for o in outcomes), len(outcomes)),
        oos_declined=_share(sum(o.correct for o in oos), len(oos)),
        facet_accuracy=_share(sum(o.facet == o.case.facet for o in faceted), len(faceted)),
        overall=_share(sum(o.correct for o in outcomes), len(outcomes)),
        per_kind=per_kind,
        per_intent=per_intent,
        confusion=dict(confusion),
    )


def summary_rows(name: str, m: Metrics) -> list[str]:
    """One table row per system."""
    return [
        f"| {name} | {m.core_accuracy:.1%} | {m.topic_accuracy:.1%} | {m.wrong_rate:.1%} | "
        f"{m.oos_declined:.1%} | {m.facet_accuracy:.1%} | {m.overall:.1%} |"
    ]


def report(path: Path, engine: Engine, baseline_threshold: float) -> tuple[str, Metrics]:
    """The full evaluation text for one split, and the engine's metrics."""
    cases = load_cases(path)
    ours = run_engine(engine, cases)
    plain = [baseline(engine, baseline_threshold)(c) for c in cases]
    m, b = measure(ours), measure(plain)
    lines = [
        f"Evaluation on {path} ({m.total} questions)",
        "",
        "| system | core right | all topics right | wrong answers | out-of-scope declined "
        "| facet right | overall |",
        "|---|---|---|---|---|---|---|",
        *summary_rows("this engine", m),
        *summary_rows(f"rapidfuzz WRatio baseline (≥{baseline_threshold:g})", b),
        "",
        "Per kind (this engine): right / total",
        *(
            f"  {kind:<14} {ok:>4} / {n:<4} {_share(ok, n):.0%}"
            for kind, (ok, n) in m.per_kind.items()
        ),
        "",
        "Per intent (this engine): precision / recall / questions",
        *(f"  {i:<36} {p:.0%} / {r:.0%} / {n}" for i, (p, r, n) in m.per_intent.items()),
        "",
        "Confusion (expected → what the engine did)",
        *(
            f"  {exp:<36} " + ", ".join(f"{lab}:{n}" for lab, n in got.most_common())
            for exp, got in sorted(m.confusion.items())
        ),
        "",
        "Errors",
        *(
            f"  [{o.case.kind}] {o.case.text[:60]!r} expected {o.case.expect} got {o.label}"
            for o in ours
            if not o.correct
        ),
    ]
    return "\n".join(lines), m


TUNING_GRID: dict[str, tuple[float, ...]] = {
    "answer": (0.55, 0.62),
    "clarify": (0.35, 0.45),
    "margin": (0.0, 0.06),
    "lead_floor": (0.25, 0.3),
    "lead_gap": (0.1, 0.15, 0.2, 0.25),
    "min_vote": (0.1, 0.12, 0.14),
    "named_min_vote": (0.0, 0.1, 0.15, 0.2),
}
MAX_WRONG = 0.008  # tuning keeps wrong answers on the dev split below this


def tune(engine: Engine, cases: list[Case]) -> list[tuple[float, Thresholds, Metrics]]:
    """Every threshold combination on the grid, best first (never run this on the test split)."""
    import itertools

    results = []
    keys = list(TUNING_GRID)
    for values in itertools.product(*TUNING_GRID.values()):
        limits = Thresholds(**dict(zip(keys, values, strict=True)))
        if limits.clarify > limits.answer:
            continue
        engine.thresholds = limits
        m = measure(run_engine(engine, cases))
        objective = m.core_accuracy + m.oos_declined - 10 * max(0.0, m.wrong_rate - MAX_WRONG)
        results.append((objective, limits, m))
    results.sort(key=lambda r: -r[0])
    return results
