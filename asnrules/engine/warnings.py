"""Warnings of a generation: runs that would otherwise make nothing, or nothing useful, silently.

Each warning is a :class:`~asnrules.diagnostics.Diagnostic` of severity warning, located
where the cause is written (an attribute, a rule, a definition):

- ``ASN601`` a rule selects rows, but a shared attribute reads only columns the pool
  lacks, so no row can take the role that shares it;
- ``ASN602`` a rule made associations but has no member fields (members are ``{}``);
- ``ASN603`` a rule override that a later rule file undoes (known once the rules are
  loaded: :func:`undone_overrides`);
- ``ASN604`` a requested candidate the pool does not name;
- ``ASN606`` a rule of the user's own files (not a bundled one) that made no association.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from asnrules.diagnostics import Diagnostic, Severity
from asnrules.engine.association import Association
from asnrules.engine.ruleset import Attribute, Origin, Role, Rule, Ruleset
from asnrules.engine.scope import RecordingRow, Scope


def warning(
    origin: Origin | None, code: str, message: str, fallback: str = "<rules>"
) -> Diagnostic:
    """A warning located at ``origin`` (or at ``fallback`` when it is unknown)."""
    if origin is None:
        return Diagnostic(fallback, 0, 0, code, message, Severity.WARNING)
    return Diagnostic(origin.path, origin.line, origin.col, code, message, Severity.WARNING)


def generate_warnings(
    ruleset: Ruleset,
    rows: Sequence[dict[str, str]],
    columns: Iterable[str],
    associations: Sequence[Association],
) -> list[Diagnostic]:
    """Every warning about one generation (see the module docstring), in file order."""
    found = [
        *absent_share_columns(ruleset, rows, columns),
        *no_member_fields(ruleset, associations),
        *idle_own_rules(ruleset, rows, associations),
    ]
    return sorted(found)


def read_columns(attribute: Attribute, not_set: frozenset[str]) -> list[str]:
    """The columns ``attribute`` reads from a row that has none of them."""
    row = RecordingRow({})
    attribute.value(Scope(row, not_set))
    return list(row.read)


def _required_shares(rule: Rule) -> list[tuple[Attribute, Role | None]]:
    """Shared attributes a row must have: the rule's and each role's, with the role."""
    found: list[tuple[Attribute, Role | None]] = [(a, None) for a in rule.key_attributes]
    for role in rule.roles:
        found.extend((a, role) for a in role.share if not a.optional and a.when is None)
    return found


def absent_share_columns(
    ruleset: Ruleset, rows: Sequence[dict[str, str]], columns: Iterable[str]
) -> list[Diagnostic]:
    """ASN601: shared attributes whose every column is absent from a pool the rule selects."""
    present = set(columns)
    found: list[Diagnostic] = []
    for rule in ruleset.rules.values():
        for attribute, role in _required_shares(rule):
            read = read_columns(attribute, ruleset.not_set)
            if not read or any(c in present for c in read):
                continue
            selected = _count_selected(rule, role, rows, ruleset.not_set)
            if not selected:
                continue
            lacking = ", ".join(repr(c) for c in read)
            where = f" ({rule.origin})" if rule.origin else ""
            for_role = f" for role {role.name!r}" if role else ""
            found.append(
                warning(
                    attribute.origin,
                    "ASN601",
                    f"rule {rule.name!r}{where} selects {selected} row(s){for_role}, which "
                    f"must share attribute {attribute.name!r}, but the pool lacks its "
                    f"column(s) {lacking}: none of them can join",
                )
            )
    return found


def _count_selected(
    rule: Rule,
    role: Role | None,
    rows: Sequence[dict[str, str]],
    not_set: frozenset[str],
    roles_too: bool = True,
) -> int:
    """Rows the rule selects that could play ``role`` (when ``None``: start an association).

    With ``roles_too`` false, the rows the rule's ``select`` takes, whatever the roles.
    """
    roles = [role] if role is not None else [r for r in rule.roles if r.creates]

    def takes(scope: Scope) -> bool:
        if rule.select is not None and not scope.truth(rule.select(scope)):
            return False
        if not roles_too:
            return True
        return any(r.when is None or scope.truth(r.when(scope)) for r in roles)

    return sum(1 for row in rows if takes(Scope(row, not_set)))


def no_member_fields(ruleset: Ruleset, associations: Sequence[Association]) -> list[Diagnostic]:
    """ASN602: rules that made associations but have no member fields."""
    made: dict[str, int] = {}
    for asn in associations:
        if not asn.rule.member_fields:
            made[asn.rule.name] = made.get(asn.rule.name, 0) + 1
    return [
        warning(
            ruleset.rules[name].origin,
            "ASN602",
            f"rule {name!r} has no member fields: its {count} association(s) write every "
            "member as {}; add 'member_fields' (or extend a rule or base that has them)",
        )
        for name, count in made.items()
        if name in ruleset.rules
    ]


def idle_own_rules(
    ruleset: Ruleset, rows: Sequence[dict[str, str]], associations: Sequence[Association]
) -> list[Diagnostic]:
    """ASN606: rules from the user's files that made no association from this pool.

    Bundled rules are left out: most of them have nothing to do in any one pool. A rule a
    user wrote or adjusted and that made nothing is usually a mistake (a misspelled value,
    a condition too strict), so the warning says whether its ``select`` matched any row.
    """
    made = {asn.rule.name for asn in associations}
    found: list[Diagnostic] = []
    for name, rule in ruleset.rules.items():
        places = ruleset.definitions.get(name)
        if name in made or not places or places[-1][1]:
            continue
        selected = _count_selected(rule, None, rows, ruleset.not_set)
        if selected:
            why = (
                f"{selected} of {len(rows)} row(s) pass its select and the condition of a "
                "role that starts associations, but no association of it was kept "
                "(asnrules explain POOL ROW says why)"
            )
        elif rule.select is not None and not _count_selected(
            rule, None, rows, ruleset.not_set, roles_too=False
        ):
            checks = "; ".join(o.text for _, o in rule.selects)
            why = f"no row of {len(rows)} passes its select (check the values in {checks})"
        else:
            whens = "; ".join(r.origin.text for r in rule.roles if r.creates and r.origin)
            why = (
                f"no row of {len(rows)} passes its select and the condition of a role that "
                "starts associations"
            )
            if whens:
                why += f" (check the values in the roles' when: {whens})"
        found.append(warning(rule.origin, "ASN606", f"rule {name!r} made no association: {why}"))
    return found


def undone_overrides(ruleset: Ruleset) -> list[Diagnostic]:
    """ASN603: a rule definition that a later rule file replaces, undoing an override.

    A definition is reported when it is itself an override (an earlier file defined the
    rule too) or when it comes from the user's file and a bundled ruleset loaded after it
    replaces it: in both cases the file order, not the user, decided.
    """
    return undone_in(ruleset.definitions)


def undone_in(definitions: dict[str, list[tuple[Origin, bool]]]) -> list[Diagnostic]:
    """ASN603 for rule definitions given in load order (see :func:`undone_overrides`)."""
    found: list[Diagnostic] = []
    for name, places in definitions.items():
        if len(places) < 2:
            continue
        last, last_bundled = places[-1]
        for k, (origin, bundled) in enumerate(places[:-1]):
            if origin.path == last.path:
                continue
            if k >= 1 or (last_bundled and not bundled):
                found.append(
                    warning(
                        origin,
                        "ASN603",
                        f"rule {name!r} defined here is replaced by the definition at {last}, "
                        f"loaded later, so this override has no effect; load "
                        f"{origin.path} after {last.path} to override it",
                    )
                )
    return found


def unknown_candidate_warnings(pool: str, ids: Iterable[str]) -> list[Diagnostic]:
    """ASN604: requested candidates that the pool does not name."""
    return [
        Diagnostic(pool, 0, 0, "ASN604", f"candidate {cid!r} not found in pool", Severity.WARNING)
        for cid in ids
    ]
