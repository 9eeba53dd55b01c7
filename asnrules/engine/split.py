"""One generation on several processes: the runs over groups of rows that never meet.

A run's associations hold rows that agree on their rule's index key. When every rule
indexes on an attribute read from one column (a program or project column, say), rows
whose values of that column give different keys in every rule can never be members of
one association, in any run. The pool then falls into *groups* (the column's values,
joined where some rule's attribute gives two of them one key, and where two rows share
an identity), and each run (every candidate run, then discovery) is the same as the runs
over each group apart, their associations taken together in creation order.

Creation order is known without running them together: an association starts while its
first member's row is offered in the first pass, rows are offered in pool order, and a
row starts associations in rule order. So each process runs every run over its share of
the groups, and the associations of a run are merged by the pool row of their first
member (one process holds all of a row's). Numbering, finalization and everything after
are done once, on the merged associations, as without the split.

Processes are forked (they inherit the rows and the compiled rules); where the platform
cannot fork, or the pool is small, or the rules give one group, nothing is split.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from asnrules.engine.association import Association, Candidate, Member
from asnrules.engine.candidates import in_run
from asnrules.engine.matching import Run
from asnrules.engine.rowfacts import RowFacts
from asnrules.engine.ruleset import Ruleset
from asnrules.engine.scope import columns_read
from asnrules.engine.trace import Tracer

T = TypeVar("T")
R = TypeVar("R")

MIN_ROWS = 5000
"""Pools with fewer rows are not split: starting processes costs more than it saves."""


@dataclass(frozen=True)
class RunSpec:
    """One run of a generation: whose associations, over which pool rows.

    ``cell`` is what the candidate column reads in the run (``None``: the rows as they
    are, in discovery). ``skip`` names the rules left out of the run (see
    :func:`asnrules.engine.finalize.rejects_every`).
    """

    candidate: Candidate
    label: str
    origins: Sequence[int]
    cell: str | None = None
    skip: frozenset[str] = frozenset()

    def rows(
        self, rows: Sequence[Mapping[str, str]], column: str | None, origins: Sequence[int]
    ) -> list[Mapping[str, str]]:
        """The rows at ``origins`` as this run sees them."""
        if self.cell is None or column is None:
            return [rows[i] for i in origins]
        cell = self.cell
        return [in_run(rows[i], column, cell) for i in origins]

    def run(
        self,
        rows: Sequence[Mapping[str, str]],
        ruleset: Ruleset,
        facts: RowFacts,
        origins: Sequence[int],
        serials: Iterator[int],
        tracer: Tracer | None = None,
    ) -> Run:
        """The run of this spec over the pool rows at ``origins``."""
        sub = self.rows(rows, ruleset.candidate_column, origins)
        return Run(
            ruleset, sub, self.candidate, self.label, serials, tracer, facts, origins, self.skip
        )


def groups(
    rows: Sequence[Mapping[str, str]], ruleset: Ruleset, facts: RowFacts
) -> list[int] | None:
    """The group of every row (rows of two groups never meet); ``None``: one group.

    Parameters
    ----------
    rows : sequence of mapping
        The pool rows.
    ruleset : Ruleset
        Compiled rules.
    facts : RowFacts
        Row-only results (the attributes' values).
    """
    column = _column(ruleset, rows)
    if column is None or ruleset.identity == ruleset.candidate_column:
        return None
    first: dict[str | None, int] = {}
    for i, row in enumerate(rows):
        first.setdefault(row.get(column), i)
    joined = _Union(list(first))
    for rule in ruleset.rules.values():
        attribute = next(a for a in rule.key_attributes if _reads(ruleset, a.value) == column)
        by_key: dict[str, str | None] = {}
        for value, i in first.items():
            text = facts.text(attribute, rows[i])
            if text is not None:
                joined.join(value, by_key.setdefault(text, value))
    owner: dict[str, str | None] = {}
    for i, row in enumerate(rows):
        value = row.get(column)
        joined.join(value, owner.setdefault(ruleset.row_identity(row, i), value))
    numbers: dict[str | None, int] = {}
    found = [numbers.setdefault(joined.find(row.get(column)), len(numbers)) for row in rows]
    return found if len(numbers) > 1 else None


def _column(ruleset: Ruleset, rows: Sequence[Mapping[str, str]]) -> str | None:
    """A column some key attribute of every rule reads alone (``None``: none)."""
    shared: set[str] | None = None
    for rule in ruleset.rules.values():
        read = {c for a in rule.key_attributes if (c := _reads(ruleset, a.value)) is not None}
        shared = read if shared is None else shared & read
        if not shared:
            return None
    if not shared:
        return None
    return max(sorted(shared), key=lambda c: len({row.get(c) for row in rows}))


def _reads(ruleset: Ruleset, compiled: Any) -> str | None:
    """The one column ``compiled`` reads, or ``None``."""
    read = columns_read(ruleset.reads, compiled)
    return next(iter(read)) if read is not None and len(read) == 1 else None


class _Union:
    """Union-find over the values of the group column."""

    def __init__(self, values: list[str | None]) -> None:
        self.parent: dict[str | None, str | None] = {v: v for v in values}

    def find(self, value: str | None) -> str | None:
        parent = self.parent
        while parent[value] != value:
            parent[value] = parent[parent[value]]
            value = parent[value]
        return value

    def join(self, a: str | None, b: str | None) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def shares(group_of: Sequence[int], jobs: int) -> list[frozenset[int]]:
    """The groups each of ``jobs`` processes takes, balanced by rows (largest first)."""
    sizes: dict[int, int] = {}
    for g in group_of:
        sizes[g] = sizes.get(g, 0) + 1
    loads = [(0, k, set[int]()) for k in range(min(jobs, len(sizes)))]
    heapq.heapify(loads)
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        load, k, taken = heapq.heappop(loads)
        taken.add(g)
        heapq.heappush(loads, (load + sizes[g], k, taken))
    return [frozenset(taken) for _, _, taken in sorted(loads, key=lambda x: x[1])]


# -- the processes -----------------------------------------------------------------------
After = Callable[[Association], list[Association]]
"""What is done to each association of a run where it was made: it becomes these."""
_Made = list[tuple[int, Association]]
_Packed = tuple[Any, ...]
_Work = tuple[
    Sequence[Mapping[str, str]], Ruleset, RowFacts, Sequence[RunSpec], Sequence[int], After
]
_WORK: _Work | None = None
"""What forked processes inherit: rows, rules, row facts, runs, each row's group, ``after``."""


_MAP: tuple[Callable[[Any], Any], Sequence[Any], int] | None = None
"""What forked processes of :func:`forked_map` inherit: the function, items, slice size."""


def forked_map(function: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[function(x) for x in items]``, its slices shared among ``jobs`` processes.

    This process takes the first slice; forked processes (which inherit ``function`` and
    ``items``) the others, sending back their results, which must pickle. With one job,
    fewer than :data:`MIN_ROWS` items or no fork, everything is done here.
    """
    global _MAP
    jobs = processes(jobs)
    if jobs <= 1 or len(items) < MIN_ROWS or not can_split():
        return [function(x) for x in items]
    size = -(-len(items) // jobs)
    _MAP = (function, items, size)
    try:
        with _forked(_map_slice, range(1, jobs)) as others:
            found = _map_slice(0)
            for part in others.results():
                found.extend(part)
    finally:
        _MAP = None
    return found


def _map_slice(k: int) -> list[Any]:
    assert _MAP is not None
    function, items, size = _MAP
    return [function(x) for x in items[k * size : (k + 1) * size]]


_STOPPING = {signal.SIGINT, signal.SIGTERM}


class _Children:
    """Forked processes, each computing ``function(arg)`` and sending back the result."""

    def __init__(self) -> None:
        self.running: list[tuple[int, int]] = []
        """Each child's process id and the pipe its result comes through."""

    def start(self, function: Callable[[Any], Any], arg: Any) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(function, arg, write)
        os.close(write)
        self.running.append((pid, read))

    def results(self) -> list[Any]:
        """Every child's result, in order; a child's exception is raised here."""
        found = []
        while self.running:
            pid, read = self.running[0]
            with os.fdopen(read, "rb") as pipe:
                try:  # read as it comes: the whole pickle is never held as bytes
                    ok, value = pickle.load(pipe)
                except (EOFError, pickle.UnpicklingError):  # no result, or one cut short
                    ok, value = False, _lost()
            os.waitpid(pid, 0)
            self.running.pop(0)
            if not ok:
                raise value
            found.append(value)
        return found

    def stop(self) -> None:
        """Kill and reap the children still running."""
        for pid, read in self.running:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(read)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
        self.running.clear()


@contextlib.contextmanager
def _forked(function: Callable[[Any], Any], args: Sequence[Any]) -> Iterator[_Children]:
    """Fork a child per argument (see :class:`_Children`); whatever happens, none is left.

    Ctrl-C and SIGTERM are held while forking, so that no child runs this process's
    handlers: children ignore Ctrl-C and end on SIGTERM, and this process, interrupted,
    kills them (plain processes and pipes, no locks a killed child could keep).
    """
    children = _Children()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        for arg in args:
            children.start(function, arg)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        yield children
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        children.stop()


def _child(function: Callable[[Any], Any], arg: Any, write: int) -> NoReturn:
    """In a forked child: compute, send the result (or the exception), and exit at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    try:
        with os.fdopen(write, "wb") as pipe:
            try:
                result = function(arg)
            except BaseException as exc:  # sent to the parent, which raises it
                try:
                    data = pickle.dumps((False, exc))
                except Exception:
                    failed = RuntimeError(f"a forked process failed: {exc!r}")
                    data = pickle.dumps((False, failed))
                pipe.write(data)
            else:  # written as it is made (a failure half-way leaves the parent a cut
                # pickle, which it reports as a lost result)
                pickle.dump((True, result), pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _lost() -> BaseException:
    return RuntimeError("a forked process ended without a result")


def processes(jobs: int) -> int:
    """The processes to use for ``jobs``: never more than the cores (more cannot help)."""
    return max(1, min(jobs, os.cpu_count() or 1))


def can_split() -> bool:
    """Whether processes can be forked here."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def generate_split(
    rows: Sequence[Mapping[str, str]],
    ruleset: Ruleset,
    facts: RowFacts,
    specs: Sequence[RunSpec],
    group_of: Sequence[int],
    jobs: int,
    serials: Iterator[int],
    after: After,
) -> list[Association]:
    """Every run of ``specs``, its groups shared among ``jobs`` processes, then ``after``.

    This process takes the first share itself; forked processes take the others (each
    with a copy of ``facts``, the row-only results known so far). The result is what
    ``after`` made of each association, in run and creation order.
    """
    global _WORK
    taken = shares(group_of, processes(jobs))
    _WORK = (rows, ruleset, facts, specs, group_of, after)
    try:
        with _forked(_packed_work, taken[1:]) as others:
            own = _work(taken[0])
            packed = others.results()
    finally:
        _WORK = None
    column = ruleset.candidate_column
    made: list[Association] = []
    for k, spec in enumerate(specs):
        views: dict[int | None, Mapping[str, str]] = {}

        def row(source: int, spec: RunSpec = spec, views: dict[Any, Any] = views) -> Any:
            found = views.get(source)
            if found is None:
                found = views[source] = spec.rows(rows, column, [source])[0]
            return found

        parts = [
            own[k],
            *([(key, _unpack(p, ruleset, row)) for key, p in part[k]] for part in packed),
        ]
        for _, asn in heapq.merge(*parts, key=lambda pair: pair[0]):
            asn.serial = next(serials)
            made.append(asn)
    return made


def _work(taken: frozenset[int]) -> list[_Made]:
    """Every run over the rows of the groups ``taken``, through ``after``.

    Each item ``after`` made comes with the pool row of the first member of the
    association it came from (where that was made).
    """
    assert _WORK is not None
    rows, ruleset, facts, specs, group_of, after = _WORK
    serials = iter(range(1, 1 << 62))
    found = []
    for spec in specs:
        origins = [i for i in spec.origins if group_of[i] in taken]
        made = spec.run(rows, ruleset, facts, origins, serials).generate()
        found.append([(_key(a), item) for a in made for item in after(a)])
    facts.forget()  # before the results are packed or received: their memory is reused
    return found


def _key(asn: Association) -> int:
    """Where a run's association was made: the pool row of its first member."""
    return asn.members[0].source or 0


def _packed_work(taken: frozenset[int]) -> list[list[tuple[int, _Packed]]]:
    """In a forked process: :func:`_work`, its associations packed to be sent back."""
    assert _WORK is not None
    names = {id(rule): name for name, rule in _WORK[1].rules.items()}
    return [[(key, _pack(a, names[id(a.rule)])) for key, a in made] for made in _work(taken)]


def _pack(asn: Association, name: str) -> _Packed:
    """What the parent needs of an association of a run (rows by their pool index)."""
    founder = asn.founder
    return (
        name,
        asn.candidate,
        asn.run,
        [(m.source, m.role, m.fields) for m in asn.members],
        None if founder is None else (founder.source, founder.role, founder.fields),
        asn.pins,
        asn.recorded,
        asn.keeps_creating,
        asn.spelling,
        asn.builtins,
    )


def _unpack(packed: _Packed, ruleset: Ruleset, row: Callable[[int], Any]) -> Association:
    """An association of another process, its rows as this run sees them."""
    name, candidate, label, members, founder, *state = packed
    pins, recorded, keeps, spelling, builtins = state
    asn = Association(ruleset.rules[name], candidate, label, 0, not_set=ruleset.not_set)
    asn.members = [Member(row(s), role, fields, s) for s, role, fields in members]
    if founder is not None:
        asn.founder = Member(row(founder[0]), founder[1], founder[2], founder[0])
    asn.pins, asn.recorded, asn.spelling = pins, recorded, spelling
    asn.keeps_creating = keeps
    asn.builtins = builtins
    return asn
