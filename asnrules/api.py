"""The Python API, in the spirit of ``jwst.associations``.

``AssociationPool`` reads pools, ``AssociationRegistry`` is a compiled ruleset,
``generate`` runs it, and ``Main`` does what the command line does
(``Main(["pool.csv"]).associations``).
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .association import Association
from .diagnostics import Diagnostic, error
from .generate_warnings import generate_warnings, unknown_candidate_warnings
from .generator import Options, check_columns, unknown_candidates
from .generator import generate as _generate
from .loader import load_rulesets
from .output import named_documents, orphan_rows, orphan_table, serialize, write_all
from .pool import pool_name, pool_rows, read_pool
from .ruleset import Ruleset
from .trace import Tracer


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
        raise error("<rules>", "ASN001", "no rule files given")
    ruleset, _ = load_rulesets(files)
    return ruleset


def generate(
    pool: Any, rules: Ruleset | None = None, version_id: str | None = None, finalize: bool = True
) -> list[Association]:
    """Generate associations from an astropy Table pool with a ruleset (default rules if None)."""
    ruleset = rules if rules is not None else AssociationRegistry()
    check_columns(list(pool.colnames), ruleset, str(pool.meta.get("pool_file", "in-memory")))
    return _generate(
        pool_rows(pool), ruleset, Options(version_id=version_id, finalize=finalize), pool_name(pool)
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


def run(
    pool_file: str | Path,
    rulesets: Sequence[str | Path] | None = None,
    *,
    ids: Sequence[str] | None = None,
    discover: bool = False,
    all_candidates: bool = False,
    version_id: str | None = None,
    finalize: bool = True,
    delimiter: str = "|",
    pool_format: str = "ascii",
    pool: Any = None,
    ruleset: Ruleset | None = None,
    tracer: Tracer | None = None,
) -> Result:
    """Load rules and pool, generate, and prepare the output (nothing is written).

    Parameters mirror ``asn_generate``: with none of ``ids``, ``discover`` and
    ``all_candidates``, every candidate is generated and discovery runs as well.
    ``pool`` and ``ruleset`` give an already read pool table and loaded rules;
    ``tracer`` follows chosen rows (``asnrules explain``).
    """
    if ruleset is None:
        ruleset, _ = load_rulesets(list(rulesets) if rulesets else None)
    table = pool if pool is not None else read_pool(pool_file, delimiter=delimiter, fmt=pool_format)
    check_columns(list(table.colnames), ruleset, str(pool_file))
    rows = pool_rows(table)
    if ids:
        options = Options(
            candidate_ids=list(ids), discover=False, version_id=version_id, finalize=finalize
        )
    elif discover:
        options = Options(
            discover=True, keep_candidates=False, version_id=version_id, finalize=finalize
        )
    elif all_candidates:
        options = Options(discover=False, version_id=version_id, finalize=finalize)
    else:
        options = Options(version_id=version_id, finalize=finalize)
    associations = _generate(rows, ruleset, options, pool_name(table), tracer)
    named = named_documents(associations, ruleset.not_set)
    files = [(name, serialize(doc)) for name, doc in named]
    orphans = orphan_rows(rows, associations, ruleset.identity)
    warnings = [
        *unknown_candidate_warnings(str(pool_file), unknown_candidates(rows, ruleset, ids or [])),
        *generate_warnings(ruleset, rows, table.colnames, associations),
    ]
    return Result(associations, files, orphans, rows, list(table.colnames), warnings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asnrules generate", add_help=False, exit_on_error=False)
    parser.add_argument("pool", nargs="?")
    parser.add_argument("-r", "--ruleset", "--rules", dest="rulesets", action="append")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-i", "--ids", nargs="+")
    group.add_argument("--discover", action="store_true")
    group.add_argument("--all-candidates", action="store_true")
    parser.add_argument("-p", "--path", default=".")
    parser.add_argument("--version-id", nargs="?", const=True, default=None)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("-d", "--delimiter", default="|")
    parser.add_argument("--pool-format", default="ascii")
    parser.add_argument("--no-finalize", action="store_true")
    parser.add_argument("--save-orphans", nargs="?", const="orphaned.csv", default=None)
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
    associations : list
        The associations, in output order.
    orphaned : list of dict
        Pool rows that belong to no association.
    """

    def __init__(self, args: Sequence[str] | str | None = None, pool: Any = None) -> None:
        argv = shlex.split(args) if isinstance(args, str) else list(args or [])
        try:
            self.parsed = _parser().parse_args(argv)
        except argparse.ArgumentError as exc:
            raise error("<arguments>", "ASN001", str(exc)) from None
        if self.parsed.pool is None and pool is None:
            raise error("<arguments>", "ASN001", "no pool given")
        version = self.parsed.version_id
        if version is True:
            from datetime import datetime, timezone

            version = datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S")
        self.result = run(
            self.parsed.pool or "in-memory",
            self.parsed.rulesets,
            ids=self.parsed.ids,
            discover=self.parsed.discover,
            all_candidates=self.parsed.all_candidates,
            version_id=version,
            finalize=not self.parsed.no_finalize,
            delimiter=self.parsed.delimiter,
            pool_format=self.parsed.pool_format,
            pool=pool,
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
        """Write the association files (and orphan table) unless ``--dry-run``."""
        if self.parsed.dry_run:
            return []
        files = list(self.result.files)
        if self.parsed.save_orphans:
            table = orphan_table(self.result.rows, self.result.orphans, self.result.columns)
            files.append((self.parsed.save_orphans, table))
        return write_all(Path(self.parsed.path), files)

    @classmethod
    def cli(cls, args: Sequence[str] | str | None = None, pool: Any = None) -> Main:
        """Generate and save, as the command line does."""
        main = cls(args, pool)
        main.save()
        return main
