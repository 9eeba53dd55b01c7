"""The commands that generate and check rules.

``generate``, ``explain``, ``lint``, ``rulesets``, ``upgrade``, ``test`` and ``schema``:
each parses its options and delegates.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from asnrules.cli.app import (
    AllCandidates,
    Debug,
    Delimiter,
    Discover,
    Dms,
    DryRun,
    Ids,
    IgnoreDefault,
    LintFormat,
    Merge,
    NoFinalize,
    OutFolder,
    PerPool,
    PoolFormat,
    Rulesets,
    SaveOrphans,
    StrictOptions,
    VersionId,
    app,
    fail,
    print_diagnostics,
    run_options,
)
from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity, render


@app.command(cls=StrictOptions)
def generate(
    pools: Annotated[
        list[Path],
        typer.Argument(
            help="Pool file(s) (|-delimited, # comments). With several, each pool's files go "
            "to PATH/<pool file stem>/.",
            metavar="POOL...",
        ),
    ],
    ruleset: Rulesets = None,
    ignore_default: IgnoreDefault = False,
    ids: Ids = None,
    dms: Dms = False,
    path: OutFolder = Path("."),
    version_id: VersionId = None,
    dry_run: DryRun = False,
    delimiter: Delimiter = "|",
    pool_format: PoolFormat = "ascii",
    discover: Discover = False,
    all_candidates: AllCandidates = False,
    no_finalize: NoFinalize = False,
    merge: Merge = False,
    per_pool: PerPool = False,
    save_orphans: SaveOrphans = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List the files; on stderr each rule and pins, and a summary."
        ),
    ] = False,
    debug: Debug = False,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Pools generated at once; one large pool: processes it is shared among "
            "(default: the cores).",
        ),
    ] = None,
    dask: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--dask",
            help="Generate the pools on a Dask cluster: tcp://host:port of a running "
            "scheduler, or 'local' to start one (needs asnrules\\[dask]).",
        ),
    ] = None,
) -> None:
    """Generate associations from POOL and write them as *_asn.json files.

    The files are written as one set: all of them, inside --path, or none.
    """
    from asnrules.api import run
    from asnrules.engine.collector import collector_paused
    from asnrules.io.writing import plan, terminate_as_interrupt

    options = run_options(locals()).run_kwargs()
    if len(pools) > 1 or dask is not None:
        from asnrules.batch import jobs_for

        try:
            batch = jobs_for(pools, path, ruleset or [], options, save_orphans)
        except AsnRulesError as exc:
            fail(exc, debug)
            return
        _generate_many(batch, path, jobs, dask, dry_run, verbose, debug)
        return
    pool = pools[0]
    with terminate_as_interrupt(), collector_paused():
        try:
            result = run(pool, ruleset, **options, jobs=jobs or os.cpu_count() or 1)
            print_diagnostics(result.warnings)
            files, origins = result.outputs(save_orphans)
            if dry_run:
                plan(path, files, origins, result.inputs)
                report = None
            else:
                report = result.write(path, save_orphans)
        except AsnRulesError as exc:
            fail(exc, debug)
            return
        except KeyboardInterrupt:
            if debug:
                raise
            typer.echo(f"interrupted: nothing was written to {path}", err=True)
            raise typer.Exit(130) from None
        except MemoryError:
            if debug:
                raise
            typer.echo("error: out of memory; nothing was written", err=True)
            raise typer.Exit(2) from None
    if (verbose or dry_run) and result.files:
        typer.echo("\n".join(name for name, _ in result.files))
    if verbose:
        from asnrules.cli.verbose import verbose_report

        sys.stdout.flush()
        names = [n for n, _ in result.files]
        typer.echo(verbose_report(result.associations, names, result.deduplicated), err=True)
    summary = f"{len(result.files)} associations, {len(result.orphans)} orphans"
    if report is None:
        typer.echo(summary + " (dry run: nothing written)", err=True)
        return
    print_diagnostics(report.warnings + _foreign_warning(path, report.foreign))
    replaced = f", {report.replaced} replaced" if report.replaced else ""
    count = len(report.written)
    typer.echo(
        f"{summary}; wrote {count} file{'' if count == 1 else 's'} to {path}{replaced}", err=True
    )


def _generate_many(
    batch: Sequence[Any],
    out: Path,
    workers: int | None,
    dask: str | None,
    dry_run: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Generate several pools, write each as a set, print a summary table."""
    from rich.console import Console
    from rich.progress import Progress

    from asnrules.batch import SUMMARY_FILE, PoolOutcome, run_batch, summary_json, write
    from asnrules.io.writing import terminate_as_interrupt, write_set

    console = Console(stderr=True)
    progress = Progress(console=console, transient=True, disable=not console.is_terminal)

    def done(outcome: PoolOutcome) -> None:
        print_diagnostics(outcome.warnings)
        if not dry_run:
            report = write(outcome)
            if report is not None:
                print_diagnostics(
                    report.warnings + _foreign_warning(Path(outcome.folder), report.foreign)
                )
        print_diagnostics(outcome.problems)
        if verbose or dry_run:
            for name, _ in outcome.files:
                typer.echo(str(Path(outcome.folder) / name))
        progress.advance(task)

    with terminate_as_interrupt(), progress:
        task = progress.add_task("pools", total=len(batch))
        try:
            outcomes = run_batch(batch, workers, dask, on_done=done)
        except AsnRulesError as exc:
            fail(exc, debug)
            return
        except KeyboardInterrupt:
            if debug:
                raise
            typer.echo(
                "interrupted: pools already written are complete; the others were not written",
                err=True,
            )
            raise typer.Exit(130) from None
    _summary_table(console, outcomes)
    if not dry_run:
        try:
            write_set(out, [(SUMMARY_FILE, summary_json(outcomes))], ["the batch summary"])
        except AsnRulesError as exc:
            fail(exc, debug)
    failed = sum(1 for o in outcomes if o.status != "ok")
    if failed:
        typer.echo(f"{failed} of {len(outcomes)} pools failed", err=True)
        raise typer.Exit(1)


def _summary_table(console: Any, outcomes: Sequence[Any]) -> None:
    from rich.table import Table

    table = Table(title="asnrules generate", title_justify="left")
    for column in ("pool", "rows", "associations", "orphans", "seconds", "status"):
        table.add_column(column, justify="left" if column in ("pool", "status") else "right")
    for o in outcomes:
        table.add_row(
            Path(o.pool).name,
            str(o.rows),
            str(o.associations),
            str(o.orphans),
            f"{o.seconds:.2f}",
            o.status,
        )
    console.print(table)


def _foreign_warning(folder: Path, foreign: Sequence[Path]) -> list[Diagnostic]:
    if not foreign:
        return []
    shown = ", ".join(p.name for p in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
    return [
        Diagnostic(
            str(folder),
            0,
            0,
            "ASN508",
            f"{len(foreign)} association file(s) in the folder are not from this run ({shown}); "
            "use an empty folder per run, or remove them",
            severity=Severity.WARNING,
        )
    ]


class ExplainFormat(str, enum.Enum):
    """Output formats of ``asnrules explain``."""

    text = "text"
    json = "json"


@app.command(cls=StrictOptions)
def explain(
    pool: Annotated[Path, typer.Argument(help="Pool file.")],
    exposures: Annotated[
        list[str], typer.Argument(help="File names from the pool, their stems, or row numbers.")
    ],
    ruleset: Rulesets = None,
    ignore_default: IgnoreDefault = False,
    ids: Ids = None,
    dms: Dms = False,
    discover: Discover = False,
    all_candidates: AllCandidates = False,
    version_id: VersionId = None,
    delimiter: Delimiter = "|",
    pool_format: PoolFormat = "ascii",
    no_finalize: NoFinalize = False,
    merge: Merge = False,
    per_pool: PerPool = False,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", help="Output format.")
    ] = ExplainFormat.text,
    debug: Debug = False,
) -> None:
    """Say which associations EXPOSURES went to, and why every other rule did not take them."""
    import json

    from asnrules.checks.explain import as_json, explain, render_text

    options = run_options(locals()).run_kwargs()
    try:
        found = explain(pool, exposures, ruleset, **options)
    except AsnRulesError as exc:
        fail(exc, debug)
        return
    if output_format is ExplainFormat.json:
        typer.echo(json.dumps(as_json(found), indent=2))
    else:
        typer.echo(render_text(found))


@app.command()
def lint(
    files: Annotated[list[Path], typer.Argument(help="Rule files to check.")],
    output_format: Annotated[
        LintFormat, typer.Option("--format", help="Output format.")
    ] = LintFormat.concise,
    pool: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--pool", help="Also check the rules' literals and columns against this pool."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
) -> None:
    """Check rule files: YAML, schema, expressions, names.

    Exit 0 clean or warnings only (1 with --strict), 1 errors, 2 usage or unreadable pool.
    """
    from asnrules.cli.lint import run_lint

    raise typer.Exit(run_lint(files, output_format.value, pool, strict))


@app.command()
def rulesets(
    action: Annotated[
        Optional[str], typer.Argument(help="'show' to print a bundled file.")  # noqa: UP045
    ] = None,
    name: Annotated[Optional[str], typer.Argument(help="Bundled file to show.")] = None,  # noqa: UP045
    folder: Annotated[
        bool, typer.Option("--path", help="Print the folder of the bundled rulesets.")
    ] = False,
) -> None:
    """List the bundled rulesets and their rules; `show NAME` prints one, `--path` its folder."""
    from asnrules.cli.rulesets import list_rulesets, show_ruleset
    from asnrules.resources import data_dir

    if folder:
        typer.echo(str(data_dir("rulesets")))
    elif action is None:
        typer.echo(list_rulesets())
    elif action == "show" and name:
        text = show_ruleset(name)
        if text is None:
            typer.echo(f"error: no bundled ruleset {name!r}; see `asnrules rulesets`", err=True)
            raise typer.Exit(2)
        typer.echo(text, nl=False)
    else:
        typer.echo("error: usage: asnrules rulesets [--path] [show NAME]", err=True)
        raise typer.Exit(2)


@app.command()
def upgrade(
    files: Annotated[list[Path], typer.Argument(help="Rule files written in language 0.x.")],
    write: Annotated[bool, typer.Option("--write", help="Replace each file that changes.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if a file would change.")] = False,
) -> None:
    """Rewrite 0.x rule files in rule language 1.0 (printed; --write replaces them).

    Exit 0 done, 1 with --check when a file would change, 2 on an unreadable file.
    """
    from asnrules.cli.upgrade import run_upgrade

    if write and check:
        typer.echo("error: --write and --check cannot be used together", err=True)
        raise typer.Exit(2)
    raise typer.Exit(run_upgrade(files, write, check))


@app.command("test")
def test_rules(
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Argument(help="Rule-test files (default: the bundled rule tests)."),
    ] = None,
    ruleset: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ruleset", "-r", help="Rules to test (overrides the files' rulesets)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every test.")] = False,
) -> None:
    """Run rule tests. Exit 0 all pass, 1 failures, 2 broken test or rule files."""
    from asnrules.checks.ruletests import bundled_tests, run_files, summary

    outcomes, broken = run_files(list(paths or bundled_tests()), ruleset)
    for outcome in outcomes:
        if verbose or not outcome.passed:
            typer.echo(f"{'PASS' if outcome.passed else 'FAIL'} {outcome.test.name}")
        if outcome.failures:
            typer.echo(render(outcome.failures))
    if broken:
        typer.echo(render(broken), err=True)
    typer.echo(summary(outcomes))
    raise typer.Exit(2 if broken else 1 if any(not o.passed for o in outcomes) else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editors using yaml-language-server)."""
    import json

    from asnrules.language.models import Document

    typer.echo(json.dumps(Document.model_json_schema(by_alias=True), indent=2))
