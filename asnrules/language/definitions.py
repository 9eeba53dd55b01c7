"""The definitions of a rule file and its includes, gathered into one namespace.

``lists``, ``maps``, ``tables``, ``conditions`` and ``values`` share one namespace: a
name defined in two of them is an error (a later file may redefine a name of the same
kind on purpose). Attributes, groups, shared roles, templates, bases and rules are
gathered by name for the modules that compile rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asnrules.language.documents import Located, Parsed
from asnrules.language.functions import ROW
from asnrules.language.loadstate import LoadState
from asnrules.language.models import Document
from asnrules.language.positions import SourceMap

_KINDS = ("lists", "maps", "tables", "conditions", "values")
_KIND_NAMES = {
    "lists": "a list",
    "maps": "a map",
    "tables": "a table",
    "conditions": "a condition",
    "values": "a value",
    "bases": "a base",
    "rules": "a rule",
}


@dataclass
class Catalog:
    """Named building blocks of the files of one load, each where it was written."""

    attributes: dict[str, Located] = field(default_factory=dict)
    groups: dict[str, Located] = field(default_factory=dict)
    templates: dict[str, Located] = field(default_factory=dict)
    roles: dict[str, Located] = field(default_factory=dict)
    bases: dict[str, Located] = field(default_factory=dict)
    """Bases and rules of every file, by name: what ``extends`` may name."""
    earlier: dict[int, Located] = field(default_factory=dict)
    """A rule redefined by a later file (by ``id`` of the later one): what it may extend."""


def collect(state: LoadState) -> Catalog:
    """Gather the definitions of ``state``'s files, compile the named expressions.

    Parameters
    ----------
    state : LoadState
        The files being loaded; their definitions go to ``state.defs`` and settings to
        ``state.ruleset``.

    Returns
    -------
    Catalog
        Attributes, groups, roles, templates, bases and rules by (lower-case) name.
    """
    catalog = Catalog()
    defined: dict[str, tuple[str, Located]] = {}
    for f in state.files:
        doc, src = f.document, f.source
        for kind in _KINDS:
            for name in getattr(doc, kind):
                _check_clash(state, defined, kind, Located(name, src, (kind, name)))
        _definitions(state, f.document, src)
        for name, spec in doc.attributes.items():
            catalog.attributes[name.lower()] = Located(spec, src, ("attributes", name))
            for alias in getattr(spec, "aliases", ()):
                state.ruleset.aliases[alias.lower()] = name.lower()
        for name, members in doc.groups.items():
            catalog.groups[name.lower()] = Located(members, src, ("groups", name))
        for name, role in doc.roles.items():
            catalog.roles[name.lower()] = Located(role, src, ("roles", name))
        for name, text in doc.templates.items():
            catalog.templates[name.lower()] = Located(text, src, ("templates", name))
        extendable: dict[str, tuple[str, Located]] = {}
        for kind in ("bases", "rules"):
            for name, rule in getattr(doc, kind).items():
                located = Located(rule, src, (kind, name))
                _check_clash(state, extendable, kind, located)
                if name in catalog.bases:  # a later file's rule may extend the earlier one
                    catalog.earlier[id(located)] = catalog.bases[name]
                catalog.bases[name] = located
        _settings(state, f.document)
    state.ruleset.optional_columns = state.ruleset.optional_columns | state.defs.optional_columns
    state.defs.conditions = frozenset(n.lower() for f in state.files for n in f.document.conditions)
    for name, where in state.expr_where.items():
        state.compile_named(name, where)
    return catalog


def _check_clash(
    state: LoadState, defined: dict[str, tuple[str, Located]], kind: str, where: Located
) -> None:
    """Report ``where`` if its name is already defined as another kind of thing."""
    name = str(where.path[-1]).lower()
    earlier = defined.get(name)
    defined[name] = (kind, where)
    if earlier is None or earlier[0] == kind:
        return
    other_kind, other = earlier
    pos = other.source.locate(other.path, key=True)
    state.at(
        where,
        "ASN117",
        f"{where.path[-1]!r} is defined as {_KIND_NAMES[kind]} and as "
        f"{_KIND_NAMES[other_kind]} ({other.source.path}:{pos.line}): one name, one "
        "definition; rename one of them",
        key=True,
    )


def _definitions(state: LoadState, doc: Document, src: SourceMap) -> None:
    """Add the lists, maps, tables and named expressions of one file to ``state.defs``."""
    defs = state.defs
    lists = doc.lists
    defs.lists.update({k.lower(): tuple(v.lower() for v in vs) for k, vs in lists.items()})
    defs.maps.update(
        {k.lower(): {a.lower(): b.lower() for a, b in m.items()} for k, m in doc.maps.items()}
    )
    defs.tables.update(
        {
            k.lower(): frozenset(tuple(c.lower() for c in row) for row in t)
            for k, t in doc.tables.items()
        }
    )
    for kind in ("conditions", "values"):
        for name, text in getattr(doc, kind).items():
            where = Located(text, src, (kind, name))
            node = state.parse(where)
            if node is not None:
                state.ctx.expressions.append(Parsed(where, node, ROW))
                defs.expressions[name.lower()] = node
                state.expr_where[name.lower()] = where
    defs.columns = frozenset(defs.columns | {c.lower() for c in doc.columns})
    defs.optional_columns = frozenset(
        defs.optional_columns | {c.lower() for c in doc.optional_columns}
    )


def _settings(state: LoadState, doc: Document) -> None:
    """Apply one file's pool settings (not-set values, identity, candidates)."""
    ruleset = state.ruleset
    not_set = doc.not_set
    if not_set is not None:
        state.defs.not_set = frozenset(v.lower() for v in not_set)
        ruleset.not_set = state.defs.not_set
    identity = doc.identity
    if identity:
        ruleset.identity = identity.lower()
    candidates = doc.candidates
    if candidates:
        ruleset.candidate_column = candidates.column.lower()
        ruleset.discovered_id = candidates.discovered_id.lower()
        ruleset.discovered_type = candidates.discovered_type.lower()
