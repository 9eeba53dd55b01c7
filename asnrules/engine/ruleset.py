"""Compiled rules: what the engine runs. Built by :mod:`asnrules.language.loader`.

Nothing here knows YAML, pydantic or Lark: every expression is already a closure of a
:class:`~asnrules.language.compiler.Scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
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

    @cached_property
    def key_attributes(self) -> tuple[Attribute, ...]:
        """Shared attributes every member in this role has: its index key in a bucket."""
        return tuple(a for a in self.share if not a.optional and a.when is None)


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


SAME_MEMBERS = "same_members"
"""De-duplication rule: of associations with equal member sets, one is kept."""
SAME_PRODUCT = "same_product"
"""De-duplication rule: of two associations naming one product, the smaller is dropped."""
NEWEST_FIRST = "newest_first"
"""De-duplication order: after ``same_members``, the highest candidate id and the latest
made come first (the reference's order); otherwise by candidate id, then as made."""


@dataclass(frozen=True)
class Stage:
    """The rules of one ruleset file, finalized together.

    ``deduplicate`` lists the de-duplication rules applied, in order (``same_members``,
    ``same_product``, and the order ``newest_first``); empty: none. ``member_identity``
    names the member fields that identify a member when associations are compared
    (empty: every field a member has).
    Both come from the file or the nearest of its includes that sets them.
    """

    name: str
    path: Path
    deduplicate: tuple[str, ...] = (SAME_MEMBERS,)
    mergeable: bool = False
    member_identity: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExposureRoots:
    """Orphans judged by exposure names instead of by where members came from.

    A row is a member when the root of its ``column`` value is the root of some written
    member's ``member_field``. The root of a name is its base name (folders dropped) up
    to the last ``separator``, or the whole base name when it has none.
    """

    column: str
    member_field: str
    separator: str

    def root(self, name: object) -> str:
        """The exposure root of a file name."""
        text = str(name)
        base = text if "/" not in text and text not in ("", ".") else Path(text).name
        return base.rsplit(self.separator, 1)[0] if self.separator in base else base


@dataclass
class Ruleset:
    """A set of compiled rules, the registry the engine applies to a pool.

    Parameters
    ----------
    rules : dict
        Rules by name, in the order they are tried.
    stages : list of Stage
        Ruleset files in order.
    final_pass : tuple of Compiled
        Row conditions (``final_pass``): matching rows are offered once more, last, to
        every association.
    not_set : frozenset of str
        Values that count as absent.
    identity : str or None
        Column identifying an exposure: a row whose value is already a member of a rule's
        association counts as joined to that rule. ``None`` (the default): a row is
        identified by its pool row (see :meth:`row_identity`).
    candidate_column : str or None
        The column naming each row's candidates; ``None``: the ruleset has no candidates,
        and generation is discovery only.
    discovered_id, discovered_type : str
        The candidate of discovered associations (by default id ``''``).
    run_prefix : bool
        ``asn_rule`` names the run before the rule (``candidate_Rule``, ``discover_Rule``);
        otherwise it is the rule's name.
    orphans : ExposureRoots or None
        How orphans are judged; ``None``: a row is an orphan when no written member came
        from it.
    case_fold : bool
        Pool values are lower-cased when read (``case: fold``); otherwise kept as written.
    required_columns : dict
        Column name to where a rule first reads it (``path:line:col``).
    optional_columns : frozenset of str
        Columns a pool may lack (read as absent).
    aliases : dict
        Other name of an attribute to its name (an attribute's ``aliases``).
    """

    rules: dict[str, Rule] = field(default_factory=dict)
    stages: list[Stage] = field(default_factory=list)
    final_pass: tuple[Compiled, ...] = ()
    not_set: frozenset[str] = frozenset({"", "null"})
    identity: str | None = None
    candidate_column: str | None = None
    discovered_id: str = ""
    discovered_type: str = "discovered"
    run_prefix: bool = False
    orphans: ExposureRoots | None = None
    case_fold: bool = False
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

    def member_identity(self, rule: Rule) -> tuple[str, ...]:
        """The member fields identifying the members of ``rule``'s associations."""
        stage = next((s for s in self.stages if s.name == rule.stage), None)
        return stage.member_identity if stage is not None else ()

    def row_identity(self, row: Mapping[str, str], source: int) -> str:
        """What identifies ``row``, whose pool row is ``source``.

        Its ``identity`` column's value; without an identity column (or a value), its pool
        row, so the copies a run makes of one row are one row.
        """
        found = row.get(self.identity) if self.identity is not None else None
        return found if found is not None else f"#{source}"

    def missing_columns(self, columns: Iterable[str]) -> dict[str, str]:
        """Return the required columns absent from ``columns``, with where they are used."""
        present = set(columns)
        return {c: where for c, where in self.required_columns.items() if c not in present}
