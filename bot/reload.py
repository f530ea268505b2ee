"""Safe reload: validate, diff, replay, then swap; keep earlier engines for rollback."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.evaluation import Case, load_cases
from bot.knowledge.diff import KnowledgeDiff, diff
from bot.knowledge.snapshot import KnowledgeError
from bot.replay import Replay, replay
from bot.service import Service, build_engine

log = logging.getLogger(__name__)
SHOWN = 5  # changed questions listed per kind in a report


@dataclass(frozen=True)
class ReloadReport:
    """The outcome of one reload or rollback: the version now serving, and what changed."""

    ok: bool
    version: str
    previous: str
    intents: int = 0
    examples: int = 0
    facets: int = 0
    problems: tuple[str, ...] = field(default=())
    action: str = "reload"
    candidate: str = ""  # the version that was tried (differs from `version` when refused)
    forced: bool = False
    diff: KnowledgeDiff | None = None
    replay: Replay | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (also what a running bot leaves for `python -m bot reload`)."""
        return {
            "ok": self.ok,
            "action": self.action,
            "version": self.version,
            "previous": self.previous,
            "candidate": self.candidate,
            "forced": self.forced,
            "intents": self.intents,
            "examples": self.examples,
            "facets": self.facets,
            "problems": list(self.problems),
            "diff": self.diff.as_dict() if self.diff else None,
            "replay": self.replay.as_dict() if self.replay else None,
        }

    def render(self) -> str:
        """The report as text for an operator."""
        return describe(self.as_dict())


def _report(ok: bool, serving: Engine, previous: str, **details: Any) -> ReloadReport:
    intents = serving.snapshot.intents.values()
    return ReloadReport(
        ok,
        serving.version,
        previous,
        intents=len(intents),
        examples=sum(len(i.examples) for i in intents),
        facets=sum(len(i.facets) for i in intents),
        **details,
    )


class Reloader:
    """One reload or rollback at a time; the serving engine is replaced only by a vetted one."""

    def __init__(self, service: Service, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.history: deque[Engine] = deque(maxlen=max(1, settings.keep_snapshots))
        self._lock = asyncio.Lock()
        self._dev: dict[str, float] = {}  # dev accuracy per knowledge version

    @property
    def busy(self) -> bool:
        """Whether a reload is running now."""
        return self._lock.locked()

    async def reload(self, *, force: bool = False) -> ReloadReport:
        """Validate, diff and replay; swap unless invalid or (unforced) worse on the dev set."""
        async with self._lock:
            current = self.service.engine
            previous = current.version
            try:
                engine = await asyncio.to_thread(build_engine, self.settings)
            except KnowledgeError as exc:
                log.warning("reload refused: %d problem(s)", len(exc.problems))
                problems = tuple(str(p) for p in exc.problems)
                return _report(False, current, previous, problems=problems, forced=force)
            if engine.version == previous:
                return _report(True, current, previous, candidate=previous)
            changes = diff(current.snapshot, engine.snapshot)
            questions = await self._logged_questions()
            cases = self._dev_cases()
            replayed = await asyncio.to_thread(
                replay, current, engine, questions, cases, self._dev.get(previous)
            )
            if replayed.dev_before is not None and replayed.dev_after is not None:
                self._dev[previous], self._dev[engine.version] = (
                    replayed.dev_before,
                    replayed.dev_after,
                )
            if replayed.dev_dropped and not force:
                log.warning("reload refused: dev accuracy would drop (%s)", engine.version)
                return _report(
                    False,
                    current,
                    previous,
                    problems=(
                        f"dev-set accuracy would drop from {replayed.dev_before:.1%} to "
                        f"{replayed.dev_after:.1%}; fix the knowledge or reload with --force",
                    ),
                    candidate=engine.version,
                    diff=changes,
                    replay=replayed,
                )
            self.history.append(current)
            self.service.engine = engine  # questions in flight keep the engine they started with
            log.info("knowledge reloaded: %s → %s%s", previous, engine.version, " (forced)" * force)
            return _report(
                True,
                engine,
                previous,
                candidate=engine.version,
                forced=force,
                diff=changes,
                replay=replayed,
            )

    async def rollback(self) -> ReloadReport:
        """Serve the engine that served before the last reload (the files are not touched)."""
        async with self._lock:
            current = self.service.engine
            if not self.history:
                return _report(
                    False,
                    current,
                    current.version,
                    problems=("no earlier knowledge to return to",),
                    action="rollback",
                )
            earlier = self.history.pop()
            self.service.engine = earlier
            log.info("knowledge rolled back: %s → %s", current.version, earlier.version)
            return _report(
                True,
                earlier,
                current.version,
                action="rollback",
                candidate=earlier.version,
                diff=diff(current.snapshot, earlier.snapshot),
            )

    async def _logged_questions(self) -> list[str]:
        query_log = self.service.query_log
        if query_log is None or self.settings.replay_questions <= 0:
            return []
        try:
            rows = await query_log.recent(self.settings.replay_questions)
        except Exception:  # a reload must not depend on the log being readable
            log.exception("could not read logged questions for the replay")
            return []
        return [str(row["text"]) for row in rows if str(row["text"]).strip()]

    def _dev_cases(self) -> list[Case]:
        path = self.settings.dev_set
        if not path.is_file():
            log.warning("no dev set at %s; reloading without the accuracy check", path)
            return []
        return load_cases(path)


def _changes(title: str, changes: list[Mapping[str, str]]) -> list[str]:
    if not changes:
        return []
    lines = [f"  {title}: {len(changes)}"]
    lines += [f"    {c['text'][:40]}  {c['before']} → {c['after']}" for c in changes[:SHOWN]]
    return lines + (["    …"] if len(changes) > SHOWN else [])


def _diff_lines(d: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, title in (
        ("intents_added", "intents added"),
        ("intents_removed", "intents removed"),
        ("intents_changed", "intents changed"),
        ("facets_added", "facets added"),
        ("facets_removed", "facets removed"),
        ("sources_added", "sources added"),
        ("sources_removed", "sources removed"),
        ("sources_changed", "sources changed"),
        ("other", "also changed"),
    ):
        if d[key]:
            lines.append(f"  {title}: {', '.join(d[key])}")
    for key, sign in (("examples_added", "+"), ("examples_removed", "-")):
        for intent, examples in d[key].items():
            lines.append(f"  examples {sign}{len(examples)} {intent}: " + " | ".join(examples[:3]))
    return lines or ["  no content changes"]


def describe(report: Mapping[str, Any]) -> str:
    """A reload or rollback report (from `ReloadReport.as_dict`) as text for an operator."""
    action = report["action"]
    if report["ok"]:
        if report["version"] == report["previous"]:
            head = f"Knowledge unchanged (version {report['version']})."
        else:
            verb = "Rolled back" if action == "rollback" else "Reloaded"
            forced = " (forced)" if report.get("forced") else ""
            head = f"{verb}{forced}: version {report['previous']} → {report['version']}."
        head += (
            f" Serving {report['intents']} intents, {report['examples']} examples, "
            f"{report['facets']} facets."
        )
    else:
        head = f"{action.capitalize()} refused; still serving version {report['version']}."
    lines = [head, *(f"  {p}" for p in report["problems"])]
    if report.get("diff"):
        lines += ["Changes:", *_diff_lines(report["diff"])]
    replayed = report.get("replay")
    if replayed:
        lines.append(f"Replay of {replayed['questions']} logged question(s):")
        lines += _changes("switch intent", replayed["switched"])
        lines += _changes("newly answered", replayed["newly_answered"])
        lines += _changes("newly declined", replayed["newly_declined"])
        if replayed["dev_before"] is not None:
            lines.append(
                f"Dev set ({replayed['dev_questions']} questions): "
                f"{replayed['dev_before']:.1%} → {replayed['dev_after']:.1%} right"
            )
    if action == "rollback" and report["ok"]:
        lines.append("The files on disk are unchanged: the next reload loads them again.")
    return "\n".join(lines)
