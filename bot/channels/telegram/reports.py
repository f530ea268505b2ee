"""Reload, rollback and review outcomes as the Chinese text an admin reads (plain, unescaped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.answers import FACET_TITLES
from bot.channels.telegram import texts
from bot.engine import Engine
from bot.reload import ReloadReport
from bot.replay import Change
from bot.review.queue import Cluster

MAX_PROBLEMS = 30  # a reply lists this many problems, then how many more
SHOWN = 5  # replayed questions listed per kind
EXAMPLES_SHOWN = 3  # examples quoted per intent
_FACETS = {str(facet): title for facet, title in FACET_TITLES.items()}


def titles(engines: Iterable[Engine]) -> dict[str, str]:
    """Intent id → title over these engines (later ones win), for ids in reports."""
    return {i.id: i.title for engine in engines for i in engine.snapshot.intents.values()}


def problems(head: str, found: Sequence[object]) -> str:
    """A heading and the problems, each with its file and line, cut after MAX_PROBLEMS."""
    lines = [head, *(f"• {problem}" for problem in found[:MAX_PROBLEMS])]
    if len(found) > MAX_PROBLEMS:
        lines.append(texts.more_problems(len(found) - MAX_PROBLEMS))
    return "\n".join(lines)


def _outcome(label: str, names: Mapping[str, str]) -> str:
    return names.get(label) or texts.DECISION_TITLES.get(label, label)


def _facet(qualified: str, names: Mapping[str, str]) -> str:
    intent, _, facet = qualified.partition(".")
    return f"{names.get(intent, intent)}·{_FACETS.get(facet, facet)}"


def diff_lines(report: ReloadReport, names: Mapping[str, str]) -> list[str]:
    """What changed in the knowledge, or nothing when the report carries no diff."""
    change = report.diff
    if change is None:
        return []
    lines = [texts.CHANGES]
    named = {
        "intents_added": [names.get(i, i) for i in change.intents_added],
        "intents_removed": [names.get(i, i) for i in change.intents_removed],
        "intents_changed": [names.get(i, i) for i in change.intents_changed],
        "facets_added": [_facet(f, names) for f in change.facets_added],
        "facets_removed": [_facet(f, names) for f in change.facets_removed],
        "sources_added": list(change.sources_added),
        "sources_removed": list(change.sources_removed),
        "sources_changed": list(change.sources_changed),
        "other": [texts.OTHER_TITLES.get(o, o) for o in change.other],
    }
    for key, items in named.items():
        if items:
            lines.append(f"  {texts.DIFF_TITLES[key]}：{'、'.join(items)}")
    for added, per_intent in ((True, change.examples_added), (False, change.examples_removed)):
        for intent, examples in per_intent.items():
            lines.append(texts.examples_changed(added, len(examples), names.get(intent, intent)))
            lines += [f"    {example}" for example in examples[:EXAMPLES_SHOWN]]
            if len(examples) > EXAMPLES_SHOWN:
                lines.append("    …")
    return lines if len(lines) > 1 else [*lines, texts.NO_CHANGES]


def _changes(kind: str, changes: Sequence[Change], names: Mapping[str, str]) -> list[str]:
    if not changes:
        return []
    lines = [texts.replay_count(kind, len(changes))]
    for change in changes[:SHOWN]:
        before, after = _outcome(change.before, names), _outcome(change.after, names)
        lines.append(f"    {change.text[:40]}：{before} → {after}")
    return lines + (["    …"] if len(changes) > SHOWN else [])


def replay_lines(report: ReloadReport, names: Mapping[str, str]) -> list[str]:
    """What the replayed questions and the dev set say about the new version."""
    replayed = report.replay
    if replayed is None:
        return []
    lines = [texts.replayed(replayed.questions)]
    changed = [
        *_changes("switched", replayed.switched, names),
        *_changes("newly_answered", replayed.newly_answered, names),
        *_changes("newly_declined", replayed.newly_declined, names),
    ]
    lines += changed or [texts.REPLAY_SAME]
    if replayed.dev_before is not None and replayed.dev_after is not None:
        lines.append(
            texts.dev_accuracy(replayed.dev_questions, replayed.dev_before, replayed.dev_after)
        )
    return lines


def reload(report: ReloadReport, names: Mapping[str, str]) -> str:
    """The reply to /reload: done with what changed, refused as worse, or the problems."""
    if report.ok:
        head = texts.reload_ok(
            report.previous,
            report.version,
            report.intents,
            report.examples,
            report.facets,
            report.forced,
        )
        return "\n".join([head, *diff_lines(report, names), *replay_lines(report, names)])
    replayed = report.replay
    if replayed is not None and replayed.dev_before is not None and replayed.dev_after is not None:
        head = texts.reload_worse(report.version, replayed.dev_before, replayed.dev_after)
        body = [*diff_lines(report, names), *replay_lines(report, names)]
        return "\n".join([head, *body, texts.RELOAD_FORCE_HINT])
    return problems(texts.reload_failed(report.version, len(report.problems)), report.problems)


def rollback(report: ReloadReport, names: Mapping[str, str]) -> str:
    """The reply to /rollback: the versions and what changed back, or why not."""
    if not report.ok:
        return texts.nothing_to_roll_back(report.version)
    head = texts.rolled_back(
        report.previous, report.version, report.intents, report.examples, report.facets
    )
    return "\n".join([head, *diff_lines(report, names), texts.ROLLBACK_FILES])


def cluster(found: Cluster) -> str:
    """One cluster of questions waiting for review: its first wording, size and reasons."""
    reasons = "、".join(
        f"{texts.REASON_TITLES.get(reason, reason)} {count}"
        for reason, count in found.reasons.items()
    )
    return f"「{found.text}」\n{texts.cluster_size(found.size, reasons)}"
