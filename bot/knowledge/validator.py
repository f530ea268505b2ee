"""Cross-file rules over loaded knowledge: one `verify_*` per rule, each naming file and line."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import Loaded, Problem
from bot.knowledge.models import (
    Intent,
    Point,
    concept_groups,
    concept_holds,
    each_part,
    matter_pattern,
)
from bot.understanding.normalise import Normaliser

COPY_RUN = 15  # this many characters in a row shared with an article counts as copying
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3})")


@dataclass(frozen=True)
class SourceTexts:
    """The texts facts may come from: the local articles and the checked national facts."""

    articles: dict[str, str]  # seed file name → text
    policy_facts: str

    @classmethod
    def read(cls, seeds_dir: Path, policy_facts: Path) -> SourceTexts | None:
        """Read the texts, or None when they are not beside the project."""
        if not seeds_dir.is_dir() or not policy_facts.is_file():
            return None
        articles = {p.name: _plain(p.read_text(encoding="utf-8")) for p in seeds_dir.glob("*.txt")}
        return cls(articles, _plain(policy_facts.read_text(encoding="utf-8")))


def _plain(text: str) -> str:
    return _DIGIT_COMMA.sub("", unicodedata.normalize("NFKC", text))


def _letters(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _points(intent: Intent) -> Iterator[tuple[tuple[str | int, ...], Point]]:
    for facet_id, facet in intent.facets.items():
        for index, point in enumerate(facet.points):
            yield ("facets", facet_id, "points", index), point


def verify_cited_sources_exist(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """Every cite names a source listed in knowledge/sources.yaml."""
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for loc, point in _points(intent):
            for index, cite in enumerate(point.cite):
                if cite.source_id not in loaded.sources:
                    yield doc.problem(
                        (*loc, "cite", index), f"unknown source id {cite.source_id!r}"
                    )


def verify_source_files_exist(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """Every news source names an article that exists in the seeds folder."""
    if texts is None or "sources" not in loaded.documents:
        return
    doc = loaded.documents["sources"]
    for index, source in enumerate(loaded.sources.values()):
        if source.file and source.file not in texts.articles:
            yield doc.problem((index, "file"), f"article file {source.file!r} not found")


def verify_examples_unique(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """No example is listed under two intents, or is also an intent's negative or out of scope."""
    norm = Normaliser(loaded.lexicon)
    owner: dict[str, str] = {}
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for index, example in enumerate(intent.examples):
            key = norm(example)
            first = owner.setdefault(key, intent_id)
            if first != intent_id:
                yield doc.problem(
                    ("examples", index), f"example {example!r} is also an example of {first}"
                )
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for index, negative in enumerate(intent.negatives):
            other = owner.get(norm(negative))
            if other is not None:
                yield doc.problem(
                    ("negatives", index), f"negative {negative!r} is an example of {other}"
                )
    if "out_of_scope" in loaded.documents:
        doc = loaded.documents["out_of_scope"]
        for index, anchor in enumerate(loaded.out_of_scope.examples):
            other = owner.get(norm(anchor))
            if other is not None:
                yield doc.problem(
                    ("examples", index), f"out-of-scope {anchor!r} is an example of {other}"
                )


def verify_excludes_fit(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """An excluded word never occurs in the same topic's own examples, keywords or title, and a
    word meaning another matter (out_of_scope.yaml) in no topic's."""
    norm = Normaliser(loaded.lexicon)
    own = {
        intent_id: [(text, norm(text)) for text in (*i.examples, *i.keywords, i.title)]
        for intent_id, i in loaded.intents.items()
    }
    checks = [
        (loaded.documents[f"intent:{intent_id}"], "excludes", intent.excludes, own[intent_id])
        for intent_id, intent in loaded.intents.items()
    ]
    if "out_of_scope" in loaded.documents:
        every = [pair for texts in own.values() for pair in texts]
        other = loaded.out_of_scope.other_matters
        checks.append((loaded.documents["out_of_scope"], "other_matters", other, every))
        told = loaded.out_of_scope.circumstances
        checks.append((loaded.documents["out_of_scope"], "circumstances", told, every))
    for doc, field, words, wording in checks:
        written = [text for text, _ in wording]
        joined = "\n".join(n.replace(" ", "") for _, n in wording)  # one search per word
        for index, exclude in enumerate(words):
            word = each_part(norm, exclude).replace(" ", "")
            hit = matter_pattern(word).search(joined) if word.strip("*") else None
            if not word.strip("*") or hit is not None:
                clash = written[joined.count("\n", 0, hit.start())] if hit else None
                clashes = f"occurs in a topic's own wording {clash!r}"
                yield doc.problem((field, index), f"excluded {exclude!r} {clashes}")


def verify_concepts_fit(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """A concept never holds for one of its own topic's negatives (the near-misses it must not
    catch), and every word of it is still a word after normalising."""
    norm = Normaliser(loaded.lexicon)
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        negatives = [(text, norm(text).replace(" ", "")) for text in intent.negatives]
        for index, concept in enumerate(intent.concepts):
            groups = [{norm(w).replace(" ", "") for w in g} for g in concept_groups(concept)]
            if any("" in group for group in groups):
                yield doc.problem(("concepts", index), f"a word of {concept!r} normalises away")
                continue
            caught = next((t for t, n in negatives if concept_holds(groups, n)), None)
            if caught is not None:
                yield doc.problem(
                    ("concepts", index), f"concept {concept!r} holds for the negative {caught!r}"
                )


def verify_review_dates(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """No facet is past its `review_by` date."""
    today = dt.date.today()
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for facet_id, facet in intent.facets.items():
            if facet.review_by is not None and facet.review_by < today:
                yield doc.problem(
                    ("facets", facet_id, "review_by"),
                    f"{facet_id} was due for review on {facet.review_by.isoformat()}",
                )


def verify_numbers_in_sources(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """Every number in a sentence appears in one of the sources it cites (text or date)."""
    if texts is None:
        return
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for loc, point in _points(intent):
            cited = []
            for cite in point.cite:
                source = loaded.sources.get(cite.source_id)
                if source is not None:  # the text, and the source's own date ("今年" → its year)
                    body = texts.articles.get(source.file or "", texts.policy_facts)
                    cited.append(body + _plain(source.date or ""))
            for number in _NUMBER.findall(_plain(point.text)):
                if cited and not any(number in text for text in cited):
                    yield doc.problem(
                        (*loc, "text"), f"number {number} is not in the cited sources"
                    )


def verify_not_copied(loaded: Loaded, texts: SourceTexts | None) -> Iterator[Problem]:
    """No sentence copies a long run of an article's words."""
    if texts is None:
        return
    articles = [_letters(text) for text in texts.articles.values()]
    for intent_id, intent in loaded.intents.items():
        doc = loaded.documents[f"intent:{intent_id}"]
        for loc, point in _points(intent):
            letters = _letters(point.text)
            for start in range(len(letters) - COPY_RUN + 1):
                window = letters[start : start + COPY_RUN]
                if any(window in article for article in articles):
                    yield doc.problem((*loc, "text"), f"copies an article's words: {window!r}")
                    break


RULES: tuple[Callable[[Loaded, SourceTexts | None], Iterator[Problem]], ...] = (
    verify_cited_sources_exist,
    verify_source_files_exist,
    verify_examples_unique,
    verify_excludes_fit,
    verify_concepts_fit,
    verify_review_dates,
    verify_numbers_in_sources,
    verify_not_copied,
)


def validate(loaded: Loaded, texts: SourceTexts | None) -> list[Problem]:
    """All problems: those found while loading, then every rule's."""
    problems = list(loaded.problems)
    for rule in RULES:
        problems.extend(rule(loaded, texts))
    return problems
