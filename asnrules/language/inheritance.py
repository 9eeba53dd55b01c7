"""``defaults``, ``extends`` and ``bases``: the field values a rule ends up with.

A rule starts from its file's ``defaults`` (themselves starting from the bases they
extend), then takes each rule or base it ``extends`` in order, then its own fields;
:func:`asnrules.language.merging.combine` says how two sets of fields combine. Bases
never take a file's ``defaults``: they are blocks that defaults and rules start from.
"""

from __future__ import annotations

from asnrules.diagnostics import Severity
from asnrules.language.definitions import Catalog
from asnrules.language.documents import Located
from asnrules.language.loadstate import LoadState
from asnrules.language.merging import combine, roles_of
from asnrules.language.models import Rule as RuleModel
from asnrules.language.positions import SourceMap
from asnrules.language.suggest import did_you_mean

Fields = dict[str, Located]
_NOT_FIELDS = ("extends", "description", "replace")
_AFTER = "(generate -r stage3 -r this.yaml; lint stage3 this.yaml)"
"""How a file is loaded after the ruleset whose rules it extends."""


class Inheritance:
    """Resolves the fields of rules, bases and defaults of one load."""

    def __init__(self, state: LoadState, catalog: Catalog) -> None:
        self.state = state
        self.catalog = catalog

    def rule_fields(self, name: str) -> Fields | None:
        """Fields of rule ``name`` of the main file; ``None`` (reported) when unresolved."""
        return self._merged(name, self.catalog.bases[name], (), with_defaults=True)

    def _merged(
        self, name: str, where: Located, chain: tuple[int, ...], *, with_defaults: bool
    ) -> Fields | None:
        rule: RuleModel = where.value
        fields: Fields = {}
        if with_defaults:
            defaults = self._defaults(where.source, chain)
            if defaults is None:
                return None
            fields = defaults
        for i, base_name in enumerate(rule.extends):
            base_loc = Located(base_name, where.source, (*where.path, "extends", i))
            base = self._base(name, where, base_loc, chain)
            if base is None:
                return None
            inherited = self._merged(
                base_name, base, (*chain, id(where)), with_defaults=base.path[0] == "rules"
            )
            if inherited is None:
                return None
            fields = combine(fields, inherited)
        own = own_fields(where)
        self._warn_near_roles(fields.get("members"), own.get("members"))
        return combine(fields, own, rule.replace)

    def _warn_near_roles(self, inherited: Located | None, own: Located | None) -> None:
        """ASN704 for a new role named like an inherited one (a misspelled role adds one)."""
        before = roles_of(inherited)
        for name, parts in roles_of(own).items():
            hint = did_you_mean(name, before) if before and name not in before else ""
            if hint:
                message = (
                    f"role {name!r} is not inherited, so it is a new role, tried after "
                    f"{', '.join(before)}{hint}"
                )
                self.state.at(parts.where, "ASN704", message, key=True, severity=Severity.WARNING)

    def _base(
        self, name: str, where: Located, base_loc: Located, chain: tuple[int, ...]
    ) -> Located | None:
        """The rule or base ``base_loc`` names (reported when there is none, or a cycle)."""
        base_name = str(base_loc.value)
        bases = self.catalog.bases
        base = self.catalog.earlier.get(id(where)) if base_name == name else bases.get(base_name)
        if base is None and base_name == name:
            message = (
                f"rule {name!r} extends itself, and no earlier ruleset defines it: load "
                f"this file after the one that does {_AFTER} or include that"
            )
            self.state.report(base_loc, "ASN307", message)
            return None
        if base is None:
            hint = did_you_mean(base_name, bases) or (
                ": a rule or base of another file is known when this file includes it, or "
                f"comes after it {_AFTER}"
            )
            self.state.report(base_loc, "ASN306", f"unknown rule or base {base_name!r}{hint}")
            return None
        if id(base) in chain or base is where:
            self.state.report(base_loc, "ASN307", f"{name!r} extends itself through {base_name!r}")
            return None
        return base

    def _defaults(self, source: SourceMap, chain: tuple[int, ...]) -> Fields | None:
        """The fields the ``defaults`` of the file ``source`` give (``{}`` without any)."""
        for f in self.state.files:
            if f.source is source and f.document.defaults is not None:
                where = Located(f.document.defaults, source, ("defaults",))
                if id(where.value) in chain:
                    return {}
                return self._merged(
                    "defaults", where, (*chain, id(where.value)), with_defaults=False
                )
        return {}


def own_fields(where: Located) -> Fields:
    """The fields written in the rule model at ``where``, each where it was written."""
    rule: RuleModel = where.value
    return {
        key: Located(getattr(rule, key), where.source, (*where.path, key))
        for key in rule.model_fields_set
        if key not in _NOT_FIELDS
    }
