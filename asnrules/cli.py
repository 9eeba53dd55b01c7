"""The ``asnrules`` command line: ``generate``, ``lint``, ``rulesets``.

Diagnostics go to standard error, data to standard output. A user's mistake (bad pool,
bad rule file, bad option) is printed like lint output and exits with status 2, never
with a Python traceback (``--debug`` re-raises).
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .diagnostics import AsnRulesError, Diagnostic, render

app = typer.Typer(
    name="asnrules",
    help="Declarative association rules and a fast association generator for JWST pools.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"asnrules {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Generate JWST associations from pools with declarative YAML rules."""


def _fail(exc: AsnRulesError, debug: bool) -> None:
    if debug:
        raise exc
    typer.echo(render(exc.diagnostics, "full" if sys.stderr.isatty() else "concise"), err=True)
    raise typer.Exit(2)


# Options that generate and explain share.
_Rulesets = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional on older Pythons
    typer.Option(
        "--ruleset",
        "-r",
        help="Rule file or bundled ruleset name; repeatable. Default: stage2.yaml and stage3.yaml.",
    ),
]
_Ids = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ids", "-i", help="Only this candidate id (repeatable), e.g. -i o001 -i c1000."),
]
_VersionId = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--version-id", help="Version tag in file names; 'now' for a UTC timestamp."),
]
_Delimiter = Annotated[str, typer.Option("--delimiter", "-d", help="Pool delimiter.")]
_PoolFormat = Annotated[
    str, typer.Option("--pool-format", help="astropy table format of the pool.")
]
_Discover = Annotated[bool, typer.Option("--discover", help="Keep only discovered associations.")]
_AllCandidates = Annotated[
    bool, typer.Option("--all-candidates", help="Every candidate, no discovery.")
]
_NoFinalize = Annotated[
    bool, typer.Option("--no-finalize", help="Skip hooks, validity checks and de-duplication.")
]
_Debug = Annotated[bool, typer.Option("--debug", "-D", help="Show Python tracebacks.")]


def _run_options(
    ids: list[str] | None,
    discover: bool,
    all_candidates: bool,
    version_id: str | None,
    no_finalize: bool,
    delimiter: str,
    pool_format: str,
) -> dict[str, Any]:
    """Keyword arguments of :func:`asnrules.api.run` from generate's options (exit 2 on a clash)."""
    chosen = [
        name
        for name, on in (
            ("--ids", bool(ids)),
            ("--discover", discover),
            ("--all-candidates", all_candidates),
        )
        if on
    ]
    if len(chosen) > 1:
        typer.echo(f"error: {' and '.join(chosen)} cannot be used together", err=True)
        raise typer.Exit(2)
    if version_id == "now":
        from datetime import datetime, timezone

        version_id = datetime.now(timezone.utc).strftime("%Y%m%dt%H%M%S")
    return {
        "ids": ids,
        "discover": discover,
        "all_candidates": all_candidates,
        "version_id": version_id,
        "finalize": not no_finalize,
        "delimiter": delimiter,
        "pool_format": pool_format,
    }


def _warn(warnings: list[Diagnostic]) -> None:
    """Print warnings on stderr as lint prints diagnostics."""
    if warnings:
        typer.echo(render(warnings, "full" if sys.stderr.isatty() else "concise"), err=True)


@app.command()
def generate(
    pool: Annotated[Path, typer.Argument(help="Pool file (|-delimited, # comments).")],
    ruleset: _Rulesets = None,
    ids: _Ids = None,
    path: Annotated[Path, typer.Option("--path", "-p", help="Output folder.")] = Path("."),
    version_id: _VersionId = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Generate but write nothing.")] = False,
    delimiter: _Delimiter = "|",
    pool_format: _PoolFormat = "ascii",
    discover: _Discover = False,
    all_candidates: _AllCandidates = False,
    no_finalize: _NoFinalize = False,
    save_orphans: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--save-orphans", help="Write rows in no association to this file inside --path."
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List the files; on stderr each rule and pins, and a summary."
        ),
    ] = False,
    debug: _Debug = False,
) -> None:
    """Generate associations from POOL and write them as *_asn.json files."""
    from .api import run
    from .output import orphan_table, write_all

    options = _run_options(
        ids, discover, all_candidates, version_id, no_finalize, delimiter, pool_format
    )
    try:
        result = run(pool, ruleset, **options)
        _warn(result.warnings)
        files = list(result.files)
        if save_orphans:
            files.append((save_orphans, orphan_table(result.rows, result.orphans, result.columns)))
        if not dry_run:
            write_all(path, files)
    except AsnRulesError as exc:
        _fail(exc, debug)
        return
    if verbose or dry_run:
        for name, _ in result.files:
            typer.echo(name)
    if verbose:
        from .report import verbose_report

        sys.stdout.flush()
        typer.echo(verbose_report(result.associations, [n for n, _ in result.files]), err=True)
    typer.echo(
        f"{len(result.files)} associations, {len(result.orphans)} orphans"
        + ("" if dry_run else f", written to {path}"),
        err=True,
    )


class ExplainFormat(str, enum.Enum):
    """Output formats of ``asnrules explain``."""

    text = "text"
    json = "json"


@app.command()
def explain(
    pool: Annotated[Path, typer.Argument(help="Pool file.")],
    exposures: Annotated[
        list[str], typer.Argument(help="File names from the pool, their stems, or row numbers.")
    ],
    ruleset: _Rulesets = None,
    ids: _Ids = None,
    discover: _Discover = False,
    all_candidates: _AllCandidates = False,
    version_id: _VersionId = None,
    delimiter: _Delimiter = "|",
    pool_format: _PoolFormat = "ascii",
    no_finalize: _NoFinalize = False,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", help="Output format.")
    ] = ExplainFormat.text,
    debug: _Debug = False,
) -> None:
    """Say which associations EXPOSURES went to, and why every other rule did not take them."""
    import json

    from .explain import as_json, explain, render_text

    options = _run_options(
        ids, discover, all_candidates, version_id, no_finalize, delimiter, pool_format
    )
    try:
        found = explain(pool, exposures, ruleset, **options)
    except AsnRulesError as exc:
        _fail(exc, debug)
        return
    if output_format is ExplainFormat.json:
        typer.echo(json.dumps(as_json(found), indent=2))
    else:
        typer.echo(render_text(found))


class LintFormat(str, enum.Enum):
    """Output formats of ``asnrules lint``."""

    concise = "concise"
    full = "full"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def lint(
    files: Annotated[list[Path], typer.Argument(help="Rule files to check.")],
    output_format: Annotated[
        LintFormat, typer.Option("--format", help="Output format.")
    ] = LintFormat.concise,
) -> None:
    """Check rule files: YAML, schema, expressions, names. Exit 0 clean, 1 problems, 2 usage."""
    from .loader import lint_paths

    diagnostics = lint_paths([str(f) for f in files])
    fmt = output_format.value
    if fmt == "concise" and sys.stdout.isatty():
        fmt = "full"
    if diagnostics or fmt in ("json", "sarif"):
        typer.echo(render(diagnostics, fmt))
    sys.stdout.flush()
    if fmt in ("concise", "full"):
        count = len(diagnostics)
        plural = "s" if len(files) != 1 else ""
        summary = f"{count} problem{'s' if count != 1 else ''} in {len(files)} file{plural}"
        typer.echo(
            summary if diagnostics else f"{len(files)} file{'s' if len(files) != 1 else ''} clean",
            err=True,
        )
    raise typer.Exit(1 if diagnostics else 0)


@app.command()
def rulesets() -> None:
    """List the bundled rulesets and their rules."""
    from .loader import load_rulesets
    from .resources import bundled_rulesets

    for name, file in bundled_rulesets().items():
        try:
            ruleset, _ = load_rulesets([file])
        except AsnRulesError:
            typer.echo(f"{name}: (definitions only)")
            continue
        typer.echo(f"{name}: {', '.join(ruleset.rules) or '(definitions only)'}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editors using yaml-language-server)."""
    import json

    from .models import Document

    typer.echo(json.dumps(Document.model_json_schema(by_alias=True), indent=2))


def main() -> None:
    """Console-script entry point."""
    app()
