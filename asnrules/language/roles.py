"""Roles: the ``members`` map of a rule, shared roles reached through ``extends``.

A role written ``name: {extends: shared, ...}`` starts from the shared role ``shared``
of a ``roles`` section and applies its own keys on top, key by key.
"""

from __future__ import annotations

from asnrules.engine.ruleset import Role
from asnrules.language.attributes import Attributes
from asnrules.language.compiler import MEMBER, Compiled
from asnrules.language.definitions import Catalog
from asnrules.language.documents import Located
from asnrules.language.functions import ASSOCIATION
from asnrules.language.loadstate import LoadState, origin
from asnrules.language.merging import RoleParts, entries, roles_of
from asnrules.language.suggest import did_you_mean

DEFAULT_ROLE = "member"
"""The role of every member of a rule without ``members``."""


def compile_roles(
    state: LoadState, catalog: Catalog, attributes: Attributes, members: Located | None
) -> tuple[Role, ...]:
    """The compiled roles of a rule's (merged) ``members``, in order.

    A role whose shared role is unknown is reported and left out.
    """
    if members is None:
        return (Role(DEFAULT_ROLE, None),)
    resolved: dict[str, RoleParts] = {}
    for name, parts in roles_of(members).items():
        found = _resolve(state, catalog, parts, ())
        if found is not None:
            resolved[name] = found
    return tuple(
        _role(state, attributes, name, parts, set(resolved)) for name, parts in resolved.items()
    )


def _resolve(
    state: LoadState, catalog: Catalog, parts: RoleParts, seen: tuple[str, ...]
) -> RoleParts | None:
    """``parts`` on top of the shared role it extends (and that role's own base)."""
    base = parts.keys.get("extends")
    if base is None or base.value is None:
        return parts
    name = str(base.value).lower()
    shared = catalog.roles.get(name)
    if shared is None or name in seen:
        problem = "unknown role" if shared is None else "a shared role extending itself:"
        hint = did_you_mean(name, catalog.roles) if shared is None else ""
        state.report(base, "ASN305", f"{problem} {base.value!r}{hint}")
        return None
    inherited = _resolve(state, catalog, RoleParts.of(shared), (*seen, name))
    if inherited is None:
        return None
    own = {k: v for k, v in parts.keys.items() if k != "extends"}
    return inherited.over(RoleParts(parts.where, own))


def _role(
    state: LoadState, attributes: Attributes, name: str, parts: RoleParts, role_names: set[str]
) -> Role:
    keys = parts.keys

    def value(key: str) -> object:
        return keys[key].value if key in keys else None

    def names(key: str) -> list[Located]:
        where = keys.get(key)
        if where is None:
            return []
        return [Located(v, where.source, (*where.path, i)) for i, v in enumerate(where.value)]

    when_loc = keys.get("when") if value("when") is not None else None
    when = state.expr(when_loc) if when_loc is not None else None
    fields: list[tuple[str, Compiled]] = []
    for key, entry in entries(keys.get("member_fields")).items():
        compiled = state.expr(entry, MEMBER)
        if compiled is not None:
            fields.append((key, compiled))
    share, record, link, differs = (
        attributes.resolve(names(key)) for key in ("share", "record", "link", "differs")
    )
    requires = None
    if value("requires") is not None:
        requires = state.expr(keys["requires"], ASSOCIATION, attributes.names(), role_names)
    limit, creates = value("limit"), value("creates")
    return Role(
        name,
        when,
        share=share,
        record=record,
        link=link,
        limit=limit if isinstance(limit, int) else None,
        creates=bool(creates) if creates is not None else not link,
        member_fields=tuple(fields),
        rejoin=bool(value("rejoin")),
        requires=requires,
        differs=differs,
        keeps_creating=bool(value("keeps_creating")),
        origin=origin(when_loc if when_loc is not None else parts.where, str(value("when") or "")),
    )
