"""The ``asnrules lint`` command: check rule files, print findings, choose the exit status.

Exit status, as yamllint decides it: 1 when any error is found; warnings alone exit 0,
or 1 with ``--strict``; 2 when the pool given with ``--pool`` cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity, render


def exit_status(diagnostics: list[Diagnostic], strict: bool) -> int:
    """Return 1 for any error (or any warning when ``strict``), else 0."""
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return 1
    return 1 if strict and diagnostics else 0


def summary(diagnostics: list[Diagnostic], files: int) -> str:
    """The closing line: ``N problems in K files (E errors, W warnings)`` or ``K files clean``."""
    plural = "s" if files != 1 else ""
    if not diagnostics:
        return f"{files} file{plural} clean"
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    count = len(diagnostics)
    return (
        f"{count} problem{'s' if count != 1 else ''} in {files} file{plural} "
        f"({errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''})"
    )


def run_lint(files: list[Path], fmt: str, pool: Path | None, strict: bool) -> int:
    """Lint ``files`` (against ``pool`` if given), print the findings; return the exit status."""
    from asnrules.checks.lint import lint_paths

    held = None
    if pool is not None:
        from asnrules.checks.poolcheck import PoolValues

        try:
            held = PoolValues.read(pool)
        except AsnRulesError as exc:
            typer.echo(render(exc.diagnostics, "concise"), err=True)
            return 2
    diagnostics = lint_paths([str(f) for f in files], held)
    if fmt == "concise" and sys.stdout.isatty():
        fmt = "full"
    if diagnostics or fmt in ("json", "sarif"):
        typer.echo(render(diagnostics, fmt))
    sys.stdout.flush()
    if fmt in ("concise", "full"):
        typer.echo(summary(diagnostics, len(files)), err=True)
    return exit_status(diagnostics, strict)
