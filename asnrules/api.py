"""The Python API, in the spirit of ``jwst.associations``.

``AssociationPool`` reads pools, ``AssociationRegistry`` is a compiled ruleset,
``generate`` runs it, and ``Main`` does what the command line does
(``Main(["pool.csv"]).associations``).
"""

from __future__ import annotations

import argparse
import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from asnrules.diagnostics import (
    AsnRulesError,
    Diagnostic,
    OutputError,
    Severity,
    UsageError,
    error,
)
from asnrules.engine.association import Association
from asnrules.engine.candidates import cell_warnings
from asnrules.engine.collector import collector_paused
from asnrules.engine.generator import Options, check_columns, unknown_candidates
from asnrules.engine.generator import generate as _generate
from asnrules.engine.ruleset import Ruleset
from asnrules.engine.trace import Tracer
from asnrules.engine.warnings import (
    generate_warnings,
    undone_overrides,
    unknown_candidate_warnings,
)
from asnrules.io.output import (
    check_file_names,
    named_files,
    origin,
    orphan_rows,
    orphan_table,
    version_tag,
)
from asnrules.io.pool import ROW_LINES, pool_name, pool_rows, read_pool
from asnrules.io.poolread import read_pool_fast
from asnrules.io.writing import WriteReport, write_set
from asnrules.language.rulecache import load_rules
from asnrules.modes import candidate_options, dms_candidate_ids, dms_requested_only, rule_files
from asnrules.options import RunOptions, add_arguments


class AssociationPool:
    """Reads association pools (a namespace mirroring ``jwst.associations.AssociationPool``)."""

    @staticmethod
    def read(filename: str | Path, delimiter: str = "|", format: str = "ascii") -> Any:
        """Read a pool into an astropy Table of lower-case strings (see :func:`read_pool`)."""
        return read_pool(filename, delimiter=delimiter, fmt=format)


def AssociationRegistry(  # noqa: N802 - named as the jwst class it stands in for
    definition_files: Sequence[str | Path] | None = None, include_default: bool = True
) -> Ruleset:
    """Load rules: the bundled Stage 2 + Stage 3 rulesets and/or the given rule files.

    Parameters
    ----------
    definition_files : sequence of str or Path, optional
        Rule files (or bundled ruleset names) to load after the defaults.
    include_default : bool
        Whether to load the bundled rulesets first.
    """
    files = [
        *(("stage2.yaml", "stage3.yaml") if include_default else ()),
        *(definition_files or ()),
    ]
    if not files:
        raise error("<rules>", "ASN020", "no rule files given")
    ruleset, _ = load_rules(files)
    return ruleset


def generate(
    pool: Any,
    rules: Ruleset | str | Path | Sequence[str | Path] | None = None,
    version_id: str | bool | None = None,
    finalize: bool = True,
) -> list[Association]:
    """Generate associations from a pool with every candidate plus discovery.

    Parameters
    ----------
    pool : astropy Table, str or Path
        A pool read by :meth:`AssociationPool.read`, or the path of a pool file.
    rules : Ruleset, str, Path or sequence of them, optional
        Compiled rules, or rule files / bundled ruleset names to load (default: the
        bundled Stage 2 and Stage 3 rulesets).
    version_id : str or bool, optional
        Version tag for file names; ``True`` for a UTC timestamp.
    finalize : bool
        Run hooks, validity checks and de-duplication.

    Raises
    ------
    AsnRulesError
        For a pool or rule file that cannot be used (``UsageError`` for arguments of
        the wrong kind).
    """
    ruleset = _ruleset(rules)
    table = _pool(pool)
    check_columns(list(table.colnames), ruleset, str(table.meta.get("pool_file", "in-memory")))
    options = Options(version_id=version_tag(version_id), finalize=finalize)
    return _generate(pool_rows(table, ruleset.case_fold), ruleset, options, pool_name(table))


def _ruleset(rules: object) -> Ruleset:
    if rules is None:
        return AssociationRegistry()
    if isinstance(rules, Ruleset):
        return rules
    if isinstance(rules, (str, Path)):
        return load_rules([rules])[0]
    if isinstance(rules, Sequence) and all(isinstance(r, (str, Path)) for r in rules):
        return load_rules(list(rules))[0]
    raise error(
        "<arguments>",
        "ASN011",
        f"rules must be a Ruleset, a rule file or a list of rule files, not {type(rules).__name__}",
        kind=UsageError,
    )


def _pool(pool: object) -> Any:
    if isinstance(pool, (str, Path)):
        return read_pool(pool)
    if hasattr(pool, "colnames") and hasattr(pool, "meta"):
        return pool
    raise error(
        "<arguments>",
        "ASN011",
        f"pool must be an astropy Table or the path of a pool file, not {type(pool).__name__}",
        kind=UsageError,
    )


@dataclass
class Result:
    """What one generation produced: files ready to write, and the orphan rows."""

    associations: list[Association]
    files: list[tuple[str, str]]
    orphans: list[int]
    rows: list[dict[str, str]]
    columns: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)
    """Located warnings (severity warning): what made the run give less than expected."""
    table: Any = None
    """The pool as read (its ``meta`` keeps the cells as the pool had them)."""
    origins: list[str] = field(default_factory=list)
    """What made each of ``files`` (rule and ruleset file), for messages."""
    inputs: list[Path] = field(default_factory=list)
    """The files this run read (pool, rule files): outputs never overwrite them."""
    deduplicated: Counter[str] = field(default_factory=Counter)
    """The associations de-duplication dropped, by de-duplication rule."""

    def outputs(self, orphans_file: str | None = None) -> tuple[list[tuple[str, str]], list[str]]:
        """The files to write and what made each, with the orphan table when asked for."""
        files, origins = list(self.files), list(self.origins)
        if orphans_file:
            files.append(
                (
                    orphans_file,
                    orphan_table(self.rows, self.orphans, self.columns, table=self.table),
                )
            )
            origins.append("--save-orphans")
        return files, origins

    def write(self, folder: str | Path, orphans_file: str | None = None) -> WriteReport:
        """Write the files (and orphan table) into ``folder``: all of them, or none.

        Raises
        ------
        OutputError
            When a name is refused or a write fails; the folder is left as it was.
        """
        files, origins = self.outputs(orphans_file)
        return write_set(Path(folder), files, origins, self.inputs)


@collector_paused()
def run(
    pool_file: str | Path,
    rulesets: Sequence[str | Path] | None = None,
    *,
    ids: Sequence[str] | None = None,
    discover: bool = False,
    all_candidates: bool = False,
    version_id: str | bool | None = None,
    finalize: bool = True,
    merge: bool = False,
    per_pool: bool = False,
    delimiter: str = "|",
    pool_format: str = "ascii",
    pool: Any = None,
    ignore_default: bool = False,
    dms: bool = False,
    ruleset: Ruleset | None = None,
    tracer: Tracer | None = None,
    jobs: int = 1,
) -> Result:
    """Load rules and pool, generate, and prepare the output (nothing is written).

    Parameters mirror ``asn_generate``: with none of ``ids``, ``discover`` and
    ``all_candidates``, every candidate is generated and discovery runs as well. The
    rule files are chosen by :func:`asnrules.modes.rule_files`; ``dms`` with ``ids`` is
    the reference's ``--DMS`` (see :mod:`asnrules.modes`). ``pool`` and ``ruleset`` give
    an already read pool table and loaded rules; ``tracer`` follows chosen rows
    (``asnrules explain``). A large pool's runs may be shared among ``jobs`` processes
    (the output is the same; see :mod:`asnrules.engine.split`). The cyclic garbage
    collector is paused meanwhile (see :mod:`asnrules.engine.collector`).
    """
    version_id = version_tag(version_id)
    notes: list[Diagnostic] = []
    added_defaults = False
    if ruleset is None:
        chosen = rule_files(rulesets, ignore_default)
        added_defaults = len(chosen) > len(rulesets or ()) > 0
        ruleset, notes = load_rules(chosen)
    notes += undone_overrides(ruleset)
    table = (
        pool
        if pool is not None
        else read_pool_fast(pool_file, delimiter=delimiter, fmt=pool_format)
    )
    try:
        warnings: list[Diagnostic] = list(
            check_columns(list(table.colnames), ruleset, str(pool_file), per_pool)
        )
    except AsnRulesError as exc:
        if not added_defaults:
            raise
        raise AsnRulesError([_defaults_hint(d) for d in exc.diagnostics]) from exc
    rows = pool_rows(table, ruleset.case_fold)
    requested = list(ids or ())
    if dms and ids and not per_pool:
        ids = dms_candidate_ids(rows, ruleset.candidate_column, requested)
    options = candidate_options(
        ids,
        discover,
        all_candidates,
        version_id=version_id,
        finalize=finalize,
        merge=merge,
        per_pool=per_pool,
        jobs=jobs,
    )
    label = str(table.meta.get("pool_file", pool_file))
    lines = table.meta.get(ROW_LINES, ())
    warnings = [
        *notes,
        *warnings,
        *unknown_candidate_warnings(
            str(pool_file), unknown_candidates(rows, ruleset, requested, per_pool)
        ),
        *cell_warnings(rows, ruleset.candidate_column, label, lines),
        *_no_candidates(ruleset, str(pool_file), all_candidates),
    ]
    deduplicated: Counter[str] = Counter()
    associations = _generate(rows, ruleset, options, pool_name(table), tracer, deduplicated)
    if dms and requested and not per_pool:
        associations = dms_requested_only(associations, requested)
    files = named_files(associations, ruleset.not_set, jobs)
    try:
        check_file_names(associations, [name for name, _ in files])
    except OutputError as exc:  # an undone override often explains a clash: say both
        raise OutputError([*exc.diagnostics, *notes]) from None
    orphans = orphan_rows(rows, associations, ruleset.orphans)
    warnings.extend(generate_warnings(ruleset, rows, table.colnames, associations))
    inputs = [Path(pool_file), *(stage.path for stage in ruleset.stages)]
    return Result(
        associations,
        files,
        orphans,
        rows,
        list(table.colnames),
        warnings,
        origins=[origin(a) for a in associations],
        inputs=[p for p in inputs if p.is_file()],
        table=table,
        deduplicated=deduplicated,
    )


def _no_candidates(ruleset: Ruleset, pool: str, all_candidates: bool) -> list[Diagnostic]:
    """ASN030 when only candidates are asked for of rules that declare none."""
    if not all_candidates or ruleset.candidate_column is not None:
        return []
    message = (
        "the rules declare no candidates: --all-candidates makes no association "
        "(without it, generate discovers them)"
    )
    return [Diagnostic(pool, 0, 0, "ASN030", message, severity=Severity.WARNING)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asnrules generate", allow_abbrev=False)
    parser.add_argument("pool", nargs="?")
    add_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


class Main:
    """Generate associations as the command line does, from a list of arguments.

    Parameters
    ----------
    args : list of str or str, optional
        Command-line arguments (``["pool.csv", "-i", "o001"]``) or one string.
    pool : astropy Table, optional
        An in-memory pool (then the pool argument may be omitted).

    Attributes
    ----------
    options : RunOptions
        The run options the arguments give (as ``asnrules generate`` reads them).
    associations : list
        The associations, in output order.
    orphaned : list of dict
        Pool rows that belong to no association.
    """

    def __init__(self, args: Sequence[str] | str | None = None, pool: Any = None) -> None:
        argv = shlex.split(args) if isinstance(args, str) else list(args or [])
        parser = _parser()
        self.parsed = parser.parse_args(argv)
        if self.parsed.pool is None and pool is None:
            parser.error("the following arguments are required: pool")
        self.options = RunOptions.parsed(self.parsed)
        self.result = run(
            self.parsed.pool or "in-memory",
            list(self.options.ruleset) or None,
            pool=pool,
            **self.options.run_kwargs(),
        )

    @property
    def associations(self) -> list[Association]:
        """The generated associations."""
        return self.result.associations

    @property
    def orphaned(self) -> list[dict[str, str]]:
        """Rows of the pool that are members of no association."""
        return [self.result.rows[i] for i in self.result.orphans]

    def save(self) -> list[Path]:
        """Write the association files (and orphan table) unless ``--dry-run``.

        All of them are written, or none (see :mod:`asnrules.io.writing`).
        """
        if self.options.dry_run:
            return []
        return self.result.write(self.options.path, self.options.save_orphans).written

    @classmethod
    def cli(cls, args: Sequence[str] | str | None = None, pool: Any = None) -> Main:
        """Generate and save, as the command line does."""
        main = cls(args, pool)
        main.save()
        return main


def _defaults_hint(problem: Diagnostic) -> Diagnostic:
    """A missing-column error told that the bundled rulesets were added to the ``-r`` files."""
    if problem.code != "ASN402":
        return problem
    hint = (
        " (the bundled stage2.yaml and stage3.yaml run before the -r files: give "
        "--ignore-default to run only yours)"
    )
    return replace(problem, message=problem.message + hint)
