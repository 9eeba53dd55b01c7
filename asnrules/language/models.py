"""Pydantic models of rule documents: the shape a rule file must have.

Models validate structure only: expressions are kept as source strings here and parsed
by the loader, which knows their file positions. Unknown keys are rejected (the loader
suggests the nearest valid key). Every scalar arrives as a string (see
:mod:`asnrules.language.positions`); numeric and boolean fields are converted by pydantic.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Expression = str
"""Source text of an expression of the constraint language."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AttributeSpec(_Model):
    """A shareable attribute: the expression giving its value, and when it is checked.

    Written as an expression (``instrume``, ``first_set(pupil, grating)``), or a mapping
    with these keys.
    """

    value: Expression | None = Field(
        default=None, description="Expression computing the value (row context); required."
    )
    when: Expression | None = Field(
        default=None, description="Only checked for rows where this holds (member context)."
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names the attribute is known by (read by compatibility APIs).",
    )


class Role(_Model):
    """One way a row can be a member of an association; roles are tried in order.

    A role is written under its name in a rule's ``members`` map, or under ``roles`` as a
    shared role that a ``members`` entry names with ``extends``.
    """

    extends: str | None = Field(
        default=None, description="Shared role this role starts from (its keys apply on top)."
    )
    when: Expression | None = Field(default=None, description="Rows that may take this role.")
    share: list[str] = Field(
        default_factory=list, description="Attributes pinned among these members."
    )
    record: list[str] = Field(default_factory=list, description="Attributes collected, not pinned.")
    link: list[str] = Field(
        default_factory=list, description="Attributes whose value must already be recorded."
    )
    requires: Expression | None = Field(
        default=None,
        description="Association-context condition the association must meet for the row to join.",
    )
    limit: int | None = Field(
        default=None, ge=1, description="At most this many members in the role."
    )
    creates: bool | None = Field(
        default=None, description="May start a new association (default: yes unless it links)."
    )
    member_fields: dict[str, Expression] | None = Field(
        default=None,
        description="Member fields of this role's members, merged over the rule's member_fields.",
    )
    rejoin: bool = Field(
        default=False,
        description="Offer the row again to this rule's existing associations after all rows.",
    )
    differs: list[str] = Field(
        default_factory=list,
        description="Attributes whose value must be set and differ from the association's.",
    )
    keeps_creating: bool = Field(
        default=False,
        description="Rows joining an association after one joined in this role may still "
        "start associations of the rule.",
    )


class Summarize(_Model):
    """The members of one role replaced, at finalize, by members named after one of them."""

    role: str = Field(description="The role whose members are replaced.")
    choose: Expression | None = Field(
        default=None,
        description="Member context: the first member for which it holds is chosen, else the "
        "first member.",
    )
    into: list[dict[str, str]] = Field(
        description="The members written instead, last: field -> template (association "
        "context, where the role's name stands for the chosen member)."
    )


class Rule(_Model):
    """An association rule."""

    description: str | None = None
    extends: list[str] = Field(
        default_factory=list,
        description="Bases (or rules) whose definition this one starts from, in order.",
    )
    asn_type: str | None = None
    select: list[Expression] = Field(
        default_factory=list, description="Every member satisfies all."
    )
    share: list[str] = Field(
        default_factory=list, description="Attributes pinned by the first member."
    )
    members: dict[str, Role] | None = Field(
        default=None, description="Roles by name, tried in order."
    )
    member_fields: dict[str, Expression] | None = Field(
        default=None, description="Member fields, in order."
    )
    product: str | None = Field(default=None, description="Product name template.")
    file: str | None = Field(default=None, description="Association file name template.")
    document: dict[str, Expression] | None = Field(
        default=None, description="Top-level keys, in order."
    )
    valid: list[Expression] = Field(default_factory=list, description="Association-level checks.")
    finalize: list[str] = Field(default_factory=list, description="Names of finalize hooks.")
    summarize: Summarize | None = Field(
        default=None, description="Replace a role's members by members named after one of them."
    )
    replace: list[Literal["select", "share", "valid", "finalize"]] = Field(
        default_factory=list,
        description="List fields this rule's own value replaces instead of extending.",
    )

    @field_validator("extends", "select", "share", "valid", "finalize", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Candidates(_Model):
    """How the pool names the candidates each row belongs to."""

    column: str = Field(description="The column of (id, type) pairs.")
    discovered_id: str = Field(default="", description="Candidate id of discovered associations.")
    discovered_type: str = "discovered"
    run_prefix: bool = Field(
        default=False,
        description="asn_rule names the run before the rule (candidate_Rule, discover_Rule).",
    )


class Orphans(_Model):
    """Orphans judged by exposure roots instead of by where members came from.

    A row is a member when the root of its ``column`` value is the root of a written
    member's ``member_field`` (root: the base name up to the last ``separator``).
    """

    column: str
    member_field: str
    separator: str


class Document(_Model):
    """A rule file: definitions, rules, or both."""

    asnrules: Literal["1.0"] = Field(default="1.0", description="Rule language version.")
    name: str | None = None
    description: str | None = None
    include: list[str] = Field(default_factory=list, description="Definition files to read first.")
    not_set: list[str] | None = Field(default=None, description="Values that mean 'absent'.")
    identity: str | None = Field(
        default=None,
        description="Column identifying an exposure (default: none, a row is its pool row).",
    )
    candidates: Candidates | None = None
    columns: list[str] = Field(default_factory=list, description="Known pool columns.")
    optional_columns: list[str] = Field(
        default_factory=list, description="Columns a pool may lack."
    )
    lists: dict[str, list[str]] = Field(default_factory=dict)
    maps: dict[str, dict[str, str]] = Field(default_factory=dict)
    tables: dict[str, list[list[str]]] = Field(default_factory=dict)
    conditions: dict[str, Expression] = Field(default_factory=dict)
    values: dict[str, Expression] = Field(default_factory=dict)
    attributes: dict[str, AttributeSpec | Expression] = Field(default_factory=dict)
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Named lists of attributes."
    )
    roles: dict[str, Role] = Field(default_factory=dict, description="Shared role definitions.")
    templates: dict[str, str] = Field(default_factory=dict)
    defaults: Rule | None = Field(
        default=None, description="Settings every rule of this file starts from."
    )
    bases: dict[str, Rule] = Field(
        default_factory=dict,
        description="Partial rules that rules and defaults extend; bases never run.",
    )
    rules: dict[str, Rule] = Field(default_factory=dict)
    final_pass: list[Expression] = Field(
        default_factory=list,
        description="Rows offered once more to every existing association, after all rows.",
    )
    member_identity: list[str] | None = Field(
        default=None, description="Member fields that identify a member; every rule writes them."
    )
    orphans: Orphans | None = Field(
        default=None, description="How orphans are judged (default: no member came from the row)."
    )
    case: Literal["fold", "keep"] | None = Field(
        default=None, description="fold: pool values are lower-cased when read; keep (default)."
    )
    deduplicate: bool | list[Literal["same_members", "same_product", "newest_first"]] | None = (
        Field(
            default=None,
            description="De-duplication rules (true: same_members; false: none).",
        )
    )
    mergeable: bool = Field(
        default=False,
        description="With --merge, associations of one candidate and type become one file.",
    )
