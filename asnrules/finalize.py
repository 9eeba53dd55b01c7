"""After generation: finalize hooks, validity, de-duplication and sequence numbers.

This is done stage by stage (one stage per ruleset file, in order): associations of a
later stage never replace those of an earlier one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from .association import Association


def finalize_stage(
    associations: Sequence[Association], not_set: frozenset[str], deduplicate: bool
) -> list[Association]:
    """Run hooks and validity checks, drop duplicates and number one stage's associations.

    Parameters
    ----------
    associations : sequence of Association
        The stage's associations in creation order.
    not_set : frozenset of str
        Values that count as absent (for validity expressions).
    deduplicate : bool
        Whether to drop associations whose members another association already has.

    Returns
    -------
    list of Association
        The surviving associations, in output order, with ``sequence`` set.
    """
    finished: list[Association] = []
    for asn in associations:
        produced = [asn]
        for hook in asn.rule.finalize:
            produced = [result for item in produced for result in hook(item)]
        for item in produced:
            scope = item.scope(not_set)
            if all(scope.truth(check(scope)) for check in item.rule.valid):
                item.builtins["product"] = item.rule.product(scope)
                finished.append(item)
    if deduplicate:
        finished = drop_duplicates(finished)
    resequence(finished)
    return finished


def drop_duplicates(associations: list[Association]) -> list[Association]:
    """Keep one association per member set, preferring the highest candidate id.

    Associations are ordered by candidate id; the last one (the highest id; within an id,
    the latest made) is kept and every other with the same ``(expname, exptype)``
    multiset is dropped, repeatedly. The result is in that reversed order. Then, among
    associations sharing a product name, one whose members are a subset of another's is
    dropped.
    """
    ordered = sorted(associations, key=lambda a: a.asn_id)
    kept: list[Association] = []
    seen: set[frozenset[tuple[tuple[str, str], int]]] = set()
    for asn in reversed(ordered):
        key = frozenset(asn.membership().items())
        if key not in seen:
            seen.add(key)
            kept.append(asn)
    return _drop_subsets_by_product(kept)


def _drop_subsets_by_product(associations: list[Association]) -> list[Association]:
    names = [a.builtins.get("product", "") for a in associations]
    repeated = {name for name, count in Counter(names).items() if count > 1}
    if not repeated:
        return associations
    by_name: dict[str, list[Association]] = defaultdict(list)
    ordered = sorted(associations, key=lambda a: a.asn_id)
    for asn in ordered:
        by_name[asn.builtins.get("product", "")].append(asn)
    dropped: set[int] = set()
    for name in repeated:
        group = by_name[name]
        for asn in group:
            if id(asn) in dropped:
                continue
            mine = asn.membership()
            for other in group:
                if other is asn or id(other) in dropped:
                    continue
                theirs = other.membership()
                if theirs == mine or _subset(theirs, mine):
                    dropped.add(id(other))
                elif _subset(mine, theirs):
                    dropped.add(id(asn))
                    break
    return [a for a in ordered if id(a) not in dropped]


def _subset(small: Counter[tuple[str, str]], large: Counter[tuple[str, str]]) -> bool:
    return small != large and all(large[k] >= v for k, v in small.items())


def resequence(associations: Sequence[Association]) -> None:
    """Number associations 1, 2, ... per ``(asn_id, asn_type)`` in list order."""
    counters: dict[tuple[str, str], int] = defaultdict(int)
    for asn in associations:
        key = (asn.asn_id, asn.rule.asn_type)
        counters[key] += 1
        asn.sequence = counters[key]
