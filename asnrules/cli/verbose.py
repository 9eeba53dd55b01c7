"""What ``generate -v`` prints: each association's rule and pins, and a summary table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from asnrules.engine.association import Association


def association_lines(associations: Sequence[Association], names: Sequence[str]) -> list[str]:
    """One line per association: file name, rule, type, member count and pinned values."""
    lines = []
    for asn, name in zip(associations, names, strict=True):
        shown = {k: asn.spelling.get(v, v) for k, v in asn.pins.items()}
        pins = " ".join(f"{k}={v!r}" for k, v in shown.items()) or "(no pinned values)"
        size = _count(len(asn.members), "member")
        lines.append(f"{name}: {asn.rule.name} ({asn.rule.asn_type}, {size}) {pins}")
    return lines


def summary_table(associations: Sequence[Association]) -> list[str]:
    """A table of rules (in first-output order) with their association and member counts."""
    counts: dict[str, list[int]] = {}
    for asn in associations:
        entry = counts.setdefault(asn.rule.name, [0, 0])
        entry[0] += 1
        entry[1] += len(asn.members)
    total = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    rows = [(name, c[0], c[1]) for name, c in counts.items()] + [("total", total[0], total[1])]
    width = max(len("rule"), *(len(r[0]) for r in rows))
    lines = [f"{'rule':<{width}}  associations  members"]
    lines.extend(f"{name:<{width}}  {n:>12}  {m:>7}" for name, n, m in rows)
    return lines


def dropped_line(dropped: Mapping[str, int]) -> list[str]:
    """What de-duplication dropped, by de-duplication rule (nothing when it dropped none)."""
    total = sum(dropped.values())
    if not total:
        return []
    parts = ", ".join(f"{n} by {rule}" for rule, n in dropped.items() if n)
    return [f"de-duplication dropped {total} association(s): {parts}"]


def verbose_report(
    associations: Sequence[Association],
    names: Sequence[str],
    dropped: Mapping[str, int] | None = None,
) -> str:
    """The association lines, then the summary table and what de-duplication dropped."""
    return "\n".join(
        [
            *association_lines(associations, names),
            "",
            *summary_table(associations),
            *dropped_line(dropped or {}),
        ]
    )


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
