"""Compiled rules: what the engine runs. Built by :mod:`asnrules.language.loader`.

Nothing here knows YAML, pydantic or Lark: every expression is already a closure of a
:class:`~asnrules.language.compiler.Scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from asnrules.engine.scope import Compiled

if TYPE_CHECKING:
    from asnrules.engine.association import Association

FinalizeStep = Callable[["Association"], "list[Association]"]
"""A finalize hook bound to its rule: an association in, those replacing it out."""

PRODUCTS = "products"
"""Document key whose value the engine fills with the association's products."""


@dataclass(frozen=True)
class Origin:
    """Where a piece of a rule was written: its text and its place in a rule file.

    Compiled rules keep these only to explain themselves (``asnrules explain`` and the
    warnings of ``generate``); the engine never reads them.
    """

    text: str
    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Attribute:
    """A shareable attribute of rows.

    Parameters
    ----------
    name : str
        Attribute name (used by templates and pins).
    value : Compiled
        Row-context closure giving the value.
    optional : bool
        Rows lacking the value may still be members.
    when : Compiled or None
        Only rows where this holds are checked.
    """

    name: str
    value: Compiled
    optional: bool = False
    when: Compiled | None = None
    origin: Origin | None = field(default=None, compare=False)
    """Where the attribute is defined."""


@dataclass(frozen=True)
class Role:
    """One way of being a member (see :class:`asnrules.language.models.Role`)."""

    name: str
    when: Compiled | None
    share: tuple[Attribute, ...] = ()
    record: tuple[Attribute, ...] = ()
    link: tuple[Attribute, ...] = ()
    limit: int | None = None
    creates: bool = True
    member_fields: tuple[tuple[str, Compiled], ...] = ()
    """Member fields of this role's members, merged over the rule's."""
    rejoin: bool = False
    requires: Compiled | None = None
    differs: tuple[Attribute, ...] = ()
    keeps_creating: bool = False
    origin: Origin | None = field(default=None, compare=False)
    """Where the role is written; its ``text`` is the ``when`` condition, if any."""


@dataclass(frozen=True)
class Summary:
    """A compiled ``summarize`` (see :class:`asnrules.language.models.Summarize`)."""

    role: str
    choose: Compiled | None
    into: tuple[tuple[tuple[str, Compiled], ...], ...]


@dataclass(frozen=True)
class Rule:
    """A compiled association rule.

    Parameters
    ----------
    name : str
        Rule name, e.g. ``Asn_Lv3Image``.
    stage : str
        Name of the ruleset file the rule belongs to; associations are finalized,
        de-duplicated and numbered stage by stage, in ruleset order.
    asn_type : str
        Association type written to the output.
    select : Compiled or None
        Row condition every member satisfies.
    share : tuple of Attribute
        Attributes pinned by the first member for all members.
    roles : tuple of Role
        Ways of being a member, tried in order.
    member_fields : tuple of (str, Compiled)
        Member fields in output order (member context).
    product : Compiled
        Product name (association context).
    document : tuple of (str, Compiled or None)
        Top-level keys in output order; ``None`` marks the products.
    valid : tuple of Compiled
        Association-level checks, all of which must hold at finalize.
    finalize : tuple of FinalizeStep
        Hooks run at finalize, in order (:class:`asnrules.engine.hooks.BoundHook`).
    file : Compiled or None
        File name without extension (association context, ``sequence`` known).
    location : tuple of (str, int, int)
        Where the rule's file name is written (its ``file`` template, else the rule's
        name): path, line and column, for messages about the files it names.
    summarize : Summary or None
        Members of one role replaced at finalize, before the hooks.
    origin : Origin or None
        Where the rule is defined.
    selects : tuple of (Compiled, Origin)
        The written ``select`` conditions whose conjunction is ``select``, in order.
    valid_origins : tuple of Origin
        Where each ``valid`` check is written (same order as ``valid``).
    hook_names : tuple of str
        The names of the ``finalize`` hooks (same order as ``finalize``).
    """

    name: str
    stage: str
    asn_type: str
    select: Compiled | None
    share: tuple[Attribute, ...]
    roles: tuple[Role, ...]
    member_fields: tuple[tuple[str, Compiled], ...]
    product: Compiled
    document: tuple[tuple[str, Compiled | None], ...]
    valid: tuple[Compiled, ...] = ()
    finalize: tuple[FinalizeStep, ...] = ()
    file: Compiled | None = None
    location: tuple[str, int, int] = ("", 0, 0)
    summarize: Summary | None = None
    origin: Origin | None = field(default=None, compare=False)
    selects: tuple[tuple[Compiled, Origin], ...] = field(default=(), compare=False)
    valid_origins: tuple[Origin, ...] = field(default=(), compare=False)
    hook_names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key_attributes(self) -> tuple[Attribute, ...]:
        """Shared attributes every member has: the index key of associations."""
        return tuple(a for a in self.share if not a.optional and a.when is None)


@dataclass(frozen=True)
class Stage:
    """The rules of one ruleset file, finalized together."""

    name: str
    path: Path
    deduplicate: bool = True
    mergeable: bool = False


@dataclass
class Ruleset:
    """A set of compiled rules, the registry the engine applies to a pool.

    Parameters
    ----------
    rules : dict
        Rules by name, in the order they are tried.
    stages : list of Stage
        Ruleset files in order.
    reoffers : tuple of Compiled
        Row conditions: matching rows are offered again to every association last.
    not_set : frozenset of str
        Values that count as absent.
    identity : str
        Column identifying an exposure (a row already a member is not added twice).
    candidate_column, discovered_id, discovered_type : str
        Candidate settings.
    required_columns : dict
        Column name to where a rule first reads it (``path:line:col``).
    optional_columns : frozenset of str
        Columns a pool may lack (read as absent).
    aliases : dict
        Other name of an attribute to its name (an attribute's ``aliases``).
    """

    rules: dict[str, Rule] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    reoffers: tuple[Compiled, ...] = ()
    not_set: frozenset[str] = frozenset({"", "null"})
    identity: str = "filename"
    candidate_column: str = "asn_candidate"
    discovered_id: str = "a0001"
    discovered_type: str = "discovered"
    required_columns: dict[str, str] = field(default_factory=dict)
    optional_columns: frozenset[str] = frozenset()
    aliases: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, list[tuple[Origin, bool]]] = field(default_factory=dict)
    """Rule name to every definition of it, in load order, with whether its file is bundled."""
    reads: dict[int, tuple[Compiled, frozenset[str]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """The pool columns each row-context closure may read, by ``id`` of the closure (see
    :mod:`asnrules.engine.rowfacts`); a closure missing here is assumed to read anything."""

    def __iter__(self) -> Iterable[Rule]:  # type: ignore[override]
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, name: str) -> Rule:
        return self.rules[name]

    def __contains__(self, name: object) -> bool:
        return name in self.rules

    def missing_columns(self, columns: Iterable[str]) -> dict[str, str]:
        """Return the required columns absent from ``columns``, with where they are used."""
        present = set(columns)
        return {c: where for c, where in self.required_columns.items() if c not in present}
