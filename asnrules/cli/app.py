"""The ``asnrules`` typer application and what its commands share.

The application, the strict option parsing every generating command uses (as argparse
reads values), the run options' typer declarations (each declared once, in
:mod:`asnrules.options`), the output formats, and how a user's mistake is printed: like
lint output on standard error, exit status 2, never a Python traceback (``--debug``
re-raises). The commands are in :mod:`asnrules.cli.commands` and
:mod:`asnrules.cli.toolbox`.
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
from asnrules.diagnostics import AsnRulesError, Diagnostic, render
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


def fail(exc: AsnRulesError, debug: bool) -> None:
    """Print the diagnostics of ``exc`` and exit 2 (re-raise it with ``--debug``)."""
    if debug:
        raise exc
    print_diagnostics(exc.diagnostics)
    raise typer.Exit(2)


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    """Print diagnostics (errors or warnings) on standard error, like lint output."""
    if diagnostics:
        typer.echo(render(diagnostics, "full" if sys.stderr.isatty() else "concise"), err=True)


_NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d*)?$")


def option_like(arg: str) -> bool:
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
            if following is not None and not option_like(following):
                out.extend((arg, following))
                i += 2
                while arg in many and i < len(args) and not option_like(args[i]):
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


def run_options(values: dict[str, Any]) -> RunOptions:
    """The run options among a command's parameters (its ``locals()``); exit 2 on a clash."""
    try:
        return RunOptions.of(values)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def option(name: str) -> Any:
    """The ``typer.Option`` of a run option, from its one declaration."""
    option = BY_NAME[name]
    return typer.Option(*option.flags, help=option.help)


# The options of a generation, declared in asnrules.options for every parser; the
# Python type of each stands here, its flags and help come from there.
Rulesets = Annotated[Optional[list[str]], option("ruleset")]  # noqa: UP045 - typer
IgnoreDefault = Annotated[bool, option("ignore_default")]
Ids = Annotated[Optional[list[str]], option("ids")]  # noqa: UP045
Dms = Annotated[bool, option("dms")]
VersionId = Annotated[Optional[str], option("version_id")]  # noqa: UP045
Delimiter = Annotated[str, option("delimiter")]
PoolFormat = Annotated[str, option("pool_format")]
Discover = Annotated[bool, option("discover")]
AllCandidates = Annotated[bool, option("all_candidates")]
NoFinalize = Annotated[bool, option("no_finalize")]
Merge = Annotated[bool, option("merge")]
PerPool = Annotated[bool, option("per_pool")]
OutFolder = Annotated[Path, option("path")]
DryRun = Annotated[bool, option("dry_run")]
SaveOrphans = Annotated[Optional[str], option("save_orphans")]  # noqa: UP045
Debug = Annotated[bool, typer.Option("--debug", "-D", help="Show Python tracebacks.")]


class LintFormat(str, enum.Enum):
    """Output formats of ``asnrules lint``."""

    concise = "concise"
    full = "full"
    json = "json"
    github = "github"
    sarif = "sarif"
