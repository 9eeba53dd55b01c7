"""Why an exposure is, or is not, in each association: ``asnrules explain``.

The pool is generated as ``generate`` would, with a :class:`~asnrules.engine.trace.Tracer`
following the chosen rows: the engine and finalize report, where they decide, which rule
turned a row away and why, and which association they dropped and why. This module only
words those decisions. To show the values a condition read, the condition (the compiled
closure the engine ran) is evaluated again on a :class:`~asnrules.language.compiler.RecordingRow`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asnrules.api import run
from asnrules.diagnostics import error
from asnrules.engine.association import Association, Member
from asnrules.engine.hooks import get_hook
from asnrules.engine.ruleset import Attribute, Origin, Rule, Ruleset
from asnrules.engine.scope import Compiled, RecordingRow, Scope
from asnrules.engine.trace import Decision, Drop, Rejection, Tracer
from asnrules.io.pool import pool_rows
from asnrules.io.poolread import read_pool_fast
from asnrules.language.loader import load_rulesets
from asnrules.language.suggest import nearest
from asnrules.modes import rule_files

ABSENT = "<absent: the pool has no such column>"


@dataclass
class Placement:
    """An association the exposure ended in."""

    file: str
    rule: str
    asn_type: str
    role: str
    exptype: str
    """The member's kind: its second ``member_identity`` field (default ``exptype``)."""
    kind_field: str = "exptype"
    """The name of that field."""


@dataclass
class Reason:
    """Why a rule did not take the exposure (or dropped the association that had it).

    ``kind`` is ``select``, ``key``, ``share``, ``roles`` (see
    :class:`~asnrules.engine.trace.Rejection`), ``hook``, ``valid``, ``duplicate``, ``subset``
    (see :class:`~asnrules.engine.trace.Drop`) or ``not-offered``. ``condition`` is the
    condition or attribute as written and ``where`` its ``path:line:col``; ``values``
    are the names it read with what it found (``None``: no such column).
    """

    kind: str
    message: str
    condition: str = ""
    where: str = ""
    values: dict[str, str | None] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    """Everything said about one exposure."""

    exposure: str
    """Its value of the identity column (``''`` without one)."""
    row: int
    """1-based row number in the pool."""
    associations: list[Placement]
    rules: dict[str, list[Reason]]
    """For every rule that did not take the exposure, why (in rule order)."""
    not_set: frozenset[str] = field(default=frozenset(), repr=False)
    """The ruleset's "not set" values (to mark values read that count as absent)."""


def explain(
    pool_file: str | Path,
    exposures: Sequence[str],
    rulesets: Sequence[str | Path] | None = None,
    **options: Any,
) -> list[Explanation]:
    """Explain where each exposure went, and why every other rule did not take it.

    Parameters
    ----------
    pool_file : str or Path
        The pool.
    exposures : sequence of str
        File names from the pool, their stems, or 1-based row numbers.
    rulesets : sequence, optional
        Rule files, as for ``generate``.
    **options
        ``ids``, ``discover``, ``all_candidates``, ``version_id``, ``finalize``,
        ``delimiter``, ``pool_format``: as for :func:`asnrules.api.run`.

    Raises
    ------
    AsnRulesError
        ASN605 for an exposure the pool does not have (with the nearest names), and
        every error ``generate`` gives.
    """
    ruleset, _ = load_rulesets(rule_files(rulesets, options.pop("ignore_default", False)))
    delimiter = options.pop("delimiter", "|")
    table = read_pool_fast(pool_file, delimiter=delimiter, fmt=options.pop("pool_format", "ascii"))
    rows = pool_rows(table, ruleset.case_fold)
    chosen = find_rows(rows, ruleset.identity, exposures, str(pool_file))
    followed = {i: namesakes(rows, ruleset.identity, i) for i in chosen}
    tracer = Tracer(set().union(*followed.values()))
    result = run(pool_file, pool=table, ruleset=ruleset, tracer=tracer, **options)
    files = zip(result.associations, result.files, strict=True)
    names = {id(asn): name for asn, (name, _) in files}
    return [
        _explain_row(rows[i], i, followed[i], ruleset, result.associations, names, tracer)
        for i in chosen
    ]


NEAR_MISSES = 3
"""How many rules :func:`orphan_reason` names."""


def orphan_reason(found: Explanation) -> str:
    """One line on why an exposure is in no association.

    Rules that selected the row but turned it away later (a pin that differed, a failed
    check, a hook, a duplicate) say the most, and are named first; when every rule
    turned it away at its first condition, the line says so with the values it read.
    """
    if found.associations:
        return ""
    near = [
        (rule, reason)
        for rule, reasons in found.rules.items()
        if not any(r.kind in ("select", "roles") for r in reasons)
        for reason in reasons
    ]
    if near:
        shown = [f"{rule}: {reason.message}" for rule, reason in near[:NEAR_MISSES]]
        more = f" (and {len(near) - NEAR_MISSES} more)" if len(near) > NEAR_MISSES else ""
        return "; ".join(shown) + more
    values: dict[str, str | None] = {}
    for reasons in found.rules.values():
        for reason in reasons:
            values.update(reason.values)
    read = ", ".join(f"{k} = {v!r}" for k, v in sorted(values.items())[:4])
    return "no rule selects it or has a role for it" + (f" ({read})" if read else "")


def find_rows(
    rows: Sequence[dict[str, str]], identity: str | None, wanted: Sequence[str], pool: str
) -> list[int]:
    """Row indexes of the exposures named by file name, stem, root or 1-based number.

    Names are the values of the ``identity`` column; without one, rows are named by
    number only.
    """
    by_name: dict[str, list[int]] = {}
    values = [row.get(identity, "") for row in rows] if identity is not None else []
    for i, value in enumerate(values):
        name = Path(value).name.lower()
        for key in {name, Path(name).stem, name.rsplit("_", 1)[0]}:
            by_name.setdefault(key, []).append(i)
    found: list[int] = []
    for text in wanted:
        key = Path(text.strip().lower()).name
        if key.isdigit() and 1 <= int(key) <= len(rows):
            found.append(int(key) - 1)
        elif key in by_name:
            found.extend(by_name[key])
        else:
            close = nearest(key, by_name, count=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(close)}" if close else ""
            if identity is None:
                hint = "; the ruleset has no identity column: name rows by number"
            size = f"rows 1 to {len(rows)}"
            raise error(pool, "ASN605", f"no exposure {text!r} in the pool ({size}){hint}")
    return list(dict.fromkeys(found))


def namesakes(rows: Sequence[dict[str, str]], identity: str | None, index: int) -> frozenset[int]:
    """The pool rows that are the exposure of row ``index``: those of its identity value.

    Without an identity column, the row alone.
    """
    if identity is None:
        return frozenset({index})
    name = rows[index].get(identity)
    return frozenset(i for i, row in enumerate(rows) if row.get(identity) == name)


def _explain_row(
    row: dict[str, str],
    index: int,
    followed: frozenset[int],
    ruleset: Ruleset,
    final: Sequence[Association],
    names: dict[int, str],
    tracer: Tracer,
) -> Explanation:
    placements: list[Placement] = []
    for asn in final:
        kind = _kind_field(ruleset, asn)
        placements += (
            Placement(
                names[id(asn)],
                asn.rule.name,
                asn.rule.asn_type,
                member.role,
                str(member.fields.get(kind, "")),
                kind,
            )
            for member in asn.members
            if member.role != "extra" and member.source in followed
        )
    taken = {p.rule for p in placements}
    reasons: dict[str, list[Reason]] = {}
    for rule in ruleset.rules.values():
        if rule.name in taken:
            continue
        drops = [
            _drop_reason(d, followed, names)
            for d in tracer.drops
            if d.asn.rule.name == rule.name and _has(d.members or d.asn.members, followed)
        ]
        found = _merge_runs([r for r in drops if r is not None])
        decisions = [
            d
            for d in tracer.decisions
            if d.rule.name == rule.name and d.run.origins[d.row] in followed
        ]
        found.extend(
            _merge_runs(
                [
                    _rejection_reason(d)
                    for d in decisions
                    if d.asn is None and d.rejection.kind != "index"
                ]
            )
        )
        found.extend(_merge_runs([r for d in decisions for r in _index_reasons(d)])[:3])
        # why it joined none of the associations it was offered to (a few)
        offered = [_rejection_reason(d) for d in decisions if d.asn is not None]
        found.extend(_merge_runs(offered)[:3])
        if not found:
            found.append(
                Reason(
                    "not-offered",
                    "no run offered this row to the rule (it is in none of the chosen "
                    "candidates, or no association of the rule had room for it)",
                )
            )
        reasons[rule.name] = found
    name = row.get(ruleset.identity, "") if ruleset.identity is not None else ""
    return Explanation(name, index + 1, placements, reasons, ruleset.not_set)


def _has(members: Sequence[Member], followed: frozenset[int]) -> bool:
    """Whether one of ``members`` stands for the exposure (members a hook added do not)."""
    return any(m.role != "extra" and m.source in followed for m in members)


def _merge_runs(reasons: list[Reason]) -> list[Reason]:
    """One reason per distinct wording, listing every run that gave it."""
    merged: dict[tuple[str, str, str, str], Reason] = {}
    for reason in reasons:
        key = (reason.kind, reason.message, reason.where, repr(sorted(reason.values.items())))
        if key in merged:
            merged[key].runs.extend(r for r in reason.runs if r not in merged[key].runs)
        else:
            merged[key] = reason
    return list(merged.values())


def read_values(compiled: Compiled, row: dict[str, str], not_set: frozenset[str]) -> Any:
    """Evaluate ``compiled`` on ``row``; return its value and the names it read."""
    recording = RecordingRow(row)
    value = compiled(Scope(recording, not_set))
    return value, dict(recording.read)


def _kind_field(ruleset: Ruleset, asn: Association) -> str:
    """The member field that says how a member takes part (``exptype`` for JWST)."""
    identity = ruleset.member_identity(asn.rule)
    return identity[1] if len(identity) > 1 else "exptype"


def _run_label(decision: Decision) -> str:
    run = decision.run
    if run.run != "discover":
        return str(run.candidate.id)
    return f"{run.candidate.id} (discovery)" if run.candidate.id else "discovery"


def _index_reasons(decision: Decision) -> list[Reason]:
    """Pins that differ between the row and the associations of the rule in that run."""
    rule = decision.rule
    if decision.rejection.kind != "index":
        return []
    names = [a.name for a in rule.key_attributes]
    best: list[tuple[int, tuple[str, ...]]] = sorted(
        (sum(a != b for a, b in zip(key, decision.rejection.key, strict=True)), key)
        for key in decision.run.index[rule.name]
    )
    if not best:
        return []
    fewest = best[0][0]
    reasons = []
    for count, key in best:
        if count != fewest:
            break
        for name, theirs, ours in zip(names, key, decision.rejection.key, strict=True):
            if theirs != ours:
                attribute = next(a for a in rule.key_attributes if a.name == name)
                reasons.append(
                    _attribute_reason(
                        "share",
                        Decision(
                            decision.run,
                            decision.row,
                            rule,
                            None,
                            Rejection("share", attribute, ours, theirs),
                        ),
                        attribute,
                        [_run_label(decision)],
                    )
                )
    return reasons


def _rejection_reason(decision: Decision) -> Reason:
    rejection = decision.rejection
    row = decision.run.rows[decision.row]
    not_set = decision.run.not_set
    label = [_run_label(decision)]
    rule = decision.rule
    if rejection.kind == "select":
        for compiled, origin in rule.selects:
            value, read = read_values(compiled, row, not_set)
            if not Scope(row, not_set).truth(value):
                return Reason(
                    "select", "select condition is false", origin.text, str(origin), read, label
                )
        return Reason("select", "select is false", runs=label)
    if rejection.kind in ("key", "share") and rejection.attribute is not None:
        return _attribute_reason(rejection.kind, decision, rejection.attribute, label)
    parts = []
    values: dict[str, str | None] = {}
    for role, why, attribute in rejection.roles:
        if why == "when" and role.when is not None:
            _, read = read_values(role.when, row, not_set)
            values.update(read)
            text = " ".join(role.origin.text.split()) if role.origin else ""
            parts.append(f"role {role.name!r}: its condition {text!r} is false ({role.origin})")
        elif why == "share" and attribute is not None:
            value, read = read_values(attribute.value, row, not_set)
            values.update(read)
            pinned = decision.asn.pins.get(attribute.name) if decision.asn else None
            state = (
                "is not set"
                if not Scope(row, not_set).truth(value)
                else f"is {str(value).lower()!r} in this row and {pinned!r} in the association"
            )
            parts.append(f"role {role.name!r}: shared attribute {attribute.name!r} {state}")
        else:
            parts.append(f"role {role.name!r}: {_ROLE_WHY.get(why, why)}")
    return Reason("roles", "no role fits: " + "; ".join(parts), "", "", values, label)


_ROLE_WHY = {
    "creates": "cannot start an association",
    "full": "already filled",
    "requires": "its 'requires' condition on the association is false",
    "link": "not linked to the association's members",
}


def _attribute_reason(
    kind: str, decision: Decision, attribute: Attribute, label: list[str]
) -> Reason:
    rejection = decision.rejection
    _, read = read_values(attribute.value, decision.run.rows[decision.row], decision.run.not_set)
    origin: Origin | None = attribute.origin
    text = origin.text if origin else ""
    where = str(origin) if origin else ""
    if rejection.value is None:
        message = f"shared attribute {attribute.name!r} is not set"
    else:
        message = (
            f"a pin differs: attribute {attribute.name!r} is {rejection.value!r} in this row "
            f"and {rejection.pinned!r} in the association"
        )
        if decision.asn is not None:
            message += f" of candidate {decision.asn.candidate.id}"
    return Reason(kind, message, text, where, read, label)


def _drop_reason(drop: Drop, followed: frozenset[int], names: dict[int, str]) -> Reason | None:
    asn = drop.asn
    rule: Rule = asn.rule
    label = [asn.candidate.id] if asn.candidate.id else []
    if drop.kind == "hook":
        if any(_has(p.members, followed) for p in drop.produced):
            return None
        entry = get_hook(drop.hook)
        summary = entry.summary if entry is not None else ""
        where = str(rule.origin) if rule.origin else ""
        message = f"finalize hook {drop.hook!r} left it out: {summary}"
        return Reason("hook", message, drop.hook, where, runs=label)
    if drop.kind == "valid":
        check = rule.valid_origins[drop.check] if drop.check < len(rule.valid_origins) else None
        return Reason(
            "valid",
            f"its association ({_pins(asn)}) failed a validity check",
            check.text if check else "",
            str(check) if check else "",
            runs=label,
        )
    kept = drop.kept
    kept_name = names.get(id(kept), "") if kept is not None else ""
    kept_text = kept_name or (
        f"an association of {kept.rule.name} for {kept.candidate.id}" if kept else "another"
    )
    if drop.kind == "duplicate":
        message = f"de-duplication: the same members are kept in {kept_text}"
    else:
        message = f"de-duplication: same product name, the larger {kept_text} is kept"
    return Reason(drop.kind, f"its association ({_pins(asn)}) was dropped, {message}", runs=label)


def _pins(asn: Association) -> str:
    shown = {k: asn.spelling.get(v, v) for k, v in asn.pins.items()}
    return " ".join(f"{k}={v!r}" for k, v in shown.items()) or "no pinned values"


def _value_text(value: str | None, not_set: frozenset[str]) -> str:
    if value is None:
        return ABSENT
    return f"{value!r} (not set)" if value in not_set else repr(value)


def render_text(explanations: Sequence[Explanation]) -> str:
    """The explanations as text: associations first, then rules grouped by reason."""
    out: list[str] = []
    for item in explanations:
        out.append(f"{item.exposure} (row {item.row})" if item.exposure else f"row {item.row}")
        if item.associations:
            out.append("  in:")
            out.extend(
                f"    {p.file}  rule {p.rule} ({p.asn_type})  role {p.role}"
                + (f"  {p.kind_field} {p.exptype}" if p.exptype else "")
                for p in item.associations
            )
        else:
            out.append("  in no association")
        groups: dict[str, list[str]] = {}
        for rule, reasons in item.rules.items():
            text = "\n".join(_reason_text(r, item.not_set) for r in reasons)
            groups.setdefault(text, []).append(rule)
        if groups:
            out.append("  not taken by:")
        for text, rules in groups.items():
            out.append(f"    {', '.join(rules)}:")
            out.append(text)
    return "\n".join(out)


def _reason_text(reason: Reason, not_set: frozenset[str]) -> str:
    runs = f" [{', '.join(reason.runs)}]" if reason.runs else ""
    lines = [f"      {reason.message}{runs}"]
    if reason.condition or reason.where:
        where = f"{reason.where}: " if reason.where else ""
        lines.append(f"        {where}{' '.join(reason.condition.split())}")
    lines.extend(
        f"        {name} = {_value_text(value, not_set)}" for name, value in reason.values.items()
    )
    return "\n".join(lines)


def as_json(explanations: Sequence[Explanation]) -> list[dict[str, Any]]:
    """The explanations as JSON-ready data."""
    return [{k: v for k, v in asdict(e).items() if k != "not_set"} for e in explanations]
