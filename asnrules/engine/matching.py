"""The generic generator engine: apply a compiled ruleset to the rows of a pool.

It knows nothing about JWST. Rows are offered, in passes, to the associations that
exist (found through an index on the attributes their members must share, so a row is
never offered to every association) and to every rule that might start a new one.
Passes run in priority order: every row first (to associations and rules), then rows
offered again to existing associations (``rejoin``), then the final pass; a pass can
schedule rows for a later pass.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import partial
from typing import Any

from asnrules.engine.association import Association, Candidate, Member
from asnrules.engine.rowfacts import NO_ROLE, Checks, Entry, RowFacts
from asnrules.engine.ruleset import Attribute, Role, Rule, Ruleset
from asnrules.engine.scope import Scope
from asnrules.engine.trace import Rejection, Tracer


class Pass(IntEnum):
    """What a pass offers its rows to, in the order passes are served."""

    BOTH = 0
    """To existing associations and to rules (every row, first)."""
    EXISTING = 1
    """Only to existing associations of the rules named by the batch."""
    FINAL = 2
    """Only to existing associations, after everything else."""


@dataclass
class _Batch:
    rules: tuple[str, ...] | None
    rows: list[int]
    seen: set[int]


class _Queue:
    """Batches of rows by pass; batches for the same pass and rules are merged."""

    def __init__(self) -> None:
        self.pending: dict[Pass, OrderedDict[tuple[str, ...] | None, _Batch]] = {
            p: OrderedDict() for p in Pass
        }

    def add(self, kind: Pass, rules: tuple[str, ...] | None, row: int) -> None:
        batches = self.pending[kind]
        batch = batches.get(rules)
        if batch is None:
            batch = batches[rules] = _Batch(rules, [], set())
        if row not in batch.seen:
            batch.seen.add(row)
            batch.rows.append(row)

    def pop(self) -> tuple[Pass, _Batch] | None:
        for kind in Pass:
            batches = self.pending[kind]
            if batches:
                _, batch = batches.popitem(last=False)
                return kind, batch
        return None


class _RoleIndex:
    """The associations of a bucket one role of the rule may still take, by that role's key.

    An association is filed under its pinned values of the role's key attributes, or
    ``loose`` while it has not pinned them all. Those where the role is full are taken out.
    """

    def __init__(self, role: Role) -> None:
        self.names = tuple(a.name for a in role.key_attributes)
        self.keyed: dict[tuple[str, ...], dict[int, Association]] = {}
        self.loose: dict[int, Association] = {}
        self.filed: dict[int, tuple[str, ...] | None] = {}
        self.moved = False
        """Whether an association was filed under its key after others made later."""

    def add(self, asn: Association) -> None:
        pinned = [asn.pins.get(n) for n in self.names]
        key = None if None in pinned else tuple(str(p) for p in pinned)
        self.filed[asn.serial] = key
        if key is None:
            self.loose[asn.serial] = asn
        else:
            self.keyed.setdefault(key, {})[asn.serial] = asn

    def remove(self, asn: Association) -> None:
        if asn.serial not in self.filed:
            return
        key = self.filed.pop(asn.serial)
        if key is None:
            del self.loose[asn.serial]
        else:
            del self.keyed[key][asn.serial]

    def repinned(self, asn: Association) -> None:
        """File ``asn`` under its key once it has pinned every key attribute."""
        if asn.serial in self.loose and all(n in asn.pins for n in self.names):
            self.remove(asn)
            self.add(asn)
            self.moved = True

    def offer(self, key: tuple[str, ...]) -> list[Association]:
        """The associations a row of ``key`` may join in this role, in creation order."""
        found = self.keyed.get(key)
        if not self.loose:
            if not found:
                return []
            return [found[k] for k in sorted(found)] if self.moved else list(found.values())
        if not found:
            return list(self.loose.values())
        both = {**found, **self.loose}
        return [both[k] for k in sorted(both)]

    def everything(self) -> list[Association]:
        """Every association this role may still take, in creation order."""
        if not self.loose and len(self.keyed) == 1 and not self.moved:
            return list(next(iter(self.keyed.values())).values())
        return _ordered(self.offer_all())

    def offer_all(self) -> dict[int, Association]:
        """Every association this role may still take."""
        found = dict(self.loose)
        for keyed in self.keyed.values():
            found.update(keyed)
        return found


class _Bucket:
    """The associations of one rule that share one key, in creation order.

    Each role that has a limit or key attributes of its own keeps a :class:`_RoleIndex`:
    a row is offered only the associations where one of its roles has room and that
    pinned the row's values of that role's key attributes (or not yet all of them).
    """

    def __init__(self, rule: Rule) -> None:
        self.all: dict[int, Association] = {}
        self.roles: dict[str, _RoleIndex] = {
            r.name: _RoleIndex(r) for r in rule.roles if r.limit is not None or r.key_attributes
        }

    def add(self, asn: Association) -> None:
        self.all[asn.serial] = asn
        for index in self.roles.values():
            index.add(asn)

    def filled(self, asn: Association, role: Role, full: bool) -> None:
        """``asn`` took a member in ``role``, which may now be ``full``."""
        if full:
            self.roles[role.name].remove(asn)

    def repinned(self, asn: Association) -> None:
        """``asn`` pinned more values."""
        for index in self.roles.values():
            index.repinned(asn)

    def offer(
        self, roles: Sequence[Role], key_of: Callable[[Role], tuple[str, ...] | None] | None
    ) -> list[Association]:
        """Associations that might take a row able to play ``roles``, in creation order.

        ``key_of`` gives the row's values of a role's key attributes (``None``: the row
        lacks one and cannot take the role); without it, every association where one of
        the roles has room is offered (a tracer is told about each).
        """
        if key_of is None or any(r.name not in self.roles for r in roles):
            if not all(r.limit is not None and r.name in self.roles for r in roles):
                return list(self.all.values())
            key_of = None
        if key_of is not None and len(roles) == 1:
            index = self.roles[roles[0].name]
            if len(index.keyed) <= 1:  # nothing to tell apart: all of them (matching checks)
                return index.everything()
            key = key_of(roles[0])
            return [] if key is None else index.offer(key)
        found: dict[int, Association] = {}
        for role in roles:
            index = self.roles[role.name]
            if key_of is None:
                found.update(index.offer_all())
            elif (key := key_of(role)) is not None:
                found.update((a.serial, a) for a in index.offer(key))
        return _ordered(found)


def _ordered(found: dict[int, Association]) -> list[Association]:
    """The associations of ``found`` in creation order."""
    return [found[k] for k in sorted(found)]


class Run:
    """One pass of the rules over a set of rows, for one candidate (or discovery).

    Parameters
    ----------
    ruleset : Ruleset
        Compiled rules.
    rows : sequence of dict
        The rows (already restricted and rewritten for the candidate).
    candidate : Candidate
        Candidate of every association this run makes.
    run : str
        ``candidate`` or ``discover``.
    serials : iterator of int
        Shared numbering of associations in creation order, across runs.
    tracer : Tracer, optional
        Told why rows are turned away (see :mod:`asnrules.engine.trace`); none by default.
    facts : RowFacts, optional
        Row-only results shared by the runs of a generation.
    origins : sequence of int, optional
        The index in the pool of each of ``rows`` (default: their own index), which
        every member keeps as its ``source``.
    skip : frozenset of str
        The rules left out of the run (see :func:`asnrules.engine.finalize.rejects_every`).
    """

    def __init__(
        self,
        ruleset: Ruleset,
        rows: Sequence[Mapping[str, str]],
        candidate: Candidate,
        run: str,
        serials: Iterator[int],
        tracer: Tracer | None = None,
        facts: RowFacts | None = None,
        origins: Sequence[int] | None = None,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        self.tracer = tracer
        self.origins = list(origins) if origins is not None else list(range(len(rows)))
        """The pool index of each row (copies added by a run append theirs)."""
        self.ruleset = ruleset
        self.skip = skip
        self.rows = rows
        self.candidate = candidate
        self.run = run
        self.serials = serials
        self.not_set = ruleset.not_set
        self.facts = facts if facts is not None else RowFacts(ruleset)
        """Row-only results, shared with the other runs of a generation."""
        self.scope = Scope(None, self.not_set)
        """A scope for truth tests only (its row is never read)."""
        self.current = Pass.BOTH
        """The pass being served."""
        self.associations: list[Association] = []
        self.index: dict[str, dict[tuple[str, ...], _Bucket]] = {name: {} for name in ruleset.rules}
        # identities of the members of each rule's associations: a row whose identity
        # is a member of one counts as joined to that rule, whatever its own values
        self.identities: dict[str, set[str]] = {name: set() for name in ruleset.rules}
        self.held: dict[int, set[str]] = {}
        """The identities of each association's members, by its serial (a row is not
        offered an association that holds its identity)."""
        self.counts: Counter[tuple[int, str]] = Counter()
        """Members of each association in each role that has a limit, by (serial, role).

        Like :attr:`held`, bookkeeping of the run only: associations do not carry it."""
        self._row_at = -1
        self._of_row: dict[tuple[int, ...], Any] = {}
        """Row-only facts of row ``_row_at`` already asked for (matching one row against
        many associations asks the same ones again)."""

    def _of(self, i: int) -> dict[tuple[int, ...], Any]:
        """The facts kept for row ``i``, forgetting those of the row before."""
        if i != self._row_at:
            self._row_at = i
            self._of_row = {}
        return self._of_row

    # -- row-only facts ---------------------------------------------------------------------
    def _entries(self, i: int, allowed: tuple[str, ...] | None) -> Sequence[Entry]:
        """What the rules (of those ``allowed``) can do with row ``i`` (see ``RowFacts.plan``).

        A rule that cannot take or start anything with a row is left out; only a tracer,
        which says why each rule turned the row away, is given every rule.
        """
        row = self.rows[i]
        rules = self.ruleset.rules
        if self.tracer is not None:
            names = allowed if allowed is not None else tuple(rules)
            return [self.facts.entry(n, rules[n], row) for n in names if n not in self.skip]
        plan = self.facts.plan(rules, row, self.skip)
        if allowed is None:
            return plan
        return [e for e in plan if e.name in allowed]

    def _role_key(self, i: int, role: Role) -> tuple[str, ...] | None:
        """Row ``i``'s values of the role's key attributes (``None``: it lacks one)."""
        if not role.key_attributes:
            return ()
        kept = self._of(i)
        if (id(role),) not in kept:
            kept[(id(role),)] = self.facts.role_key(role, self.rows[i])
        return kept[(id(role),)]  # type: ignore[no-any-return]

    def unset_key(self, i: int, rule: Rule) -> Attribute | None:
        """The key attribute row ``i`` lacks for ``rule`` (``None``: it has them all)."""
        key = self.facts.key(rule, self.rows[i])
        return None if isinstance(key, tuple) else key

    # -- matching -------------------------------------------------------------------------
    def _match(
        self, asn: Association | None, entry: Entry, i: int, checks: _RowChecks
    ) -> tuple[Role, dict[str, str]] | None:
        """The role row ``i`` takes in ``asn`` (or starts one in) and the values it pins.

        ``None`` when no role of ``entry``'s rule fits. ``checks`` are the row's, for the
        rule (one for every association the row is offered).
        """
        rule = entry.rule
        scope = self.scope
        pins = asn.pins if asn is not None else {}
        new: dict[str, str] = {}
        row = self.rows[i]
        failed = _pin(checks.share, pins, new)
        if failed is not None:
            if self.tracer is not None:
                self.tracer.rejected(self, i, rule, asn, self._rejection(failed, row, pins))
            return None
        notes: list[tuple[Role, str, Attribute | None]] | None = None if self.tracer is None else []
        possible = entry.roles
        for role in possible:
            if asn is None and not role.creates:
                if notes is not None:
                    notes.append((role, "creates", None))
                continue
            if asn is not None and self._full(asn, role):
                if notes is not None:
                    notes.append((role, "full", None))
                continue
            if role.requires is not None and asn is not None:
                if not scope.truth(role.requires(asn.scope(self.not_set))):
                    if notes is not None:
                        notes.append((role, "requires", None))
                    continue
            role_new = dict(new)
            failed = _pin(checks.of(role), pins, role_new)
            if failed is not None:
                if notes is not None:
                    notes.append((role, "share", failed))
                continue
            if role.link and not _linked(checks.links(role), asn):
                if notes is not None:
                    notes.append((role, "link", None))
                continue
            if role.differs and not self._differs(role, row, pins):
                continue
            return role, role_new
        if self.tracer is not None and notes is not None:
            notes.extend((r, "when", None) for r in rule.roles if r not in possible)
            self.tracer.rejected(self, i, rule, asn, _roles_rejection(notes))
        return None

    def _differs(self, role: Role, row: Mapping[str, str], pins: dict[str, str]) -> bool:
        """The row has each ``differs`` attribute, unlike the value the association pinned."""
        for attribute in role.differs:
            text = self.facts.text(attribute, row)
            if text is None or text == pins.get(attribute.name):
                return False
        return True

    def _rejection(
        self, attribute: Attribute, row: Mapping[str, str], pins: dict[str, str]
    ) -> Rejection:
        """A rejection naming ``attribute``, this row's value and the association's."""
        text = self.facts.text(attribute, row)
        return Rejection("share", attribute, text, pins.get(attribute.name))

    def _full(self, asn: Association, role: Role) -> bool:
        """Whether ``asn`` has as many members in ``role`` as its limit allows."""
        return role.limit is not None and self.counts[asn.serial, role.name] >= role.limit

    def _commit(
        self, name: str, asn: Association, role: Role, new_pins: dict[str, str], i: int
    ) -> None:
        row = self.rows[i]
        asn.pins.update(new_pins)
        if not self.ruleset.case_fold:
            self._spell(asn, role, row)
        for attribute in role.record:
            text = self.facts.text(attribute, row)
            if text is not None:
                values = asn.recorded.setdefault(attribute.name, [])
                if text not in values:
                    values.append(text)
        fields = self.facts.member_fields(asn.rule, role, row)
        asn.members.append(Member(row, role.name, fields, self.origins[i]))
        if role.limit is not None:
            self.counts[asn.serial, role.name] += 1
        identity = self.ruleset.row_identity(row, self.origins[i])
        self.held[asn.serial].add(identity)
        self.identities[name].add(identity)

    def _spell(self, asn: Association, role: Role, row: Mapping[str, str]) -> None:
        """Keep how the row writes the values it pins and records (``case: keep``)."""
        for attribute in (*asn.rule.share, *role.share, *role.record):
            text = self.facts.text(attribute, row)
            if text is not None and text not in asn.spelling:
                asn.spelling[text] = self.facts.spelled(attribute, row) or text

    def _offer_existing(
        self, i: int, allowed: tuple[str, ...] | None, queue: _Queue, kind: Pass
    ) -> tuple[list[Entry], set[str]]:
        """Offer row ``i`` to the associations of its index bucket, rule by rule.

        Returns the row's plan entries and the names of the rules the row counts as
        having joined (it may not start an association of those).
        """
        joined: set[str] = set()
        identity = self.ruleset.row_identity(self.rows[i], self.origins[i])
        entries = self._entries(i, allowed)
        for entry in entries:
            name = entry.name
            if identity in self.identities[name]:
                joined.add(name)
            if entry.key is None:
                continue
            bucket = self.index[name].get(entry.key)
            if bucket is None:
                if self.tracer is not None and self.index[name]:
                    rejection = Rejection("index", key=entry.key)
                    self.tracer.rejected(self, i, entry.rule, None, rejection)
                continue
            if not entry.roles or not entry.selected:
                continue
            key_of = None if self.tracer is not None else partial(self._role_key, i)
            offered = bucket.offer(entry.roles, key_of)
            checks = _RowChecks(self.facts, entry.rule, self.rows[i]) if offered else None
            for asn in offered:
                if identity in self.held[asn.serial]:
                    continue
                assert checks is not None
                found = self._match(asn, entry, i, checks)
                if found is None or not self._admit(name, asn, i, queue):
                    continue
                role, pins = found
                self._commit(name, asn, role, pins, i)
                if pins:
                    bucket.repinned(asn)
                bucket.filled(asn, role, self._full(asn, role))
                asn.keeps_creating = asn.keeps_creating or role.keeps_creating
                if not asn.keeps_creating:
                    joined.add(name)
                if role.rejoin and kind is Pass.BOTH:
                    queue.add(Pass.EXISTING, (name,), i)
        return list(entries), joined

    def _create(self, i: int, entries: list[Entry], ignore: set[str], queue: _Queue) -> None:
        """Start an association of every rule of ``entries`` not in ``ignore`` with row ``i``."""
        tracer = self.tracer
        for entry in entries:
            if entry.name in ignore:
                continue
            if not entry.selected:
                if tracer is not None:
                    tracer.rejected(self, i, entry.rule, None, Rejection("select"))
                continue
            if entry.key is None:
                if tracer is not None:
                    unset = self.unset_key(i, entry.rule)
                    tracer.rejected(self, i, entry.rule, None, Rejection("key", unset))
                continue
            if not entry.creates and tracer is None:
                continue
            checks = _RowChecks(self.facts, entry.rule, self.rows[i])
            found = self._match(None, entry, i, checks)
            if found is not None:
                self._found(entry, i, found, queue)

    def _found(
        self,
        entry: Entry,
        i: int,
        found: tuple[Role, dict[str, str]],
        queue: _Queue,
    ) -> None:
        """Start an association of ``entry``'s rule with row ``i`` in ``found``'s role."""
        name, rule, key = entry.name, entry.rule, entry.key
        assert key is not None
        start = self._start(name, i, queue)
        if start is not None:
            role, pins = found
            asn = Association(rule, *start, next(self.serials), not_set=self.not_set)
            self.held[asn.serial] = set()
            self._commit(name, asn, role, pins, i)
            self.associations.append(asn)
            bucket = self.index[name].get(key)
            if bucket is None:
                bucket = self.index[name][key] = _Bucket(rule)
            bucket.add(asn)
            bucket.filled(asn, role, self._full(asn, role))
            if role.rejoin:
                queue.add(Pass.EXISTING, (name,), i)

    # -- candidates (overridden by the per-pool run) ----------------------------------------
    def _admit(self, name: str, asn: Association, i: int, queue: _Queue) -> bool:
        """Whether row ``i``, matching ``asn`` of rule ``name``, may join it."""
        return True

    def _start(self, name: str, i: int, queue: _Queue) -> tuple[Candidate, str] | None:
        """Candidate and run label of an association row ``i`` starts (``None``: none)."""
        return self.candidate, self.run

    def generate(self) -> list[Association]:
        """Run every pass; return the associations in creation order."""
        queue = _Queue()
        for i in range(len(self.rows)):
            queue.add(Pass.BOTH, None, i)
        while (popped := queue.pop()) is not None:
            kind, batch = popped
            self.current = kind
            for i in batch.rows:
                entries, joined = self._offer_existing(i, batch.rules, queue, kind)
                if kind is Pass.BOTH:
                    self._create(i, entries, joined, queue)
                    if self.facts.in_final_pass(self.rows[i]):
                        queue.add(Pass.FINAL, None, i)
        return self.associations


class _RowChecks:
    """What matching a row against a rule's associations needs of it, fetched once.

    The checks of the rule's shared attributes, and those of a role's when first asked
    (see :meth:`asnrules.engine.rowfacts.RowFacts.checks`).
    """

    __slots__ = ("facts", "linking", "roles", "row", "rule", "share")

    def __init__(self, facts: RowFacts, rule: Rule, row: Mapping[str, str]) -> None:
        self.facts = facts
        self.rule = rule
        self.row = row
        self.share = facts.checks(rule.share, rule, NO_ROLE, row)
        self.roles: dict[str, Checks] = {}
        self.linking: dict[str, tuple[tuple[str, str | None], ...]] = {}

    def of(self, role: Role) -> Checks:
        """The checks of the attributes ``role`` shares."""
        found = self.roles.get(role.name)
        if found is None:
            found = self.roles[role.name] = self.facts.checks(role.share, self.rule, role, self.row)
        return found

    def links(self, role: Role) -> tuple[tuple[str, str | None], ...]:
        """The row's value of each attribute ``role`` links on, by name."""
        found = self.linking.get(role.name)
        if found is None:
            found = tuple((a.name, self.facts.text(a, self.row)) for a in role.link)
            self.linking[role.name] = found
        return found


def _linked(links: tuple[tuple[str, str | None], ...], asn: Association | None) -> bool:
    """Whether ``asn`` pinned or recorded the row's value of every linked attribute."""
    if asn is None:
        return False
    for name, text in links:
        if text is None or (text not in asn.recorded.get(name, ()) and asn.pins.get(name) != text):
            return False
    return True


def _pin(checks: Checks, pins: dict[str, str], new: dict[str, str]) -> Attribute | None:
    """Pin the values of ``checks`` into ``new``; return the first unset or differing.

    A value differs when the association pinned another (in ``pins``, or in ``new`` by
    an earlier check).
    """
    for attribute, text in checks:
        if text is None:
            return attribute
        name = attribute.name
        pinned = pins.get(name)
        if pinned is None:
            pinned = new.get(name)
            if pinned is None:
                new[name] = text
                continue
        if pinned != text:
            return attribute
    return None


def _roles_rejection(notes: list[tuple[Role, str, Attribute | None]]) -> Rejection:
    return Rejection("roles", roles=tuple(notes))
