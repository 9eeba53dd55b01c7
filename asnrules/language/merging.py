"""How rule fields combine along ``defaults`` and ``extends``.

List fields (``select``, ``share``, ``valid``, ``finalize``) accumulate, base first; the
``member_fields`` and ``document`` maps merge key by key; ``members`` merge by role name,
and the keys of a role of the same name key by key; every other field is replaced. Each
item keeps the place it was written, so that errors point at the right file and line.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from asnrules.language.documents import Located
from asnrules.language.positions import PathKey

_ACCUMULATE = ("select", "share", "valid", "finalize")
_MERGE = ("member_fields", "document")


def combine(
    base: dict[str, Located], own: dict[str, Located], replace: Collection[str] = ()
) -> dict[str, Located]:
    """Merge rule fields.

    List fields accumulate (base first), unless named in ``replace``; the ``member_fields``
    and ``document`` maps merge key by key (a base's key keeps its place, a new key comes
    last); ``members`` merge by role name (see :func:`roles_of`); other fields are
    replaced.
    """
    merged = dict(base)
    for key, value in own.items():
        if key == "members":
            inherited = roles_of(merged.get(key))
            for name, parts in roles_of(value).items():
                inherited[name] = inherited[name].over(parts) if name in inherited else parts
            merged[key] = Located(inherited, value.source, value.path)
        elif key in _ACCUMULATE and key in merged and key not in replace:
            merged[key] = _Concat(merged[key], value)
        elif key in _MERGE and key in merged:
            combined = {**entries(merged[key]), **entries(value)}
            merged[key] = Located(combined, value.source, value.path)
        else:
            merged[key] = value
    return merged


def entries(loc: Located | None) -> dict[str, Located]:
    """The located entries of a map field (each keeps the place it was written)."""
    if loc is None:
        return {}
    result: dict[str, Located] = {}
    for key, item in loc.value.items():
        result[key] = (
            item if isinstance(item, Located) else Located(item, loc.source, (*loc.path, key))
        )
    return result


@dataclass
class RoleParts:
    """The keys of one role, each where it was written, and where the role was last written."""

    where: Located
    keys: dict[str, Located] = field(default_factory=dict)

    def over(self, other: RoleParts) -> RoleParts:
        """These keys with ``other``'s written on top, key by key."""
        return RoleParts(other.where, {**self.keys, **other.keys})

    @classmethod
    def of(cls, where: Located) -> RoleParts:
        """The keys written in the role model at ``where``."""
        model = where.value
        return cls(
            where,
            {
                key: Located(getattr(model, key), where.source, (*where.path, key))
                for key in model.model_fields_set
            },
        )


def roles_of(loc: Located | None) -> dict[str, RoleParts]:
    """The roles of a ``members`` field by name, written ones or already merged ones."""
    if loc is None:
        return {}
    result: dict[str, RoleParts] = {}
    for name, role in loc.value.items():
        if isinstance(role, RoleParts):
            result[name] = role
        else:
            result[name] = RoleParts.of(Located(role, loc.source, (*loc.path, name)))
    return result


class _Concat(Located):
    """Two located lists seen as one; items keep their own locations."""

    def __init__(self, first: Located, second: Located) -> None:
        super().__init__(list(first.value) + list(second.value), second.source, second.path)
        self.parts = (first, second)


def _items_of(loc: Located) -> list[Located]:
    if isinstance(loc, _Concat):
        return _items_of(loc.parts[0]) + _items_of(loc.parts[1])
    return [Located(v, loc.source, (*loc.path, i)) for i, v in enumerate(loc.value)]


def items(loc: Located | None) -> list[Located]:
    """Return the located items of a list field, each written item once."""
    if loc is None:
        return []
    unique: dict[tuple[str, PathKey], Located] = {}
    for item in _items_of(loc):
        unique.setdefault((item.source.path, item.path), item)
    return list(unique.values())
