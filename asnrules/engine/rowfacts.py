"""What the rules say of a row alone, computed once per distinct row content.

Row-context expressions (a rule's ``select``, a role's ``when``, an attribute's value,
the index key of a rule) are functions of the pool columns they read, and the compiler
knows those columns (:meth:`asnrules.language.compiler.Compiler.columns_read`). Their results are
therefore kept by the values of just those columns, and shared by every row, every
candidate run and every pool that has the same values there: a pool of 100,000 rows of a
few dozen kinds evaluates each condition a few dozen times, not once per row and run.
A candidate run's rows differ from the pool's only in the candidate cell, which is part
of the key only of the expressions that read it.

An expression whose columns are not known (compiled elsewhere) is evaluated every time;
one whose values hardly ever repeat (a file name) stops being kept after a while.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple

from asnrules.engine.candidates import CellView
from asnrules.engine.ruleset import Attribute, Role, Rule, Ruleset
from asnrules.engine.scope import MEMBER_READ, Compiled, Keeper, Scope, columns_read
from asnrules.engine.values import as_text, is_set

Row = Mapping[str, str]
Checks = tuple[tuple[Attribute, str | None], ...]
"""Attributes to match and a row's value of each (see :meth:`RowFacts.checks`)."""

_MISSING = object()


class Entry(NamedTuple):
    """What one rule can do with a row (see :meth:`RowFacts.plan`)."""

    name: str
    """The rule's name in the run."""
    rule: Rule
    key: tuple[str, ...] | None
    """The row's values of the rule's index key (``None``: it lacks one)."""
    roles: tuple[Role, ...]
    """The roles whose ``when`` holds for the row, in order."""
    creates: bool
    """Whether one of ``roles`` may start an association."""
    selected: bool = True
    """Whether the rule's ``select`` holds for the row."""
    order: int = 0
    """The rule's place among the rules of the run."""


def _plan_expressions(rule: Rule) -> list[Compiled | None]:
    """The expressions that decide whether a rule is in a row's plan."""
    return [rule.select, *(r.when for r in rule.roles), *(a.value for a in rule.key_attributes)]


_MOST = 4096
"""Results a memo keeps at most (memory stays bounded when every row differs): when full,
it starts afresh, or, if it mostly missed, stops keeping results."""


class _Memo:
    """Results of ``compute(row)`` by the values of ``columns`` in the row."""

    __slots__ = ("calls", "cell", "columns", "compute", "most", "table")

    def __init__(
        self,
        compute: Callable[[Row], Any],
        columns: tuple[str, ...] | None,
        most: int | None = _MOST,
        cell: str | None = None,
    ) -> None:
        self.compute = compute
        self.columns = columns
        self.cell = columns is not None and cell in columns
        """Whether ``columns`` hold the candidate column ``cell`` (a run's view rewrites it)."""
        self.table: dict[tuple[Any, ...], Any] = {}
        self.calls = 0
        self.most = most
        """Results kept at most (``None``: every one, for results the caller keeps anyway)."""

    def get(self, row: Row) -> Any:
        columns = self.columns
        if columns is None:
            return self.compute(row)
        if type(row) is CellView:
            key = row.cells(columns) if self.cell else tuple(map(row.row.get, columns))
        else:
            key = tuple(map(row.get, columns))
        self.calls += 1
        value = self.table.get(key, _MISSING)
        if value is not _MISSING:
            return value
        table = self.table
        if self.most is not None and len(table) >= self.most:
            if len(table) * 2 > self.calls:  # mostly misses: keeping results does not pay
                self.columns = None
            self.calls = 0
            table.clear()
        value = table[key] = self.compute(row)
        return value


class RowFacts:
    """Row-only results of one ruleset's expressions, shared by every run over any rows.

    Parameters
    ----------
    ruleset : Ruleset
        Compiled rules; ``ruleset.reads`` gives the columns each expression reads.
    """

    def __init__(self, ruleset: Ruleset) -> None:
        self.not_set: frozenset[str] = ruleset.not_set
        self.reads = ruleset.reads
        self._memos: dict[int, _Memo] = {}
        self._member_memos: dict[tuple[int, ...], _Memo] = {}
        self._field_memos: dict[tuple[Any, ...], _FieldsOf] = {}
        self._field_owners: dict[tuple[int, int], tuple[Any, ...]] = {}
        self.candidate_column = ruleset.candidate_column
        self._skipped: dict[frozenset[str], dict[int, tuple[Any, tuple[Entry, ...]]]] = {}
        self._plan_parts: dict[int, list[Callable[[Row], tuple[Entry, ...]]]] = {}
        self._kept: dict[Compiled, _Memo] = {}
        self._final_pass = self._make(
            _any_of(ruleset.final_pass, self.not_set, self._keep), ruleset.final_pass
        )

    def forget(self) -> None:
        """Drop every kept result (they are made again when asked for).

        A generation calls this once its runs are over: the memos refer back to this
        object, so without it their tables would outlive the runs until the cyclic
        collector ran, which a generation holds off.
        """
        self._memos.clear()
        self._member_memos.clear()
        self._field_memos.clear()
        self._field_owners.clear()
        self._plan_parts.clear()
        self._kept.clear()
        self._skipped.clear()
        self._final_pass.table.clear()

    def _keep(self, compute: Compiled, columns: tuple[str, ...], scope: Scope) -> Any:
        """``compute(scope)``, kept by the row's values of ``columns`` (a :data:`Keeper`).

        ``compute`` reads those columns alone (never the member fields): a scope of the
        row alone gives the same value.
        """
        memo = self._kept.get(compute)
        if memo is None:
            not_set, keep = self.not_set, self._keep
            memo = _Memo(
                lambda r: compute(Scope(r, not_set, kept=keep)), columns, cell=self.candidate_column
            )
            self._kept[compute] = memo
        return memo.get(scope.row)

    def _columns(
        self,
        expressions: Collection[Compiled | None],
        fields: dict[str, Compiled] | None = None,
    ) -> tuple[str, ...] | None:
        """The columns ``expressions`` read (``None``: not known).

        Member-context expressions read the member ``fields`` too: the columns of the
        formulas of the fields they read count in (all of them for ``member`` itself).
        """
        found: set[str] = set()
        todo = [e for e in expressions if e is not None]
        followed: set[str] = set()
        while todo:
            read = columns_read(self.reads, todo.pop())
            if read is None:
                return None
            for column in read:
                if not column.startswith(MEMBER_READ):
                    found.add(column)
                    continue
                if fields is None:
                    return None
                name = column[len(MEMBER_READ) :]
                names = list(fields) if name == "*" else [name] if name in fields else []
                todo.extend(fields[n] for n in names if n not in followed)
                followed.update(names)
        return tuple(sorted(found))

    def _make(
        self,
        compute: Callable[[Row], Any],
        expressions: Collection[Any],
        most: int | None = _MOST,
        fields: dict[str, Compiled] | None = None,
    ) -> _Memo:
        return _Memo(compute, self._columns(expressions, fields), most, self.candidate_column)

    def selected(self, rule: Rule, row: Row) -> bool:
        """Whether ``row`` satisfies the rule's ``select``."""
        select = rule.select
        if select is None:
            return True
        memo = self._memos.get(id(select))
        if memo is None:
            memo = self._memos[id(select)] = self._condition_memo(select)
        return memo.get(row)  # type: ignore[no-any-return]

    def _condition_memo(self, condition: Compiled) -> _Memo:
        not_set, keep = self.not_set, self._keep

        def compute(r: Row) -> bool:
            return is_set(condition(Scope(r, not_set, kept=keep)), not_set)

        return self._make(compute, (condition,))

    def roles(self, rule: Rule, row: Row) -> tuple[Role, ...]:
        """The rule's roles whose ``when`` holds for ``row``, in order."""
        memo = self._memos.get(id(rule.roles))
        if memo is None:
            memo = self._memos[id(rule.roles)] = self._roles_memo(rule)
        return memo.get(row)  # type: ignore[no-any-return]

    def _roles_memo(self, rule: Rule) -> _Memo:
        roles, not_set, keep = rule.roles, self.not_set, self._keep

        def compute(r: Row) -> tuple[Role, ...]:
            scope = Scope(r, not_set, kept=keep)
            return tuple(x for x in roles if x.when is None or is_set(x.when(scope), not_set))

        return self._make(compute, [r.when for r in roles])

    def text(self, attribute: Attribute, row: Row) -> str | None:
        """The attribute's value for ``row`` as lower-case text (``None``: not set)."""
        memo = self._memos.get(id(attribute))
        if memo is None:
            memo = self._memos[id(attribute)] = self._attribute_memo(attribute)
        return memo.get(row)  # type: ignore[no-any-return]

    def spelled(self, attribute: Attribute, row: Row) -> str | None:
        """The attribute's value for ``row`` as written (not lower-cased), or ``None``."""
        found = attribute.value(Scope(row, self.not_set))
        return as_text(found) if is_set(found, self.not_set) else None

    def _attribute_memo(self, attribute: Attribute) -> _Memo:
        value, not_set, keep = attribute.value, self.not_set, self._keep

        def compute(r: Row) -> str | None:
            found = value(Scope(r, not_set, kept=keep))
            return as_text(found).lower() if is_set(found, not_set) else None

        return self._make(compute, (value,))

    def key(self, rule: Rule, row: Row) -> tuple[str, ...] | Attribute:
        """The rule's index key for ``row``, or the first key attribute the row lacks."""
        memo = self._memos.get(id(rule))
        if memo is None:
            memo = self._memos[id(rule)] = self._key_memo(rule)
        return memo.get(row)  # type: ignore[no-any-return]

    def _key_memo(self, rule: Rule) -> _Memo:
        attributes = rule.key_attributes

        def compute(r: Row) -> tuple[str, ...] | Attribute:
            parts = []
            for attribute in attributes:
                text = self.text(attribute, r)
                if text is None:
                    return attribute
                parts.append(text)
            return tuple(parts)

        return self._make(compute, [a.value for a in attributes])

    def plan(
        self, rules: dict[str, Rule], row: Row, skip: frozenset[str] = frozenset()
    ) -> tuple[Entry, ...]:
        """What ``rules`` but ``skip`` can do with ``row``: the rules it may join or start.

        A rule is in the plan when its ``select`` holds for the row, the row has every
        attribute of the rule's index key and some role's ``when`` holds; any other rule
        can neither take the row into an association nor start one with it. Plans are
        kept by the values of every column those conditions read, without a bound (there
        are at most as many as rows and candidates). The rules whose conditions read the
        candidate cell are planned apart, so that the plan of the others is kept across
        candidate runs, by the pool row too.
        """
        parts = self._plan_parts.get(id(rules))
        if parts is None:
            parts = self._plan_parts[id(rules)] = self._planners(rules)
        found = [part(row) for part in parts]
        if skip:
            found = [self._without(plan, skip) for plan in found]
        if len(found) == 1 or not found[1]:
            return found[0]  # type: ignore[no-any-return]
        return tuple(sorted((*found[0], *found[1]), key=lambda e: e.order))

    def _without(self, plan: tuple[Entry, ...], skip: frozenset[str]) -> tuple[Entry, ...]:
        """``plan`` without the entries of the rules ``skip`` names (kept for each plan)."""
        kept = self._skipped.get(skip)
        if kept is None:
            kept = self._skipped[skip] = {}
        found = kept.get(id(plan))
        if found is None or found[0] is not plan:
            found = kept[id(plan)] = (plan, tuple(e for e in plan if e.name not in skip))
        return found[1]

    def _planners(self, rules: dict[str, Rule]) -> list[Callable[[Row], tuple[Entry, ...]]]:
        """Planners: one of every rule, or the rules apart from those reading the cell.

        The plan of rules that do not read the cell is kept by the pool row.
        """
        ordered = {n: (i, r) for i, (n, r) in enumerate(rules.items())}
        cell = set()
        for name, (_, rule) in ordered.items():
            read = self._columns(_plan_expressions(rule))
            if read is None or self.candidate_column in read:
                cell.add(name)
        if not cell:
            return [_PerRow(self._planner(ordered)).get]
        if len(cell) == len(rules):
            return [self._planner(ordered)]
        fixed = self._planner({n: v for n, v in ordered.items() if n not in cell})
        return [_PerRow(fixed).get, self._planner({n: v for n, v in ordered.items() if n in cell})]

    def _planner(self, rules: dict[str, tuple[int, Rule]]) -> Callable[[Row], tuple[Entry, ...]]:
        """A row's plan for ``rules``: the rules its conditions choose, with its index keys.

        The choice is kept by the values of the columns the rules' ``select`` and roles'
        ``when`` read; each chosen rule's key by those its key attributes read. Equal
        plans are one tuple.
        """
        expressions = [e for _, r in rules.values() for e in (r.select, *(x.when for x in r.roles))]
        chosen = self._make(lambda r: self._chosen(rules, r), expressions, most=None)
        plans: dict[tuple[int, tuple[Any, ...]], tuple[Entry, ...]] = {}

        def plan(row: Row) -> tuple[Entry, ...]:
            choices = chosen.get(row)
            if not choices:
                return ()
            keys = tuple(_tuple_or_none(self.key(choice[2], row)) for choice in choices)
            found = plans.get((id(choices), keys))  # choices are kept: their id is theirs
            if found is None:
                found = plans[(id(choices), keys)] = tuple(
                    Entry(name, rule, key, roles, creates, True, order)
                    for (name, order, rule, roles, creates), key in zip(choices, keys, strict=True)
                    if key is not None
                )
            return found

        return plan

    def _chosen(
        self, rules: dict[str, tuple[int, Rule]], row: Row
    ) -> tuple[tuple[str, int, Rule, tuple[Role, ...], bool], ...]:
        """The rules whose ``select`` holds for ``row`` and some role's ``when``, in order."""
        found = []
        for name, (order, rule) in rules.items():
            if self.selected(rule, row) and (roles := self.roles(rule, row)):
                found.append((name, order, rule, roles, any(r.creates for r in roles)))
        return tuple(found)

    def role_key(self, role: Role, row: Row) -> tuple[str, ...] | None:
        """The row's values of the role's key attributes (``None``: it lacks one).

        A row that lacks one can never take the role.
        """
        parts = []
        for attribute in role.key_attributes:
            text = self.text(attribute, row)
            if text is None:
                return None
            parts.append(text)
        return tuple(parts)

    def entry(self, name: str, rule: Rule, row: Row) -> Entry:
        """The plan entry of one rule for ``row``, whatever it says (for a tracer).

        ``key`` is ``None`` when the row lacks a key attribute; ``selected`` says
        whether the rule's ``select`` holds.
        """
        key = self.key(rule, row)
        roles = self.roles(rule, row)
        return Entry(
            name,
            rule,
            key if isinstance(key, tuple) else None,
            roles,
            any(r.creates for r in roles),
            self.selected(rule, row),
        )

    def member_when(self, attribute: Attribute, rule: Rule, role: Role, row: Row) -> bool:
        """Whether the attribute's ``when`` holds for ``row`` as a member of ``role``.

        Member context reads the row and its member fields in one rule and role, never
        the association, so the result is kept per attribute, rule and role.
        """
        owner = (id(attribute), id(rule), id(role))
        memo = self._member_memos.get(owner)
        if memo is None:
            memo = self._member_memos[owner] = self._member_memo(attribute, rule, role)
        return memo.get(row)  # type: ignore[no-any-return]

    def _member_memo(self, attribute: Attribute, rule: Rule, role: Role) -> _Memo:
        when, not_set, keep = attribute.when, self.not_set, self._keep
        assert when is not None

        def compute(r: Row) -> bool:
            fields = MemberFields(rule, role, r, not_set, keep)
            return is_set(when(Scope(r, not_set, fields, kept=keep)), not_set)

        return self._make(compute, [when], fields=_fields(rule, role))

    def checks(self, attributes: tuple[Attribute, ...], rule: Rule, role: Role, row: Row) -> Checks:
        """What matching ``attributes`` against an association needs of ``row``.

        Each attribute that applies (its ``when`` holds for the row as a member of
        ``role`` of ``rule``, and it is set or not optional), in order, with the row's
        value as lower-case text; ``None`` marks a required attribute the row lacks.
        """
        owner = (id(attributes), id(rule), id(role))
        memo = self._member_memos.get(owner)
        if memo is None:
            memo = self._member_memos[owner] = self._checks_memo(attributes, rule, role)
        return memo.get(row)  # type: ignore[no-any-return]

    def _checks_memo(self, attributes: tuple[Attribute, ...], rule: Rule, role: Role) -> _Memo:
        def compute(r: Row) -> tuple[tuple[Attribute, str | None], ...]:
            found: list[tuple[Attribute, str | None]] = []
            for attribute in attributes:
                if attribute.when is not None and not self.member_when(attribute, rule, role, r):
                    continue
                text = self.text(attribute, r)
                if text is None and attribute.optional:
                    continue
                found.append((attribute, text))
            return tuple(found)

        expressions = [a.value for a in attributes] + [a.when for a in attributes]
        return self._make(compute, expressions, fields=_fields(rule, role))

    def member_fields(self, rule: Rule, role: Role, row: Row) -> dict[str, Any]:
        """The output fields of ``row`` as a member of ``role`` of ``rule`` (read-only).

        Member context reads the row alone. Each field is kept by the values of the
        columns it reads, and members with the same fields share one dictionary. Rules
        and roles with the same formulas (and role name) share their results, and
        unless the fields read the candidate column, a pool row's fields are made once
        for every candidate run (a file name's stem is not made again in each).
        """
        owner = self._field_owners.get((id(rule), id(role)))
        if owner is None:
            fields = _fields(rule, role)
            owner = (role.name, *((n, id(f)) for n, f in fields.items()))
            self._field_owners[(id(rule), id(role))] = owner
        found = self._field_memos.get(owner)
        if found is None:
            found = self._field_memos[owner] = self._fields_of(rule, role)
        return found.get(row)

    def _fields_of(self, rule: Rule, role: Role) -> _FieldsOf:
        not_set, fields, keep = self.not_set, _fields(rule, role), self._keep

        def one(name: str) -> Callable[[Row], Any]:
            return lambda r: MemberFields(rule, role, r, not_set, keep).get(name)

        if not _acyclic(fields, self.reads):
            # a field read while it is being computed is unset: only all in order will do

            def every(r: Row) -> dict[str, Any]:
                return MemberFields(rule, role, r, not_set, keep).compute()

            memos = [self._make(every, fields.values(), fields=fields)]
            return _FieldsOf(None, memos, (self._fixed(fields.values(), fields),))
        memos = [self._make(one(n), [f], fields=fields) for n, f in fields.items()]
        fixed = tuple(self._fixed([f], fields) for f in fields.values())
        return _FieldsOf(tuple(fields), memos, fixed)

    def _fixed(self, formulas: Collection[Compiled], fields: dict[str, Compiled]) -> bool:
        """Whether member field ``formulas`` give a pool row one value in every run."""
        columns = self._columns(formulas, fields)
        return columns is not None and self.candidate_column not in columns

    def in_final_pass(self, row: Row) -> bool:
        """Whether a ``final_pass`` condition holds for ``row``."""
        return self._final_pass.get(row)  # type: ignore[no-any-return]


def _tuple_or_none(key: tuple[str, ...] | Attribute) -> tuple[str, ...] | None:
    """An index key, or ``None`` for the attribute a row lacks."""
    return key if type(key) is tuple else None


def _any_of(
    conditions: tuple[Compiled, ...], not_set: Collection[str], keep: Keeper
) -> Callable[[Row], bool]:
    def compute(row: Row) -> bool:
        scope = Scope(row, not_set, kept=keep)
        return any(is_set(c(scope), not_set) for c in conditions)

    return compute


class _FieldsOf:
    """A member's fields by row, each field kept by its own memo; equal ones shared.

    With ``names`` ``None``, the one memo gives the whole dictionary. The ``fixed``
    fields (those that do not read the candidate cell) are also kept by the pool row
    itself, a candidate run's view of it included: they are made once per row.
    """

    def __init__(
        self, names: tuple[str, ...] | None, memos: list[_Memo], fixed: tuple[bool, ...]
    ) -> None:
        self.names = names
        self.memos = memos
        self.fixed = fixed
        fixed_memos = [m for m, f in zip(memos, fixed, strict=True) if f]
        self.fixed_values = (
            _PerRow(lambda r: tuple(m.get(r) for m in fixed_memos)) if fixed_memos else None
        )
        self.shared: dict[tuple[Any, ...], dict[str, Any]] = {}

    def get(self, row: Row) -> dict[str, Any]:
        fixed = self.fixed_values
        values: tuple[Any, ...] = fixed.get(row) if fixed is not None else ()
        if len(values) < len(self.memos):
            kept = iter(values)
            pairs = zip(self.fixed, self.memos, strict=True)
            values = tuple(next(kept) if f else m.get(row) for f, m in pairs)
        if self.names is None:
            return values[0]  # type: ignore[no-any-return]
        try:
            found = self.shared.get(values)
        except TypeError:  # a value that is not hashable: not shared
            return dict(zip(self.names, values, strict=True))
        if found is None:
            found = self.shared[values] = dict(zip(self.names, values, strict=True))
        return found


class _PerRow:
    """Results of ``compute(row)`` kept by the pool row, a candidate run's view of it too.

    For results that do not read the candidate cell: each pool row's is made once for
    every run. The rows are kept (their results are looked up by identity).
    """

    __slots__ = ("compute", "rows")

    def __init__(self, compute: Callable[[Row], Any]) -> None:
        self.compute = compute
        self.rows: dict[int, tuple[Row, Any]] = {}

    def get(self, row: Row) -> Any:
        base = row.row if type(row) is CellView else row
        kept = self.rows.get(id(base))
        if kept is not None and kept[0] is base:
            return kept[1]
        value = self.compute(row)
        self.rows[id(base)] = (base, value)
        return value


def _acyclic(
    fields: dict[str, Compiled], reads: dict[int, tuple[Compiled, frozenset[str]]]
) -> bool:
    """Whether no member field reads itself through others (each has one value then)."""
    needs: dict[str, set[str]] = {}
    for name, formula in fields.items():
        read = columns_read(reads, formula)
        if read is None:
            return False
        wanted = {c[len(MEMBER_READ) :] for c in read if c.startswith(MEMBER_READ)}
        needs[name] = set(fields) if "*" in wanted else wanted & set(fields)
    done: set[str] = set()

    def clear(name: str, path: tuple[str, ...]) -> bool:
        if name in path:
            return False
        if name in done:
            return True
        ok = all(clear(n, (*path, name)) for n in needs[name])
        done.add(name)
        return ok

    return all(clear(n, ()) for n in fields)


def _fields(rule: Rule, role: Role) -> dict[str, Compiled]:
    """The member field formulas of ``role`` of ``rule`` (the role's win)."""
    return {**dict(rule.member_fields), **dict(role.member_fields)}


NO_ROLE = Role("", None)


class MemberFields:
    """Computes a member's fields in order; ``member.x`` may refer to any other field."""

    def __init__(
        self,
        rule: Rule,
        role: Role,
        row: Mapping[str, str],
        not_set: frozenset[str],
        kept: Keeper | None = None,
    ) -> None:
        self.rule = rule
        self.role = role
        self.formulas = _fields(rule, role)
        self.values: dict[str, Any] = {}
        self.active: set[str] = set()
        self.row = row
        self.not_set = not_set
        self.kept = kept
        self.scope: Scope | None = None
        """The formulas' scope while one is computed (it refers back to these fields:
        kept only meanwhile, so that no reference cycle outlives the computation)."""

    def get(self, name: str) -> Any:
        """Value of field ``name`` (``role`` is the member's role)."""
        if name == "role":
            return self.role.name
        if name in self.values:
            return self.values[name]
        if name not in self.formulas or name in self.active:
            return None
        scope = self.scope
        outermost = scope is None
        if scope is None:
            scope = self.scope = Scope(self.row, self.not_set, self, kept=self.kept)
        self.active.add(name)
        try:
            value = self.formulas[name](scope)
        finally:
            self.active.discard(name)
            if outermost:
                self.scope = None
        self.values[name] = value
        return value

    def compute(self) -> dict[str, Any]:
        """Every field, in the rule's order."""
        self.scope = Scope(self.row, self.not_set, self, kept=self.kept)
        try:
            return {name: self.get(name) for name in self.formulas}
        finally:
            self.scope = None
