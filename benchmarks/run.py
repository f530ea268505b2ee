"""Speed and memory benchmarks against the product's targets.

    python benchmarks/run.py          # prints a table; exit 1 if a target is missed

- warm latency per question, in-process, with the real knowledge (p50/p99 ≤ 5 ms); a
  question's latency is the median of its rounds, so one round interrupted by the machine
  does not count as the engine's (every single timing's p99 is printed too, without a target);
- warm latency with a synthetic knowledge base of 500 intents × 20 examples (p99 ≤ 20 ms);
- cold start of `python -m bot ask` with the index stored by an earlier run (≤ 2 s), and the
  first run after a knowledge change, which builds and stores it (no target);
- peak RSS of a process that loads the real knowledge and answers every labelled
  question (≤ 200 MB).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.knowledge.models import Facet, Intent, Lexicon, OutOfScope, Point, Source  # noqa: E402
from bot.knowledge.snapshot import Snapshot  # noqa: E402
from bot.service import build_engine  # noqa: E402

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处府"
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(engine: Engine, questions: list[str], rounds: int) -> list[list[float]]:
    """Milliseconds per round, per question."""
    for q in questions[:50]:
        engine.ask(q)  # warm caches
    times: list[list[float]] = [[] for _ in questions]
    for _ in range(rounds):
        for q, spent in zip(questions, times, strict=True):
            engine.normalise.forget()  # a repeated question would find its wording cached
            started = time.perf_counter()
            engine.ask(q)
            spent.append((time.perf_counter() - started) * 1000)
    return times


def per_question(times: list[list[float]]) -> list[float]:
    return [statistics.median(spent) for spent in times]


def labelled_questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (ROOT / "tests/data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["text"])
    return out


def synthetic_engine(intents: int, examples: int, rng: random.Random) -> Engine:
    def sentence() -> str:
        return "".join(rng.choice(COMMON) for _ in range(rng.randint(6, 18)))

    source = Source(id="synthetic", kind="notice", title="合成资料")
    facet = Facet(points=(Point(text="合成的说明。", cite=("synthetic",)),), as_of=dt.date.today())
    made = {
        f"topic_{i}": Intent(
            id=f"topic_{i}",
            title=f"话题{i}",
            keywords=(),
            examples=tuple(sentence() for _ in range(examples)),
            negatives=(),
            facets={"overview": facet},
        )
        for i in range(intents)
    }
    snapshot = Snapshot(
        "synthetic", made, {"synthetic": source}, Lexicon(), OutOfScope(), dt.datetime.now(dt.UTC)
    )
    return Engine(snapshot)


def cold_start() -> tuple[float, float]:
    """Seconds for `ask` in a new process: the first run after a knowledge change (the index is
    built and stored), and the median of three later runs (the stored index is loaded)."""
    with tempfile.TemporaryDirectory() as cache:
        runs = []
        for _ in range(4):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "ask", "--no-log", "低保怎么申请"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                env={**os.environ, "INDEX_CACHE_DIR": cache},
            )
            runs.append(time.perf_counter() - started)
    return runs[0], statistics.median(runs[1:])


def rss_child() -> None:
    engine = build_engine(Settings())
    for q in labelled_questions():
        engine.ask(q)
    # VmHWM is this process's own peak; ru_maxrss would include the parent it was forked from
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) / 1024)
            return
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> int:
    if sys.argv[1:] == ["--rss-child"]:
        rss_child()
        return 0
    rng = random.Random(11)
    real = build_engine(Settings())
    questions = labelled_questions()
    real_rounds = timed(real, questions, rounds=5)
    real_times = per_question(real_rounds)
    every_timing = [t for spent in real_rounds for t in spent]
    synthetic = synthetic_engine(500, 20, rng)
    synthetic_questions = [
        "".join(rng.choice(COMMON) for _ in range(rng.randint(4, 30))) for _ in range(300)
    ]
    synthetic_times = per_question(timed(synthetic, synthetic_questions, rounds=3))
    first, cold = cold_start()
    rss = float(
        subprocess.run(
            [sys.executable, __file__, "--rss-child"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    rows = [
        ("real knowledge p50 (ms)", percentile(real_times, 0.5), None),
        ("real knowledge p99 (ms)", percentile(real_times, 0.99), 5.0),
        ("real knowledge p99, every timing (ms)", percentile(every_timing, 0.99), None),
        ("500 intents × 20 examples p50 (ms)", percentile(synthetic_times, 0.5), None),
        ("500 intents × 20 examples p99 (ms)", percentile(synthetic_times, 0.99), 20.0),
        ("cold `ask` (s)", cold, 2.0),
        ("first `ask` after a knowledge change, building the index (s)", first, None),
        ("peak RSS (MB)", rss, 200.0),
    ]
    print("| measure | value | target |\n|---|---|---|")
    failed = False
    for name, value, target in rows:
        ok = target is None or value <= target
        failed |= not ok
        goal = "" if target is None else f"≤ {target:g}"
        print(f"| {name} | {value:.2f} | {goal}{'' if ok else ' MISSED'} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
