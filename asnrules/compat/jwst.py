"""The public API of ``jwst.associations``, over asnrules.

Code written for the reference moves here by changing its import::

    from asnrules.compat.jwst import AssociationPool, AssociationRegistry, Main, generate

``generate(pool, registry)`` runs once under the registry's global constraints, as the
reference's does; ``Main`` does what ``asn_generate`` does. What stays different, and
why, is in ``docs/porting.md``. Run as ``python -m asnrules.compat.jwst POOL ...`` it
takes ``asn_generate``'s arguments.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from astropy.table import Table

from asnrules import __version__
from asnrules.compat.documents import (
    LOG,
    AsnDocument,
    AssociationError,
    AssociationNotValidError,
    load_asn,
    wrap,
)
from asnrules.compat.registry import AssociationRegistry, DMSAttrConstraint, constrain_on_candidates
from asnrules.diagnostics import AsnRulesError, render
from asnrules.engine.generator import check_columns, unknown_candidates
from asnrules.engine.generator import generate as _generate
from asnrules.io.output import orphan_rows, version_tag
from asnrules.io.pool import NULL, ORIGINAL, pool_name, read_pool
from asnrules.modes import candidate_options, dms_candidate_ids, dms_requested_only
from asnrules.options import RunOptions, add_arguments

Association = AsnDocument
"""Associations are :class:`AsnDocument` objects (``dict`` of their document)."""


class AssociationPool(Table):  # type: ignore[misc]
    """An astropy Table of pool rows; ``AssociationPool()`` is an empty pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta.setdefault("pool_file", "in-memory")

    @classmethod
    def read(  # type: ignore[override]
        cls,
        filename: str | Path,
        delimiter: str = "|",
        fmt: str | None = None,
        format: str | None = None,
        **_ignored: Any,
    ) -> AssociationPool:
        """Read a pool: lower-case strings, ``|``-delimited by default.

        Raises
        ------
        AsnRulesError
            ASN401 when the file is missing, ASN404 when it is malformed.
        """
        table = read_pool(filename, delimiter=delimiter, fmt=fmt or format or "ascii")
        return cls(table, meta=table.meta)

    def write(self, *args: Any, **kwargs: Any) -> None:
        """Write the pool; by default as ``|``-delimited ASCII, as it is read."""
        kwargs.setdefault("delimiter", "|")
        kwargs.setdefault("format", kwargs.pop("fmt", None) or "ascii")
        super().write(*args, **kwargs)


def _rows(pool: Table, fold: bool) -> list[dict[str, str]]:
    """The pool's rows: lower-case column names, values as the ruleset's ``case`` says.

    With ``fold`` (``case: fold``) every value is lower-cased. Otherwise values are kept:
    a pool read from a file gives back its cells as written, unless the table no longer
    holds them (its values were changed, or rows taken out), when its values are used.
    """
    names = list(pool.colnames)
    columns = [[str(v) for v in pool[n].tolist()] for n in names]
    if fold:
        columns = [[v.lower() for v in column] for column in columns]
    else:
        columns = _as_written(pool, names, columns)
    keys = [n.lower() for n in names]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _as_written(pool: Table, names: list[str], columns: list[list[str]]) -> list[list[str]]:
    """The cells as the pool file had them, when they are still the table's values.

    :func:`~asnrules.io.pool.read_pool` lower-cases values and keeps the cells as written
    in ``meta``; they are the table's only while each lower-cases to its value.
    """
    original = (pool.meta or {}).get(ORIGINAL) or {}
    written = [original.get(n.lower()) for n in names]
    kept = [[v if v.strip() else NULL for v in cells or ()] for cells in written]
    if all(len(k) == len(c) for k, c in zip(kept, columns, strict=True)) and all(
        k.lower() == c
        for column, values in zip(kept, columns, strict=True)
        for k, c in zip(column, values, strict=True)
    ):
        return kept
    return columns


def generate(
    pool: Table,
    rules: AssociationRegistry | None = None,
    version_id: str | bool | None = None,
    finalize: bool = True,
) -> list[AsnDocument]:
    """Generate associations in one run under the registry's global constraints.

    Without candidate constraints the run discovers associations across the pool (ids
    ``a3001``...); with them, it makes the chosen candidates' associations. ``asn_rule``
    is the rule name, prefixed with the registry's ``name`` when it has one.

    Parameters
    ----------
    pool : astropy Table
        The pool (``AssociationPool.read(...)`` or any table of strings).
    rules : AssociationRegistry, optional
        The rules and constraints (default: the bundled rules, no constraints).
    version_id : str or True, optional
        Version tag; ``True`` for a timestamp.
    finalize : bool
        Run hooks, validity checks and de-duplication.
    """
    registry = rules if rules is not None else AssociationRegistry()
    ruleset = registry.ruleset
    check_columns([c.lower() for c in pool.colnames], ruleset, pool_name(pool))
    rows = registry.rows(_rows(pool, ruleset.case_fold))
    options = registry.options(rows, version_tag(version_id), finalize)
    made = _generate(rows, ruleset, options, pool_name(pool))
    for asn in made:
        bare = asn.rule.name
        asn.builtins["asn_rule"] = f"{registry.name}_{bare}" if registry.name else bare
    return wrap(made, ruleset)


def _parser(has_pool: bool) -> argparse.ArgumentParser:
    """``asn_generate``'s parser.

    The run options of :mod:`asnrules.options`, kept under the reference's names, and
    the reference's own ``-v``/``-D`` (log levels), ``--format`` and ``--no-merge``.
    """
    parser = argparse.ArgumentParser(
        prog="asn_generate", usage="asn_generate pool", allow_abbrev=False
    )
    if not has_pool:
        parser.add_argument("pool")
    add_arguments(parser, reference=True)
    level = parser.add_mutually_exclusive_group()
    level.add_argument("-v", "--verbose", action="store_const", dest="level", const=logging.INFO)
    level.add_argument("-D", "--debug", action="store_const", dest="level", const=logging.DEBUG)
    parser.add_argument("--format", default="json", choices=["json", "yaml"])
    parser.add_argument("--version", action="version", version=f"asnrules {__version__}")
    parser.add_argument("--no-merge", action="store_true")
    return parser


class Main:
    """Generate associations as ``asn_generate`` does.

    ``Main(args, pool)`` reads the arguments and the pool; :meth:`generate` makes the
    associations and :meth:`save` writes them; :meth:`cli` does all three.

    Parameters
    ----------
    args : list of str or str, optional
        ``asn_generate`` arguments (``sys.argv[1:]`` when None; a string is split on spaces).
    pool : astropy Table, optional
        An in-memory pool (then the arguments name none).

    Attributes
    ----------
    parsed : argparse.Namespace
        The arguments, under the reference's names.
    options : RunOptions
        The run options they give (as ``asnrules generate`` reads the same arguments).
    pool : astropy Table
        The pool.
    associations : list of AsnDocument
        After :meth:`generate`, the associations in output order.
    """

    def __init__(self, args: Sequence[str] | str | None = None, pool: Table | None = None) -> None:
        self.associations: list[AsnDocument] = []
        self.configure(args, pool)

    def configure(self, args: Sequence[str] | str | None = None, pool: Table | None = None) -> None:
        """Parse the arguments and read the pool (exits 2 on bad arguments)."""
        argv = sys.argv[1:] if args is None else args.split(" ") if isinstance(args, str) else args
        parser = _parser(pool is not None)
        self.parsed = parser.parse_args(list(argv))
        self.options = options = RunOptions.parsed(self.parsed)
        if self.parsed.level:
            LOG.setLevel(self.parsed.level)
        self.registry = AssociationRegistry(
            list(options.ruleset), include_default=not options.ignore_default
        )
        if pool is None:
            pool = AssociationPool.read(
                self.parsed.pool, delimiter=options.delimiter, fmt=options.pool_format
            )
        self.pool = pool

    def generate(self) -> list[AsnDocument]:
        """Generate the associations (candidates and discovery as the options say)."""
        ruleset, given = self.registry.ruleset, self.options
        per_pool = given.per_pool
        name = pool_name(self.pool)
        check_columns([c.lower() for c in self.pool.colnames], ruleset, name, per_pool)
        self._rows = _rows(self.pool, ruleset.case_fold)
        requested = list(given.ids)
        for missing in unknown_candidates(self._rows, ruleset, requested, per_pool):
            LOG.warning("candidate %r not found in pool %s", missing, name)
        dms = given.dms and requested and not per_pool
        ids = dms_candidate_ids(self._rows, ruleset.candidate_column, requested) if dms else None
        options = candidate_options(
            ids or requested,
            given.discover,
            given.all_candidates,
            version_id=given.version_id,
            finalize=not given.no_finalize,
            merge=given.merge,
            per_pool=per_pool,
        )
        made = _generate(self._rows, ruleset, options, name)
        if dms:
            made = dms_requested_only(made, requested)
        self.associations = wrap(made, ruleset)
        return self.associations

    @property
    def orphaned(self) -> Table:
        """The pool rows that are members of no association (a table)."""
        ruleset = self.registry.ruleset
        rows = getattr(self, "_rows", None) or _rows(self.pool, ruleset.case_fold)
        natives = [a.native for a in self.associations]
        mask = np.zeros(len(self.pool), dtype=bool)
        mask[orphan_rows(rows, natives, ruleset.orphans)] = True
        return self.pool[mask]

    def save(self) -> None:
        """Write the associations (and orphans with ``--save-orphans``) unless ``--dry-run``."""
        if self.options.dry_run:
            return
        folder = self.options.path
        folder.mkdir(parents=True, exist_ok=True)
        for asn in self.associations:
            name, text = asn.dump(format=self.parsed.format)
            (folder / name).write_text(text, encoding="utf-8")
        if self.options.save_orphans:
            self.orphaned.write(
                folder / self.options.save_orphans, format="ascii", delimiter="|", overwrite=True
            )

    @classmethod
    def cli(cls, args: Sequence[str] | str | None = None, pool: Table | None = None) -> Main:
        """Read, generate and save, as ``asn_generate`` does."""
        main = cls(args, pool)
        main.generate()
        main.save()
        return main


def main(args: Sequence[str] | None = None, pool: Table | None = None) -> None:
    """Command-line entry: exit 0 on success, 1 on a located error, 2 on bad arguments."""
    try:
        Main.cli(args, pool)
    except AsnRulesError as exc:
        print(render(exc.diagnostics), file=sys.stderr)
        raise SystemExit(1) from None


__all__ = [
    "Association",
    "AssociationError",
    "AssociationNotValidError",
    "AssociationPool",
    "AssociationRegistry",
    "DMSAttrConstraint",
    "Main",
    "constrain_on_candidates",
    "generate",
    "load_asn",
    "main",
]

if __name__ == "__main__":  # pragma: no cover
    main()
