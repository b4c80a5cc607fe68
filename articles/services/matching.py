"""Which stored article each newly parsed article is, when a page is parsed again (pure Python).

An article's id is its identity: a re-parse must update articles in place, not replace them. The rule:

- A parsed article whose text lies mostly (``COVERED``) inside the page's hand-edited articles is one an
  editor already corrected (retitled, merged, split): the editor's version stands and the parsed one is
  dropped. One that repeats an article an editor deleted (``DELETED_REPEAT``) stays deleted.
- The other stored articles are paired one to one with the remaining parsed ones, best pairs first: the
  same non-empty title, then the larger text overlap (shared character trigrams over the smaller text,
  at least ``MATCH``), then the nearer position. A pair keeps the stored id with the new text.
- A stored article left unpaired is retired; its successor is the article of the new page that holds
  most of its text (at least ``MATCH`` of it), so its URL can redirect there, else it is gone.
- Reading order is the parser's, each hand-edited article standing where the first parsed article it
  covers stands; a hand-edited article covering nothing stays after the article it followed before.

So a better parser that merges two articles keeps the first one's id (the second redirects to it), and
one that splits an article keeps its id for the part with its title (or its place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COVERED = 0.6
DELETED_REPEAT = 0.8
MATCH = 0.5

_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Stored:
    """An article as it is stored for the page."""

    id: int
    position: int
    title: str
    text: str  # every printed word of it: titles, byline, body, captions
    edited: bool  # corrected by an editor: kept as it is


@dataclass(frozen=True)
class Parsed:
    title: str
    text: str


# A place in the new reading order: ("stored", id) for a hand-edited article kept as it is, ("parsed", i)
# for the i-th parsed article (stored in place of ``updates[i]`` or created).
Slot = tuple[str, int]


@dataclass
class Plan:
    order: list[Slot] = field(default_factory=list)
    updates: dict[int, int] = field(default_factory=dict)  # parsed index -> stored id it updates
    covered: dict[int, int] = field(default_factory=dict)  # parsed index -> hand-edited id standing for it
    repeats_deleted: list[int] = field(default_factory=list)  # parsed indices an editor had deleted
    retired: dict[int, Slot | None] = field(default_factory=dict)  # stored id -> successor slot or None

    @property
    def created(self) -> list[int]:
        return [index for kind, index in self.order if kind == "parsed" and index not in self.updates]


def trigrams(text: str) -> frozenset[str]:
    letters = _NOT_TEXT.sub("", text)
    if len(letters) < 3:
        return frozenset([letters]) if letters else frozenset()
    return frozenset(letters[i : i + 3] for i in range(len(letters) - 2))


def contained(part: frozenset[str], whole: frozenset[str]) -> float:
    """How much of ``part`` lies inside ``whole`` (0 when ``part`` is empty)."""
    return len(part & whole) / len(part) if part else 0.0


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def plan_reparse(stored: list[Stored], parsed: list[Parsed], deleted_texts: list[str] = ()) -> Plan:
    plan = Plan()
    stored = sorted(stored, key=lambda article: article.position)
    stored_grams = {article.id: trigrams(article.text) for article in stored}
    parsed_grams = [trigrams(article.text) for article in parsed]
    edited = [article for article in stored if article.edited]
    edited_union = frozenset().union(*(stored_grams[article.id] for article in edited))
    deleted_grams = [trigrams(text) for text in deleted_texts]

    for index, grams in enumerate(parsed_grams):
        if edited and contained(grams, edited_union) >= COVERED:
            plan.covered[index] = max(edited, key=lambda article: contained(grams, stored_grams[article.id])).id
        elif any(contained(grams, deleted) >= DELETED_REPEAT for deleted in deleted_grams):
            plan.repeats_deleted.append(index)

    free = [index for index in range(len(parsed)) if index not in plan.covered and index not in plan.repeats_deleted]
    pairs = []
    for article in stored:
        if article.edited:
            continue
        for index in free:
            same_title = bool(article.title) and article.title == parsed[index].title
            shared = overlap(stored_grams[article.id], parsed_grams[index])
            if same_title or shared >= MATCH:
                pairs.append((same_title, shared, -abs(article.position - (index + 1)), -index, article.id, index))
    taken_stored, taken_parsed = set(), set()
    for *_, article_id, index in sorted(pairs, reverse=True):
        if article_id not in taken_stored and index not in taken_parsed:
            plan.updates[index] = article_id
            taken_stored.add(article_id)
            taken_parsed.add(index)

    plan.order = _reading_order(plan, stored, len(parsed))
    slot_grams = {slot: stored_grams[slot[1]] if slot[0] == "stored" else parsed_grams[slot[1]] for slot in plan.order}
    for article in stored:
        if article.edited or article.id in taken_stored:
            continue
        grams = stored_grams[article.id]
        best = max(plan.order, key=lambda slot: contained(grams, slot_grams[slot]), default=None)
        plan.retired[article.id] = best if best is not None and contained(grams, slot_grams[best]) >= MATCH else None
    return plan


def _reading_order(plan: Plan, stored: list[Stored], parsed_count: int) -> list[Slot]:
    order: list[Slot] = []
    for index in range(parsed_count):
        if index in plan.covered:
            slot = ("stored", plan.covered[index])
            if slot not in order:
                order.append(slot)
        elif index not in plan.repeats_deleted:
            order.append(("parsed", index))
    # Hand-edited articles that cover nothing the parser found: after the article they followed.
    placed = {slot[1] for slot in order if slot[0] == "stored"}
    slot_of = {article_id: ("parsed", index) for index, article_id in plan.updates.items()}
    slot_of.update({article_id: ("stored", article_id) for article_id in placed})
    previous: Slot | None = None
    for article in stored:
        if article.edited and article.id not in placed:
            slot = ("stored", article.id)
            order.insert(order.index(previous) + 1 if previous in order else 0, slot)
            slot_of[article.id] = slot
        previous = slot_of.get(article.id, previous)
    return order
