"""The association API that finalize hooks program against, and the hook protocol.

A finalize hook is a :class:`FinalizeHook`: it receives one :class:`HookAssociation` and
returns the associations that replace it (an empty list drops it). It reads and changes
the association only through this API: members (:class:`HookMember`, read-only views),
attribute values, templates, :meth:`HookAssociation.add`, :meth:`HookAssociation.drop`
and :meth:`HookAssociation.copy`.

Every hook declares what it reads (:class:`Needs`). The loader checks, when a rule names
the hook, that the rule provides the declared attributes, member fields and templates;
at run time the API refuses to read anything undeclared (:class:`UndeclaredNeedError`), so the
declaration is always the whole story.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from asnrules.engine.association import Association, Member
from asnrules.engine.scope import Compiled
from asnrules.engine.values import is_set


@dataclass(frozen=True)
class Needs:
    """What a hook reads, declared when it is registered.

    Parameters
    ----------
    attributes : tuple of str
        Attributes whose pinned or recorded values it reads: the rule must share or
        record each of them (checked at load).
    fields : tuple of str
        Member fields it reads or writes: the rule's ``member`` map must define each
        (checked at load).
    templates : tuple of str
        Templates it renders (association context): the ruleset must define each, and
        each must compile in the rule (checked at load).
    columns : tuple of str
        Pool columns it reads from its members' rows. A pool may lack them (the member
        then reads ``None``), so they are documentation, not checked at load.
    """

    attributes: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


NO_NEEDS = Needs()
"""The needs of a hook that reads nothing but its members' roles and whole field maps."""


class UndeclaredNeedError(LookupError):
    """A hook read an attribute, field, template or column it did not declare."""


class HookMember:
    """A read-only view of one member, for hooks.

    Parameters
    ----------
    member : Member
        The engine's member.
    needs : Needs
        What the hook declared (reads outside it raise :class:`UndeclaredNeedError`).
    hook : str
        The hook's name, for messages.
    """

    __slots__ = ("_hook", "_member", "_needs")

    def __init__(self, member: Member, needs: Needs, hook: str) -> None:
        self._member = member
        self._needs = needs
        self._hook = hook

    @property
    def role(self) -> str:
        """The member's role (``extra`` for members added by ``add`` without one)."""
        return self._member.role

    @property
    def fields(self) -> Mapping[str, object]:
        """All the member's output fields (read-only): to copy them into a new member."""
        return MappingProxyType(self._member.fields)

    def field(self, name: str) -> object:
        """The member field ``name`` (declared in :attr:`Needs.fields`), or ``None``."""
        _require(name, self._needs.fields, "member field", self._hook)
        return self._member.fields.get(name)

    def column(self, name: str) -> str | None:
        """The pool row's value of column ``name`` (declared in :attr:`Needs.columns`).

        ``None`` when the member's row has no such column.
        """
        _require(name, self._needs.columns, "column", self._hook)
        return self._member.row.get(name)

    def same(self, other: HookMember) -> bool:
        """Whether both views show the same member."""
        return self._member is other._member

    def __repr__(self) -> str:
        return f"HookMember({self.role!r}, {dict(self._member.fields)!r})"


class HookAssociation:
    """One association as a hook sees and changes it.

    Parameters
    ----------
    asn : Association
        The engine's association (changed in place by :meth:`add` and :meth:`drop`).
    needs : Needs
        What the hook declared.
    hook : str
        The hook's name, for messages.
    templates : mapping of str to Compiled
        The declared templates, compiled in the rule's association context.
    """

    __slots__ = ("_asn", "_hook", "_needs", "_templates")

    def __init__(
        self, asn: Association, needs: Needs, hook: str, templates: Mapping[str, Compiled]
    ) -> None:
        self._asn = asn
        self._needs = needs
        self._hook = hook
        self._templates = templates

    # -- reading --------------------------------------------------------------------------
    @property
    def rule(self) -> str:
        """The name of the rule that made the association."""
        return self._asn.rule.name

    @property
    def candidate_id(self) -> str:
        """The candidate id (``o001``, ``c1000``...)."""
        return self._asn.asn_id

    @property
    def members(self) -> tuple[HookMember, ...]:
        """The members, in order."""
        return tuple(self._view(m) for m in self._asn.members)

    def members_where(self, field: str, value: object) -> list[HookMember]:
        """The members whose field ``field`` (declared) equals ``value``, in order."""
        _require(field, self._needs.fields, "member field", self._hook)
        return [self._view(m) for m in self._asn.members if m.fields.get(field) == value]

    def values(self, attribute: str) -> frozenset[str]:
        """Every value of ``attribute`` (declared) the association pinned or recorded."""
        _require(attribute, self._needs.attributes, "attribute", self._hook)
        return self._asn.values(attribute)

    def pinned(self, attribute: str) -> str | None:
        """The value the members share for ``attribute`` (declared), or ``None``."""
        _require(attribute, self._needs.attributes, "attribute", self._hook)
        return self._asn.pins.get(attribute)

    def recorded(self, attribute: str) -> tuple[str, ...]:
        """The values recorded for ``attribute`` (declared), in the order first seen."""
        _require(attribute, self._needs.attributes, "attribute", self._hook)
        return tuple(self._asn.recorded.get(attribute, ()))

    def is_set(self, value: object) -> bool:
        """Whether ``value`` counts as set under the ruleset's "not set" values."""
        return is_set(value, self._asn.not_set)

    def template(self, name: str, focus: HookMember | None = None) -> str:
        """Render the template ``name`` (declared) for this association.

        Parameters
        ----------
        name : str
            A template of :attr:`Needs.templates`.
        focus : HookMember, optional
            A member put first, so that its role's name in the template
            (``direct_image.filter``) reads this member.
        """
        _require(name, self._needs.templates, "template", self._hook)
        asn = self._asn
        if focus is not None:
            chosen = focus._member
            asn = asn.with_members([chosen, *(m for m in asn.members if m is not chosen)])
        return str(self._templates[name](asn.scope(asn.not_set)))

    # -- changing -------------------------------------------------------------------------
    def add(self, role: str, fields: Mapping[str, object], like: HookMember) -> HookMember:
        """Append a member that no pool row of its own stands for.

        Parameters
        ----------
        role : str
            Its role.
        fields : mapping
            Its output fields, exactly (copy ``like.fields`` to keep the others).
        like : HookMember
            The member whose pool row it stands for (what templates and columns read).
        """
        member = Member(like._member.row, role, dict(fields), like._member.source)
        self._asn.members.append(member)
        return self._view(member)

    def drop(self, members: Iterable[HookMember]) -> None:
        """Remove these members."""
        gone = {id(m._member) for m in members}
        self._asn.members[:] = [m for m in self._asn.members if id(m) not in gone]

    def copy(self, members: Sequence[HookMember] | None = None) -> HookAssociation:
        """A new association of the same rule and candidate, with the same shared values.

        Parameters
        ----------
        members : sequence of HookMember, optional
            Its members, in this order (default: all of this association's), copied:
            changing one association leaves the other as it is.
        """
        chosen = self._asn.members if members is None else [m._member for m in members]
        made = self._asn.with_members(
            [Member(m.row, m.role, dict(m.fields), m.source) for m in chosen]
        )
        return HookAssociation(made, self._needs, self._hook, self._templates)

    def unwrap(self) -> Association:
        """The engine's association (for the engine, not for hooks)."""
        return self._asn

    def _view(self, member: Member) -> HookMember:
        return HookMember(member, self._needs, self._hook)


class FinalizeHook(Protocol):
    """A finalize hook: one association in, the associations that replace it out."""

    def __call__(self, asn: HookAssociation, /) -> list[HookAssociation]:
        """Return the associations replacing ``asn`` (``[asn]`` keeps it, ``[]`` drops it)."""
        ...


def _require(name: str, declared: tuple[str, ...], kind: str, hook: str) -> None:
    if name not in declared:
        raise UndeclaredNeedError(f"hook {hook!r} reads the {kind} {name!r} it does not declare")
