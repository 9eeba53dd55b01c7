"""After generation: finalize hooks, validity, de-duplication and sequence numbers.

This is done stage by stage (one stage per ruleset file, in order): associations of a
later stage never replace those of an earlier one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from asnrules.engine.association import Association
from asnrules.engine.ruleset import NEWEST_FIRST, SAME_MEMBERS, SAME_PRODUCT, Rule
from asnrules.engine.scope import Scope
from asnrules.engine.summarize import summarize
from asnrules.engine.trace import Drop, Tracer


def finalize_stage(
    associations: Sequence[Association],
    not_set: frozenset[str],
    deduplicate: Sequence[str],
    tracer: Tracer | None = None,
    identity: Sequence[str] = (),
    dropped: Counter[str] | None = None,
) -> list[Association]:
    """Run hooks and validity checks, drop duplicates and number one stage's associations.

    Parameters
    ----------
    associations : sequence of Association
        The stage's associations in creation order.
    not_set : frozenset of str
        Values that count as absent (for validity expressions).
    deduplicate : sequence of str
        The de-duplication rules to apply, in order (``same_members``, ``same_product``).
    tracer : Tracer, optional
        Told what is dropped and why.
    identity : sequence of str
        Member fields identifying a member (empty: all of them).
    dropped : Counter, optional
        Counts the associations de-duplication drops, by rule.

    Returns
    -------
    list of Association
        The surviving associations, in output order, with ``sequence`` set.
    """
    finished = [item for asn in associations for item in prepare(asn, not_set, tracer)]
    return finish(finished, deduplicate, tracer, identity, dropped)


def prepare(
    asn: Association, not_set: frozenset[str], tracer: Tracer | None = None
) -> list[Association]:
    """What one association becomes: summarized, through its hooks, the valid ones named.

    This depends on the association alone (unlike :func:`finish`).

    Returns
    -------
    list of Association
        What the hooks made of it that passes the rule's ``valid`` checks, in order, each
        with its ``product`` built-in set.
    """
    if asn.rule.summarize is not None:
        summarize(asn, asn.rule.summarize, not_set)
    produced = [asn]
    for n, hook in enumerate(asn.rule.finalize):
        before = [(item, tuple(item.members)) for item in produced] if tracer else []
        produced = [result for item in produced for result in hook(item)]
        if tracer is not None:
            name = asn.rule.hook_names[n] if n < len(asn.rule.hook_names) else str(n)
            for item, members in before:
                tracer.dropped(Drop("hook", item, name, -1, None, tuple(produced), members))
    kept = []
    for item in produced:
        scope = item.scope(not_set)
        failing = _failing_check(item, scope)
        if failing is None:
            item.builtins["product"] = item.rule.product(scope)
            kept.append(item)
        elif tracer is not None:
            tracer.dropped(Drop("valid", item, check=failing))
    return kept


def finish(
    prepared: list[Association],
    deduplicate: Sequence[str],
    tracer: Tracer | None = None,
    identity: Sequence[str] = (),
    dropped: Counter[str] | None = None,
) -> list[Association]:
    """De-duplicate and number one stage's prepared associations (in creation order)."""
    if deduplicate:
        prepared = drop_duplicates(prepared, deduplicate, identity, tracer, dropped)
    resequence(prepared)
    return prepared


def _failing_check(asn: Association, scope: Scope) -> int | None:
    """Index of the first of the rule's ``valid`` checks that is false, or ``None``."""
    for n, check in enumerate(asn.rule.valid):
        if not scope.truth(check(scope)):
            return n
    return None


def rejects_every(rule: Rule, builtins: Mapping[str, Any], not_set: frozenset[str]) -> bool:
    """Whether a ``valid`` check of ``rule`` fails for every association of a run.

    ``builtins`` are what a run knows of its associations before they have members (the
    candidate, the type, the rule's name in the run...). A check is evaluated against just
    those: one that reads anything else (an attribute, a member, ``count``) before its
    value is decided is undecided, and never rejects. Hooks keep the rule, the candidate
    and the built-ins of what they are given, so a check decided false here fails for
    whatever they make of the run's associations too.
    """
    scope = Scope(None, not_set, None, _RunOnly(builtins))
    for check in rule.valid:
        try:
            if not scope.truth(check(scope)):
                return True
        except _Undecided:
            continue
    return False


class _Undecided(BaseException):
    """A check read what only an association's members tell.

    A ``BaseException``: no ``except Exception`` of a function on the way takes it for
    a failure.
    """


def _undecided(*_: object) -> NoReturn:
    raise _Undecided


class _Known(dict):  # type: ignore[type-arg]
    """Built-ins known before a run; asking for any other is undecided."""

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self:
            raise _Undecided
        return super().get(key, default)


class _RunOnly:
    """An association as a run knows it before it has members: its built-ins alone."""

    __slots__ = ("builtins",)

    def __init__(self, builtins: Mapping[str, Any]) -> None:
        self.builtins = _Known(builtins)

    values = first_of = _undecided
    members = first = property(_undecided)


def drop_duplicates(
    associations: list[Association],
    rules: Sequence[str] = (SAME_MEMBERS, SAME_PRODUCT),
    identity: Sequence[str] = (),
    tracer: Tracer | None = None,
    dropped: Counter[str] | None = None,
) -> list[Association]:
    """Drop associations by the de-duplication ``rules``; the result is by candidate id.

    ``same_members``: associations are ordered by candidate id; the last one (the
    highest id; within an id, the latest made) is kept and every other with the same
    multiset of member keys (by ``identity``) is dropped, repeatedly. The result is by
    candidate id, then as made; with ``newest_first`` in ``rules``, in the reversed order
    (the reference's). ``same_product``: among associations sharing a product name,
    the smaller of a subset pair is dropped (see :func:`_drop_subsets_by_product`).
    """
    counts: Counter[str] = dropped if dropped is not None else Counter()
    kept = list(associations)
    if SAME_MEMBERS in rules:
        kept = []
        seen: dict[frozenset[tuple[tuple[str, ...], int]], Association] = {}
        for asn in reversed(sorted(associations, key=lambda a: a.asn_id)):
            key = frozenset(asn.membership(identity).items())
            if key not in seen:
                seen[key] = asn
                kept.append(asn)
                continue
            counts[SAME_MEMBERS] += 1
            if tracer is not None:
                tracer.dropped(Drop("duplicate", asn, kept=seen[key]))
        if NEWEST_FIRST not in rules:
            kept.reverse()
    if SAME_PRODUCT in rules:
        before = len(kept)
        kept = _drop_subsets_by_product(kept, identity, tracer)
        counts[SAME_PRODUCT] += before - len(kept)
    return kept


def _drop_subsets_by_product(
    associations: list[Association], identity: Sequence[str], tracer: Tracer | None = None
) -> list[Association]:
    """Among associations sharing a product name, drop the smaller of each "subset" pair.

    Two member lists count as a subset pair when their sizes differ, neither repeats a
    member, and no exposure (the first identity field) appears in both with different
    other identity fields (so, as in the reference, neither need strictly contain the
    other). Identical member lists keep one. The result is ordered by candidate id.
    """
    names = [a.builtins.get("product", "") for a in associations]
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if not repeated:
        return associations
    ordered = sorted(associations, key=lambda a: a.asn_id)
    by_name: dict[str, list[Association]] = defaultdict(list)
    for asn in ordered:
        by_name[asn.builtins.get("product", "")].append(asn)
    dropped: set[int] = set()
    for name in repeated:
        group = by_name[name]
        keep = list(group)
        for asn in group:
            if id(asn) in dropped:
                continue
            pruned = []
            for entrant in keep:
                if entrant is asn:
                    continue
                relation = _relation(asn, entrant, identity)
                if relation == "same":
                    pruned.append(entrant)
                elif relation == "subset":
                    if len(entrant.members) > len(asn.members):
                        asn, entrant = entrant, asn
                    pruned.append(entrant)
                    if tracer is not None:
                        tracer.dropped(Drop("subset", entrant, kept=asn))
            dropped.update(id(a) for a in pruned)
            keep = [a for a in keep if id(a) not in dropped]
    return [a for a in ordered if id(a) not in dropped]


def _relation(left: Association, right: Association, identity: Sequence[str]) -> str:
    """``same``, ``subset`` (see :func:`_drop_subsets_by_product`) or ``different``."""
    left_members = left.member_keys(identity)
    right_members = right.member_keys(identity)
    if len(set(left_members)) != len(left_members) or len(set(right_members)) != len(right_members):
        return "different"
    right_kinds: dict[str, tuple[str, ...]] = {}
    for exposure, *kind in right_members:
        right_kinds.setdefault(exposure, tuple(kind))
    if any(
        exposure in right_kinds and right_kinds[exposure] != tuple(kind)
        for exposure, *kind in left_members
    ):
        return "different"
    if Counter(left_members) == Counter(right_members):
        return "same"
    return "subset" if len(left_members) != len(right_members) else "different"


def resequence(associations: Sequence[Association]) -> None:
    """Number associations 1, 2, ... per ``(asn_id, asn_type)`` in list order."""
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for asn in associations:
        key = (asn.asn_id, asn.rule.asn_type)
        counters[key] += 1
        asn.sequence = counters[key]
