"""The ``asnrules`` command line: ``generate``, ``lint``, ``test``, ``rulesets``.

Diagnostics go to standard error, data to standard output. A user's mistake (bad pool,
bad rule file, bad option) is printed like lint output and exits with status 2, never
with a Python traceback (``--debug`` re-raises).
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
import typer.core

from asnrules import __version__
from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity, render
from asnrules.options import BY_NAME, RunOptions, many_values, optional_values

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
    _report(exc.diagnostics)
    raise typer.Exit(2)


def _report(diagnostics: list[Diagnostic]) -> None:
    """Print diagnostics (errors or warnings) on standard error, like lint output."""
    if diagnostics:
        typer.echo(render(diagnostics, "full" if sys.stderr.isatty() else "concise"), err=True)


_NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d*)?$")


def _option_like(arg: str) -> bool:
    """Whether ``arg`` reads as an option, as argparse decides (``-`` and ``-1`` do not)."""
    return arg.startswith("-") and arg != "-" and not _NEGATIVE_NUMBER.match(arg)


class StrictOptions(typer.core.TyperCommand):
    """A command whose options read their values as argparse, which the reference uses, does.

    An option never takes the next option as its value (``-p --dry-run`` is refused);
    the options that :func:`asnrules.options.optional_values` names may be given alone,
    and then take the value it gives (``--save-orphans`` alone names ``orphaned.csv``);
    those of :func:`asnrules.options.many_values` take every value up to the next
    option (``-i o001 c1000``).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Check value-taking options, then parse as usual."""
        return super().parse_args(ctx, self._checked(args))

    def _checked(self, args: Sequence[str]) -> list[str]:
        takes_value = {
            opt
            for param in self.params
            if isinstance(param, typer.core.TyperOption) and not param.is_flag and not param.count
            for opt in (*param.opts, *param.secondary_opts)
        }
        alone, many = optional_values(), many_values()
        out: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                out.extend(args[i:])
                break
            if arg not in takes_value:
                out.append(arg)
                i += 1
                continue
            following = args[i + 1] if i + 1 < len(args) else None
            if following is not None and not _option_like(following):
                out.extend((arg, following))
                i += 2
                while arg in many and i < len(args) and not _option_like(args[i]):
                    out.extend((arg, args[i]))
                    i += 1
                continue
            default = alone.get(arg)
            if default is None:
                got = f"; got the option {following!r}" if following is not None else ""
                raise typer.BadParameter(f"needs a value{got}", param_hint=f"'{arg}'")
            out.append(f"{arg}={default()}")
            i += 1
        return out


def _options(values: dict[str, Any]) -> RunOptions:
    """The run options among a command's parameters (its ``locals()``); exit 2 on a clash."""
    try:
        return RunOptions.of(values)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _option(name: str) -> Any:
    """The ``typer.Option`` of a run option, from its one declaration."""
    option = BY_NAME[name]
    return typer.Option(*option.flags, help=option.help)


# The options of a generation, declared in asnrules.options for every parser; the
# Python type of each stands here, its flags and help come from there.
_Rulesets = Annotated[Optional[list[str]], _option("ruleset")]  # noqa: UP045 - typer
_IgnoreDefault = Annotated[bool, _option("ignore_default")]
_Ids = Annotated[Optional[list[str]], _option("ids")]  # noqa: UP045
_Dms = Annotated[bool, _option("dms")]
_VersionId = Annotated[Optional[str], _option("version_id")]  # noqa: UP045
_Delimiter = Annotated[str, _option("delimiter")]
_PoolFormat = Annotated[str, _option("pool_format")]
_Discover = Annotated[bool, _option("discover")]
_AllCandidates = Annotated[bool, _option("all_candidates")]
_NoFinalize = Annotated[bool, _option("no_finalize")]
_Merge = Annotated[bool, _option("merge")]
_PerPool = Annotated[bool, _option("per_pool")]
_Path = Annotated[Path, _option("path")]
_DryRun = Annotated[bool, _option("dry_run")]
_SaveOrphans = Annotated[Optional[str], _option("save_orphans")]  # noqa: UP045
_Debug = Annotated[bool, typer.Option("--debug", "-D", help="Show Python tracebacks.")]


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
    ruleset: _Rulesets = None,
    ignore_default: _IgnoreDefault = False,
    ids: _Ids = None,
    dms: _Dms = False,
    path: _Path = Path("."),
    version_id: _VersionId = None,
    dry_run: _DryRun = False,
    delimiter: _Delimiter = "|",
    pool_format: _PoolFormat = "ascii",
    discover: _Discover = False,
    all_candidates: _AllCandidates = False,
    no_finalize: _NoFinalize = False,
    merge: _Merge = False,
    per_pool: _PerPool = False,
    save_orphans: _SaveOrphans = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="List the files; on stderr each rule and pins, and a summary."
        ),
    ] = False,
    debug: _Debug = False,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--jobs", "-j", min=1, help="Pools generated at once (default: the cores)."),
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
    from asnrules.io.writing import plan, terminate_as_interrupt

    options = _options(locals()).run_kwargs()
    if len(pools) > 1 or jobs is not None or dask is not None:
        from asnrules.batch import jobs_for

        try:
            batch = jobs_for(pools, path, ruleset or [], options, save_orphans)
        except AsnRulesError as exc:
            _fail(exc, debug)
            return
        _generate_many(batch, path, jobs, dask, dry_run, verbose, debug)
        return
    pool = pools[0]
    with terminate_as_interrupt():
        try:
            result = run(pool, ruleset, **options)
            _report(result.warnings)
            files, origins = result.outputs(save_orphans)
            if dry_run:
                plan(path, files, origins, result.inputs)
                report = None
            else:
                report = result.write(path, save_orphans)
        except AsnRulesError as exc:
            _fail(exc, debug)
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
    if verbose or dry_run:
        for name, _ in result.files:
            typer.echo(name)
    if verbose:
        from asnrules.cli.verbose import verbose_report

        sys.stdout.flush()
        names = [n for n, _ in result.files]
        typer.echo(verbose_report(result.associations, names, result.deduplicated), err=True)
    summary = f"{len(result.files)} associations, {len(result.orphans)} orphans"
    if report is None:
        typer.echo(summary + " (dry run: nothing written)", err=True)
        return
    _report(report.warnings + _foreign_warning(path, report.foreign))
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
        _report(outcome.warnings)
        if not dry_run:
            report = write(outcome)
            if report is not None:
                _report(report.warnings + _foreign_warning(Path(outcome.folder), report.foreign))
        _report(outcome.problems)
        if verbose or dry_run:
            for name, _ in outcome.files:
                typer.echo(str(Path(outcome.folder) / name))
        progress.advance(task)

    with terminate_as_interrupt(), progress:
        task = progress.add_task("pools", total=len(batch))
        try:
            outcomes = run_batch(batch, workers, dask, on_done=done)
        except AsnRulesError as exc:
            _fail(exc, debug)
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
            _fail(exc, debug)
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
    ruleset: _Rulesets = None,
    ignore_default: _IgnoreDefault = False,
    ids: _Ids = None,
    dms: _Dms = False,
    discover: _Discover = False,
    all_candidates: _AllCandidates = False,
    version_id: _VersionId = None,
    delimiter: _Delimiter = "|",
    pool_format: _PoolFormat = "ascii",
    no_finalize: _NoFinalize = False,
    merge: _Merge = False,
    per_pool: _PerPool = False,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", help="Output format.")
    ] = ExplainFormat.text,
    debug: _Debug = False,
) -> None:
    """Say which associations EXPOSURES went to, and why every other rule did not take them."""
    import json

    from asnrules.checks.explain import as_json, explain, render_text

    options = _options(locals()).run_kwargs()
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


# --- the association toolbox (issue 10): each command delegates to asnrules.tools ---


@app.command("from-list")
def from_list_command(
    files: Annotated[list[str], typer.Argument(help="Member files, in order (not read).")],
    output: Annotated[Path, typer.Option("--output-file", "-o", help="File to write.")],
    product_name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--product-name", help="Product name (Level-3 rules)."),
    ] = None,
    rule: Annotated[
        str, typer.Option("--rule", "-r", help="Rule whose layout to use.")
    ] = "DMS_Level3_Base",
    acid: Annotated[str, typer.Option("--id", "-i", help="Candidate id (Level 2).")] = "o999",
    member: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--member", help="FILE:TYPE, e.g. a_cal.fits:background; repeatable."),
    ] = None,
    ruledefs: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ruledefs", help="Rule files in which to look the rule up."),
    ] = None,
) -> None:
    """Write one association from a list of files, as asn_from_list does."""
    from asnrules.tools.cli import from_list_main

    from_list_main(files, output, product_name, rule, acid, member or [], ruledefs)


@app.command("make-pool")
def make_pool_command(
    files: Annotated[list[str], typer.Argument(help="FITS files, one pool row each.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Pool file to write.")],
    asn_candidate: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--asn-candidate", help="Extra candidates: \"[('c1000', 'background')]\"."),
    ] = None,
    dms_note: Annotated[str, typer.Option("--dms-note", help="dms_note of every row.")] = "",
    is_imprt: Annotated[str, typer.Option("--is-imprt", help="is_imprt of every row.")] = "f",
    pntgtype: Annotated[str, typer.Option("--pntgtype", help="pntgtype of every row.")] = "science",
) -> None:
    """Write a pool from the primary headers of FITS files, as asn_make_pool does."""
    from asnrules.tools.cli import make_pool_main

    make_pool_main(files, output, asn_candidate, dms_note, is_imprt, pntgtype)


@app.command("diff")
def diff_command(
    a: Annotated[Path, typer.Argument(help="Folder of *_asn.json files, or one file.")],
    b: Annotated[Path, typer.Argument(help="Folder or file to compare with.")],
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Compare two association sets. Exit 0 same, 1 different, 2 usage."""
    from asnrules.tools.cli import diff_main

    diff_main(a, b, output_format)


@app.command("validate")
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Association files or folders.")],
    output_format: Annotated[
        LintFormat, typer.Option("--format", help="Output format.")
    ] = LintFormat.concise,
) -> None:
    """Check association files against the association schema. Exit 0 valid, 1 not."""
    from asnrules.tools.cli import validate_main

    validate_main(files, output_format.value)


@app.command("report", cls=StrictOptions)
def report_command(
    pool: Annotated[Path, typer.Argument(help="Pool file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
    ruleset: _Rulesets = None,
    ignore_default: _IgnoreDefault = False,
    ids: _Ids = None,
    discover: _Discover = False,
    all_candidates: _AllCandidates = False,
    version_id: _VersionId = None,
    delimiter: _Delimiter = "|",
) -> None:
    """Write one self-contained HTML page showing a pool's associations and orphans."""
    from asnrules.tools.cli import report_main

    _options(locals())
    report_main(
        pool, output, ruleset, ids, discover, all_candidates, version_id, delimiter, ignore_default
    )


def main() -> None:
    """Console-script entry point.

    asnrules does no linear algebra: one BLAS thread keeps numpy's start-up memory small
    (OpenBLAS reserves buffers per core and aborts when a memory limit denies them).
    Running out of memory anywhere is reported in one line, without a traceback.
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        app()
    except MemoryError:
        sys.stderr.write("asnrules: error: out of memory; nothing was written\n")
        raise SystemExit(2) from None
    except ImportError as exc:  # a library that cannot be mapped under a memory limit
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[-1] if lines else type(exc).__name__
        sys.stderr.write(
            f"asnrules: error: cannot load a library it needs ({reason}); "
            "is the memory limit too low? nothing was written\n"
        )
        raise SystemExit(2) from None
