"""Decisions of the engine about chosen rows, recorded for ``asnrules explain``.

The engine and finalize take an optional :class:`Tracer`. Without one they record
nothing and pay nothing but an ``is None`` test on the paths where a row is turned away
or an association dropped. With one they report, at the point where they decide, why a
rule did not take a row and why an association was dropped, so an explanation is the
engine's own decision, not a second reading of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from asnrules.engine.association import Association, Member
from asnrules.engine.ruleset import Attribute, Role, Rule


@dataclass(frozen=True)
class Rejection:
    """Why a rule, or one of its associations, did not take a row.

    Parameters
    ----------
    kind : str
        ``select`` (a select condition is false), ``key`` (a shared attribute is not
        set), ``share`` (a shared attribute is not set, or differs from the
        association's value), ``roles`` (no role fits) or ``index`` (no association of
        the rule has the row's values of the attributes that index them, ``key``).
    attribute : Attribute, optional
        The shared attribute (``key`` and ``share``).
    value, pinned : str, optional
        This row's value and the association's value of ``attribute``.
    roles : tuple of (Role, str, Attribute or None)
        For ``roles``: every role and why it did not fit: ``when`` (its condition is
        false), ``creates`` (it cannot start an association), ``full``, ``requires``,
        ``share`` (with the attribute) or ``link``.
    """

    kind: str
    attribute: Attribute | None = None
    value: str | None = None
    pinned: str | None = None
    roles: tuple[tuple[Role, str, Attribute | None], ...] = ()
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A rejection, with the run, row index, rule and association (if any) it concerns."""

    run: Any
    row: int
    rule: Rule
    asn: Association | None
    rejection: Rejection


@dataclass(frozen=True)
class Drop:
    """An association dropped (or replaced) at finalize.

    Parameters
    ----------
    kind : str
        ``hook`` (a finalize hook replaced it by ``produced``), ``valid`` (check number
        ``check`` is false), ``duplicate`` or ``subset`` (``kept`` stays instead).
    asn : Association
        The association concerned.
    hook : str
        The hook's name (``hook``).
    check : int
        Index of the failing check in the rule's ``valid`` (``valid``).
    kept : Association, optional
        The association kept instead (``duplicate``, ``subset``).
    produced : tuple of Association
        What the hook returned (``hook``).
    members : tuple of Member
        The association's members before the hook ran (``hook``; hooks may change an
        association in place).
    """

    kind: str
    asn: Association
    hook: str = ""
    check: int = -1
    kept: Association | None = None
    produced: tuple[Association, ...] = ()
    members: tuple[Member, ...] = ()


@dataclass
class Tracer:
    """Collects the engine's decisions about the pool rows in ``wanted``.

    Rows are followed by their pool row, through the copies runs make of them: a run's
    row ``i`` is pool row ``run.origins[i]``, and a member's is its ``source``.

    Parameters
    ----------
    wanted : set of int
        Indexes in the pool of the rows to follow.
    """

    wanted: set[int]
    decisions: list[Decision] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)

    def rejected(
        self, run: Any, i: int, rule: Rule, asn: Association | None, rejection: Rejection
    ) -> None:
        """The engine did not let row ``i`` of ``run`` into ``rule`` (or into ``asn``)."""
        if run.origins[i] in self.wanted:
            self.decisions.append(Decision(run, i, rule, asn, rejection))

    def dropped(self, drop: Drop) -> None:
        """Finalize dropped or replaced an association."""
        if any(m.source in self.wanted for m in (*drop.members, *drop.asn.members)):
            self.drops.append(drop)
