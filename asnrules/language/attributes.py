"""Shareable attributes: compiled from their expressions, resolved by name or group.

An attribute's value is an expression. A bare column (``instrume``) and a column
fallback (``first_set(pupil, grating)``) compile to plain column readers whose columns
are noted in ``ruleset.reads``, which the engine's row memos rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from asnrules.engine.ruleset import Attribute
from asnrules.language import expressions as ex
from asnrules.language.compiler import MEMBER, Compiled
from asnrules.language.definitions import Catalog
from asnrules.language.documents import Located
from asnrules.language.loadstate import LoadState, origin
from asnrules.language.suggest import did_you_mean

FALLBACK = "first_set"
"""The function whose column arguments make a column fallback."""


class Attributes:
    """Compiles attributes on first use; each is compiled (and reported) once."""

    def __init__(self, state: LoadState, catalog: Catalog) -> None:
        self.state = state
        self.specs = catalog.attributes
        self.groups = catalog.groups
        self._cache: dict[str, Attribute | None] = {}

    def names(self) -> set[str]:
        """The names of every attribute."""
        return set(self.specs)

    def resolve(self, names: Iterable[Located]) -> tuple[Attribute, ...]:
        """The attributes named at ``names`` (groups expanded, ``name?`` optional), once each."""
        result: dict[str, Attribute] = {}
        for where in names:
            name = str(where.value).lower()
            bare, suffix = name.rstrip("?"), "?" if name.endswith("?") else ""
            if bare in self.groups:
                group = self.groups[bare]
                inner = [
                    Located(n + suffix, group.source, (*group.path, i))
                    for i, n in enumerate(group.value)
                ]
                found = self.resolve(inner)
            else:
                attribute = self.attribute(bare, where)
                found = () if attribute is None else (attribute,)
            for attribute in found:
                if suffix and not attribute.optional:
                    attribute = replace(attribute, optional=True)
                result.setdefault(attribute.name, attribute)
        return tuple(result.values())

    def attribute(self, name: str, where: Located) -> Attribute | None:
        """The attribute ``name`` (reported at ``where`` if there is none)."""
        if name in self._cache:
            return self._cache[name]
        spec_loc = self.specs.get(name)
        attribute = None
        if spec_loc is None:
            hint = did_you_mean(name, set(self.specs) | set(self.groups))
            self.state.report(
                where,
                "ASN301",
                f"unknown attribute {where.value!r}{hint}; an attribute is declared under "
                f"'attributes:' before it is shared, e.g. '{name}: {name}' to share the "
                "column of that name",
            )
        else:
            attribute = self._compile(name, spec_loc)
        self._cache[name] = attribute
        return attribute

    def _compile(self, name: str, spec_loc: Located) -> Attribute | None:
        spec = spec_loc.value
        text = spec if isinstance(spec, str) else spec.value
        value_loc = (
            spec_loc
            if isinstance(spec, str)
            else Located(spec.value, spec_loc.source, (*spec_loc.path, "value"))
        )
        if text is None:
            self.state.report(spec_loc, "ASN113", f"attribute {name!r} needs a 'value'")
            return None
        value = self._value(value_loc)
        when = None
        if not isinstance(spec, str) and spec.when is not None:
            when_loc = Located(spec.when, spec_loc.source, (*spec_loc.path, "when"))
            when = self.state.expr(when_loc, MEMBER)
        if value is None:
            return None
        return Attribute(name, value, False, when, origin(spec_loc, str(text)))

    def _value(self, where: Located) -> Compiled | None:
        node = self.state.parse(where)
        if node is None:
            return None
        compiled = self.state.compile_node(node, where)
        columns = self._plain_columns(node)
        if compiled is None or columns is None:
            return compiled
        reader = _columns_value(columns)
        self.state.ruleset.reads[id(reader)] = (reader, frozenset(columns))
        return reader

    def _plain_columns(self, node: ex.Node) -> list[str] | None:
        """The columns of a bare column or a column fallback, else ``None``."""
        args = node.args if isinstance(node, ex.Call) and node.function == FALLBACK else (node,)
        defined = self.state.defs.names()
        names = [a.name.lower() for a in args if isinstance(a, ex.Name)]
        if len(names) != len(args) or any(n in defined for n in names):
            return None
        return names


def _columns_value(columns: list[str]) -> Compiled:
    """The value of the first of ``columns`` that is set (a column fallback)."""
    if len(columns) == 1:
        column = columns[0]
        return lambda s: s.row.get(column)

    def first_set(s: Any) -> Any:
        for column in columns:
            value = s.row.get(column)
            if s.truth(value):
                return value
        return None

    return first_set
