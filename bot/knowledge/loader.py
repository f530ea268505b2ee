"""Read the YAML knowledge files into models, keeping file and line for every problem."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.knowledge.models import Intent, Lexicon, OutOfScope, Source

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the knowledge files, located by file and line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Document:
    """A parsed YAML file with the line of every key and list item."""

    path: Path
    label: str
    data: Any
    lines: dict[Loc, int]

    def line(self, loc: Loc) -> int:
        """The line of `loc`, or of its nearest located parent."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem located at `loc` in this file."""
        return Problem(self.label, self.line(loc), message)


@dataclass
class Loaded:
    """Everything read from a knowledge directory, valid or not, with the documents behind it."""

    root: Path
    sources: dict[str, Source] = field(default_factory=dict)
    intents: dict[str, Intent] = field(default_factory=dict)
    lexicon: Lexicon = field(default_factory=Lexicon)
    out_of_scope: OutOfScope = field(default_factory=OutOfScope)
    documents: dict[str, Document] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    version: str = ""


def _line_map(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, str(key.value))
            lines[child] = key.start_mark.line + 1
            _line_map(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*loc, index), lines)


# libyaml's parser when PyYAML was built with it (ten times faster, the same nodes and lines)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data built from it, in one parse."""
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_document(path: Path, root: Path) -> Document | Problem:
    """Parse one YAML file; a syntax error becomes a located problem."""
    label = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        node, data = _parse(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return Problem(label, (mark.line + 1) if mark else 1, f"YAML syntax: {exc.problem}")
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Problem(label, 1, f"cannot read: {exc}")
    lines: dict[Loc, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    return Document(path, label, data, lines)


def _validate(doc: Document, adapter: TypeAdapter[Any], problems: list[Problem]) -> Any:
    try:
        return adapter.validate_python(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(doc.problem(tuple(err["loc"]), f"{where}: {err['msg']}"))
        return None


def _content_version(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load(root: Path) -> Loaded:
    """Read `intents/*.yaml` and `knowledge/*.yaml` under `root`; collect every problem."""
    loaded = Loaded(root=root)
    knowledge = root / "knowledge"
    files = {
        "sources": knowledge / "sources.yaml",
        "lexicon": knowledge / "lexicon.yaml",
        "out_of_scope": knowledge / "out_of_scope.yaml",
    }
    intent_files = sorted((root / "intents").glob("*.yaml"))
    present = [p for p in [*files.values(), *intent_files] if p.exists()]
    loaded.version = _content_version(present)

    docs: dict[str, Document] = {}
    for name, path in files.items():
        if not path.exists():
            if name != "out_of_scope":
                loaded.problems.append(Problem(str(path), 1, "file is missing"))
            continue
        got = read_document(path, root)
        if isinstance(got, Problem):
            loaded.problems.append(got)
        else:
            docs[name] = got

    if "sources" in docs:
        sources = _validate(docs["sources"], TypeAdapter(list[Source]), loaded.problems) or []
        for index, source in enumerate(sources):
            if source.id in loaded.sources:
                loaded.problems.append(
                    docs["sources"].problem((index, "id"), f"duplicate source id {source.id!r}")
                )
            loaded.sources[source.id] = source
    if "lexicon" in docs:
        loaded.lexicon = (
            _validate(docs["lexicon"], TypeAdapter(Lexicon), loaded.problems) or Lexicon()
        )
    if "out_of_scope" in docs:
        loaded.out_of_scope = (
            _validate(docs["out_of_scope"], TypeAdapter(OutOfScope), loaded.problems)
            or OutOfScope()
        )

    if not intent_files:
        loaded.problems.append(Problem(str(root / "intents"), 1, "no intent files"))
    for path in intent_files:
        got = read_document(path, root)
        if isinstance(got, Problem):
            loaded.problems.append(got)
            continue
        docs[f"intent:{path.stem}"] = got
        intent = _validate(got, TypeAdapter(Intent), loaded.problems)
        if intent is None:
            continue
        if intent.id in loaded.intents:
            loaded.problems.append(got.problem(("id",), f"duplicate intent id {intent.id!r}"))
        elif intent.id != path.stem:
            loaded.problems.append(got.problem(("id",), f"id {intent.id!r} differs from file name"))
        loaded.intents[intent.id] = intent
    loaded.documents = docs
    return loaded
