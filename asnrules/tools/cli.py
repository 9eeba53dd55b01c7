"""The bodies of the toolbox commands; :mod:`asnrules.cli.toolbox` only declares their options.

Each function prints diagnostics to standard error and ends with ``typer.Exit``: 0 on
success, 1 when the inputs are found different or invalid, 2 on a usage error or an
unreadable input.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity, render
from asnrules.io.output import serialize, write_all
from asnrules.options import RunOptions


def _fail(exc: AsnRulesError) -> None:
    """Print a user error and exit with status 2."""
    typer.echo(render(exc.diagnostics, "full" if sys.stderr.isatty() else "concise"), err=True)
    raise typer.Exit(2)


def _write(output: Path, text: str) -> None:
    write_all(output.parent if str(output.parent) else Path("."), [(output.name, text)])


def from_list_main(
    files: Sequence[str],
    output: Path,
    product_name: str | None,
    rule: str,
    acid: str,
    member: Sequence[str],
    ruledefs: Sequence[str] | None,
) -> None:
    """Write the association of a list of files (``asnrules from-list``)."""
    from asnrules.tools.fromlist import from_list, parse_members

    try:
        document = from_list(
            files,
            rule=rule,
            product_name=product_name,
            acid=acid,
            members=parse_members(member),
            rulesets=ruledefs,
        )
        _write(output, serialize(document))
    except AsnRulesError as exc:
        _fail(exc)
    count = sum(len(p["members"]) for p in document["products"])
    typer.echo(
        f"{count} members in {len(document['products'])} products, written to {output}", err=True
    )


def make_pool_main(
    files: Sequence[str],
    output: Path,
    asn_candidate: str | None,
    dms_note: str,
    is_imprt: str,
    pntgtype: str,
) -> None:
    """Write the pool of some FITS files (``asnrules make-pool``)."""
    from asnrules.tools.makepool import make_pool, write_pool

    try:
        table = make_pool(
            files,
            asn_candidate=asn_candidate,
            dms_note=dms_note,
            is_imprt=is_imprt,
            pntgtype=pntgtype,
        )
        write_pool(table, output)
    except AsnRulesError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(
            AsnRulesError(
                [Diagnostic(str(output), 0, 0, "ASN506", f"cannot write the pool: {exc.strerror}")]
            )
        )
    typer.echo(f"{len(files)} rows, {len(table.colnames)} columns, written to {output}", err=True)


def diff_main(a: Path, b: Path, output_format: str) -> None:
    """Compare two association sets (``asnrules diff``)."""
    from asnrules.tools.diff import diff_paths, render_json, render_text

    if output_format not in ("text", "json"):
        typer.echo(f"error: --format must be text or json, not {output_format!r}", err=True)
        raise typer.Exit(2)
    try:
        result = diff_paths(a, b)
    except AsnRulesError as exc:
        _fail(exc)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(render_json(result) if output_format == "json" else render_text(result))
    raise typer.Exit(0 if result.same else 1)


def validate_main(files: Sequence[Path], fmt: str) -> None:
    """Check association files against the schema (``asnrules validate``)."""
    from asnrules.tools.validate import validate_files

    problems, count = validate_files(files)
    if fmt == "concise" and sys.stdout.isatty():
        fmt = "full"
    if problems or fmt in ("json", "sarif"):
        typer.echo(render(problems, fmt))
    sys.stdout.flush()
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if fmt in ("concise", "full"):
        bad = len({p.path for p in errors})
        typer.echo(f"{count} association files checked, {bad} invalid", err=True)
    if any(p.code == "ASN901" for p in errors):
        raise typer.Exit(2)
    raise typer.Exit(1 if errors or count == 0 else 0)


def report_main(pool: Path, output: Path, given: RunOptions) -> None:
    """Write the HTML report of a pool (``asnrules report``) with the run options ``given``."""
    from asnrules.api import run
    from asnrules.language.loader import load_rulesets
    from asnrules.modes import rule_files
    from asnrules.tools.report import render_report

    rulesets = list(given.ruleset) or None
    options = given.run_kwargs()
    try:
        ruleset, notes = load_rulesets(rule_files(rulesets, given.ignore_default))
        result = run(pool, ruleset=ruleset, **options)
        result.warnings[:0] = notes
        named = [ruleset.identity] if ruleset.identity is not None else []
        columns = [*named, *ruleset.required_columns, *sorted(ruleset.optional_columns)]
        reasons = _orphan_reasons(pool, result.orphans, rulesets, options)
        page = render_report(
            result,
            pool_name=pool.name,
            columns=columns,
            identity=ruleset.identity,
            reasons=reasons,
        )
        _write(output, page)
    except AsnRulesError as exc:
        _fail(exc)
    warnings = list(result.warnings)  # located diagnostics of severity warning
    if not result.associations:
        message = "no association was made; the report lists only orphans"
        warnings.append(Diagnostic(str(pool), 0, 0, "ASN940", message, Severity.WARNING))
    if warnings:
        typer.echo(render(warnings, "full" if sys.stderr.isatty() else "concise"), err=True)
    typer.echo(
        f"{len(result.associations)} associations, {len(result.orphans)} orphans, "
        f"report written to {output}",
        err=True,
    )


def _orphan_reasons(
    pool: Path, orphans: Sequence[int], rulesets: Sequence[str] | None, options: dict[str, Any]
) -> dict[int, str]:
    """Why each orphan row joined nothing, in the words of ``explain.orphan_reason``."""
    from asnrules.checks.explain import explain, orphan_reason

    if not orphans:
        return {}
    found = explain(pool, [str(i + 1) for i in orphans], rulesets, **options)
    return {e.row - 1: orphan_reason(e) for e in found}
