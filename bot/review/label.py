"""Add reviewed questions to an intent file in place, keeping its comments, order and quoting."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from bot.knowledge.loader import Problem
from bot.knowledge.snapshot import check
from bot.knowledge.validator import SourceTexts
from bot.review.records import ReviewError

log = logging.getLogger(__name__)


class LabelRefused(Exception):
    """The edited knowledge would not validate; the file was put back as it was."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); the intent file was left unchanged")
        self.problems = problems


@dataclass(frozen=True)
class Labelled:
    """What one label did to an intent file."""

    intent: str
    field: str
    file: Path
    added: tuple[str, ...]
    already: tuple[str, ...]


def intent_file(root: Path, intent: str) -> Path:
    """The file of an intent, or ReviewError naming the intents there are."""
    path = root / "intents" / f"{intent}.yaml"
    if not intent.isidentifier() or not path.is_file():
        known = ", ".join(sorted(p.stem for p in (root / "intents").glob("*.yaml")))
        raise ReviewError(f"unknown intent {intent!r}; known intents: {known}")
    return path


def _yaml_for(text: str) -> tuple[YAML, CommentedMap]:
    _, sequence_indent, offset = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long example onto two lines
    yaml.indent(mapping=2, sequence=sequence_indent, offset=offset)
    return yaml, yaml.load(text)


def add_questions(
    root: Path,
    intent: str,
    questions: Sequence[str],
    *,
    negative: bool,
    normalise: Callable[[str], str],
    texts: SourceTexts | None,
) -> Labelled:
    """Append the questions as examples (or negatives) of `intent`, validate, or put it back."""
    path = intent_file(root, intent)
    field = "negatives" if negative else "examples"
    original = path.read_bytes()
    try:
        yaml, data = _yaml_for(original.decode("utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise ReviewError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise ReviewError(f"{path.name} does not hold an intent")
    items = data.get(field)
    if not isinstance(items, CommentedSeq):
        items = CommentedSeq()
        after = list(data).index("examples") + 1 if "examples" in data else len(data)
        data.insert(after, field, items)
    seen = {normalise(str(item)) for item in items}
    added, already = [], []
    for question in questions:
        text = " ".join(question.split())
        key = normalise(text)
        if key in seen or not key:
            already.append(text)
        else:
            seen.add(key)
            added.append(text)
    if not added:
        return Labelled(intent, field, path, (), tuple(already))
    items.extend(added)
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    _, problems = check(root, texts)
    if problems:
        path.write_bytes(original)
        log.warning("label refused for %s: %d problem(s)", path.name, len(problems))
        raise LabelRefused(problems)
    log.info("added %d %s to %s", len(added), field, path.name)
    return Labelled(intent, field, path, tuple(added), tuple(already))
