"""Generate associations from a pool: candidates, discovery, finalization.

The per-candidate algorithm: for every candidate named in the pool, the rules run over
just that candidate's rows (their candidate cell rewritten to name only it); then, when
discovery is on, once more over the whole pool with no candidate. Results are finalized
stage by stage (see :mod:`asnrules.engine.finalize`).
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity
from asnrules.engine.association import Association, Candidate
from asnrules.engine.candidates import candidates_in_order, rewrite, row_candidates
from asnrules.engine.finalize import finalize_stage, finish, prepare, rejects_every
from asnrules.engine.merge import merge_associations
from asnrules.engine.per_pool import CANDIDATE_RUN, PoolRun, unselected_ids
from asnrules.engine.rowfacts import RowFacts
from asnrules.engine.ruleset import Rule, Ruleset, Stage
from asnrules.engine.split import (
    MIN_ROWS,
    RunSpec,
    can_split,
    generate_split,
    groups,
    processes,
)
from asnrules.engine.trace import Tracer
from asnrules.version import __version__


@dataclass(frozen=True)
class Options:
    """What to generate.

    Parameters
    ----------
    candidate_ids : sequence of str, optional
        Only these candidates (no discovery).
    discover : bool
        Run the discovery pass.
    keep_candidates : bool
        Keep the candidates' associations.
    version_id : str, optional
        Version tag for file names and the ``version_id`` key.
    finalize : bool
        Run hooks, validity checks and de-duplication.
    merge : bool
        Merge the associations of mergeable stages by candidate and type.
    per_pool : bool
        One run over the whole pool, every candidate at once (see :mod:`asnrules.engine.per_pool`).
    selects : callable, optional
        Per pool, the test of candidates to use instead of ``candidate_ids``.
    spanning : bool
        Per pool with ``selects``, associations may take rows of several candidates.
    jobs : int
        Processes a large pool's runs may be shared among.
    """

    candidate_ids: Sequence[str] | None = None
    discover: bool = True
    keep_candidates: bool = True
    version_id: str | None = None
    finalize: bool = True
    merge: bool = False
    per_pool: bool = False
    selects: Callable[[Candidate], bool] | None = None
    spanning: bool = False
    jobs: int = 1


def check_columns(
    columns: Sequence[str], ruleset: Ruleset, pool_label: str, per_pool: bool = False
) -> list[Diagnostic]:
    """Raise a clear error when the pool lacks columns the rules read.

    In a per-pool run, a pool without the candidate column is read as naming no
    candidate: only discovery can make associations, which a returned warning says. A
    ruleset that declares no candidate column needs none.

    Returns
    -------
    list of Diagnostic
        Warnings (ASN030).

    Raises
    ------
    AsnRulesError
        ASN402 naming every missing column and where a rule uses it.
    """
    missing = ruleset.missing_columns(columns)
    column = ruleset.candidate_column or ""
    warnings = []
    absent = bool(column) and column not in columns
    if absent and per_pool:
        missing.pop(column, None)
        warnings.append(
            Diagnostic(
                pool_label,
                1,
                1,
                "ASN030",
                f"pool has no candidate column {column!r}: "
                "no candidate associations, only discovered ones",
                severity=Severity.WARNING,
            )
        )
    elif absent:
        missing.setdefault(column, "candidate column")
    if missing:
        names = ", ".join(sorted(missing))
        where = "; ".join(f"{c} (used at {w})" for c, w in sorted(missing.items()))
        raise AsnRulesError(
            [
                Diagnostic(
                    pool_label,
                    1,
                    1,
                    "ASN402",
                    f"pool lacks column(s) the rules need: {names}. {where}",
                )
            ]
        )
    return warnings


def generate(
    rows: Sequence[dict[str, str]],
    ruleset: Ruleset,
    options: Options | None = None,
    pool_name: str = "in-memory",
    tracer: Tracer | None = None,
    dropped: Counter[str] | None = None,
) -> list[Association]:
    """Generate and finalize associations.

    Parameters
    ----------
    rows : sequence of dict
        Pool rows (lower-case keys and values).
    ruleset : Ruleset
        Compiled rules.
    options : Options, optional
        Mode settings (default: every candidate plus discovery).
    pool_name : str
        Pool file name written into each association.
    tracer : Tracer, optional
        Follows chosen rows through the engine and finalize (``asnrules explain``).
    dropped : Counter, optional
        Counts the associations de-duplication drops, by de-duplication rule.

    Returns
    -------
    list of Association
        Stage by stage, in output order, numbered.
    """
    options = options or Options()
    serials = itertools.count(1)
    column = ruleset.candidate_column
    cells = row_candidates(rows, column)
    rows_of: dict[Candidate, list[int]] = {}
    for i, found in enumerate(cells):
        for candidate in found:
            rows_of.setdefault(candidate, []).append(i)
    made: list[Association] = []
    facts = RowFacts(ruleset)
    if options.per_pool:
        pool_run = PoolRun(
            ruleset,
            rows,
            serials,
            options.discover,
            options.candidate_ids,
            options.selects,
            options.spanning,
        )
        made.extend(pool_run.generate())
    else:
        specs = _runs(rows_of, cells, ruleset, options, len(rows))
        if options.finalize and tracer is None:
            specs = [_pruned(spec, ruleset, options, pool_name) for spec in specs]
        group_of = None
        if tracer is None and processes(options.jobs) > 1 and len(rows) >= MIN_ROWS and can_split():
            group_of = groups(rows, ruleset, facts)
        if group_of is not None:
            after = partial(_after_run, options=options, pool_name=pool_name, ruleset=ruleset)
            made.extend(
                generate_split(rows, ruleset, facts, specs, group_of, options.jobs, serials, after)
            )
            return _finished(made, ruleset, options, dropped)
        for spec in specs:
            made.extend(spec.run(rows, ruleset, facts, spec.origins, serials, tracer).generate())
        facts.forget()
    for asn in made:
        asn.builtins.update(_builtins(asn, options, pool_name, ruleset.run_prefix))
    if not options.finalize:
        return _numbered(made, ruleset, options)
    result = [
        asn
        for stage, own in _by_stage(made, ruleset)
        for asn in finalize_stage(
            own, ruleset.not_set, stage.deduplicate, tracer, stage.member_identity, dropped
        )
    ]
    return _kept(result, ruleset, options)


def _after_run(
    asn: Association, options: Options, pool_name: str, ruleset: Ruleset
) -> list[Association]:
    """An association of a split run with its built-ins, prepared if finalizing."""
    asn.builtins.update(_builtins(asn, options, pool_name, ruleset.run_prefix))
    return prepare(asn, ruleset.not_set) if options.finalize else [asn]


def _finished(
    made: list[Association], ruleset: Ruleset, options: Options, dropped: Counter[str] | None
) -> list[Association]:
    """The associations of split runs (each already through :func:`_after_run`), finished."""
    if not options.finalize:
        return _numbered(made, ruleset, options)
    result = [
        asn
        for stage, own in _by_stage(made, ruleset)
        for asn in finish(own, stage.deduplicate, None, stage.member_identity, dropped)
    ]
    return _kept(result, ruleset, options)


def _by_stage(
    made: list[Association], ruleset: Ruleset
) -> Iterator[tuple[Stage, list[Association]]]:
    """Each stage of the ruleset, in order, with its associations (in creation order)."""
    for stage in ruleset.stages:
        yield stage, [a for a in made if a.rule.stage == stage.name]


def _numbered(made: list[Association], ruleset: Ruleset, options: Options) -> list[Association]:
    """Associations not finalized: numbered in order, each with its product."""
    for n, asn in enumerate(made, 1):
        asn.sequence = n
        asn.builtins["product"] = asn.rule.product(asn.scope(ruleset.not_set))
    return _kept(made, ruleset, options)


def _runs(
    rows_of: dict[Candidate, list[int]],
    cells: Sequence[list[Candidate]],
    ruleset: Ruleset,
    options: Options,
    count: int,
) -> list[RunSpec]:
    """The runs of a generation in order: each candidate's, then discovery."""
    specs = []
    if options.keep_candidates:
        for candidate in _selected_candidates(cells, options):
            origins = list(dict.fromkeys(rows_of[candidate]))
            specs.append(RunSpec(candidate, CANDIDATE_RUN, origins, rewrite(candidate)))
    if options.discover and options.candidate_ids is None:
        discovered = Candidate(ruleset.discovered_id, ruleset.discovered_type)
        specs.append(RunSpec(discovered, "discover", range(count)))
    return specs


def _pruned(spec: RunSpec, ruleset: Ruleset, options: Options, pool_name: str) -> RunSpec:
    """``spec`` leaving out the rules whose ``valid`` checks reject all it could make.

    Such a rule's associations would all be dropped when finalized; nothing else depends
    on them (rules do not see each other's associations in a run), so the run does not
    make them. A tracer's run, or one not finalized, keeps every rule.
    """
    skip = frozenset(
        name
        for name, rule in ruleset.rules.items()
        if rule.valid
        and rejects_every(
            rule,
            _run_builtins(rule, spec.candidate, spec.label, options, pool_name, ruleset.run_prefix),
            ruleset.not_set,
        )
    )
    return replace(spec, skip=skip) if skip else spec


def _kept(associations: list[Association], ruleset: Ruleset, options: Options) -> list[Association]:
    """The associations to output, merged if asked.

    A per-pool run's candidate associations are dropped here when not kept: they took
    part in de-duplication.
    """
    if options.per_pool and not options.keep_candidates:
        associations = [a for a in associations if a.run != CANDIDATE_RUN]
    return _merged(associations, ruleset) if options.merge else associations


def _merged(associations: list[Association], ruleset: Ruleset) -> list[Association]:
    """The associations with those of mergeable stages merged (see :mod:`asnrules.engine.merge`)."""
    mergeable = [stage for stage in ruleset.stages if stage.mergeable]
    kept = {
        id(a)
        for stage in mergeable
        for a in merge_associations(
            [a for a in associations if a.rule.stage == stage.name], stage.member_identity
        )
    }
    names = {stage.name for stage in mergeable}
    return [a for a in associations if a.rule.stage not in names or id(a) in kept]


def _selected_candidates(cells: Sequence[list[Candidate]], options: Options) -> list[Candidate]:
    every = candidates_in_order(cells)
    if options.candidate_ids is None:
        return every
    wanted = [c.lower() for c in options.candidate_ids]
    return [c for cid in wanted for c in every if c.id == cid][: len(every)]


def _builtins(
    asn: Association, options: Options, pool_name: str, run_prefix: bool
) -> dict[str, Any]:
    found = _run_builtins(asn.rule, asn.candidate, asn.run, options, pool_name, run_prefix)
    pins = " ".join(f"{k}={v!r}" for k, v in asn.pins.items())
    found["constraints"] = sys.intern(f"{asn.rule.name}: {pins}")  # duplicates share it
    return found


def _run_builtins(
    rule: Rule, candidate: Candidate, run: str, options: Options, pool_name: str, run_prefix: bool
) -> dict[str, Any]:
    """The built-ins of an association of ``rule`` known before its run has members."""
    return {
        "candidate": candidate,
        "asn_type": rule.asn_type,
        "asn_rule": sys.intern(f"{run}_{rule.name}") if run_prefix else rule.name,
        "version_id": options.version_id,
        "pool_name": pool_name,
        "code_version": __version__,
    }


def unknown_candidates(
    rows: Sequence[dict[str, str]], ruleset: Ruleset, ids: Sequence[str], per_pool: bool = False
) -> list[str]:
    """Return the requested candidate ids that select no candidate of the pool.

    Per candidate an id names a candidate exactly; per pool it selects those whose text
    holds it (see :mod:`asnrules.engine.per_pool`).
    """
    every = candidates_in_order(row_candidates(rows, ruleset.candidate_column))
    if per_pool:
        return unselected_ids(every, ids)
    known = {c.id for c in every}
    return [i for i in ids if i.lower() not in known]
