"""The run options of a generation, declared once for every parser that takes them.

``asnrules generate`` (typer), :class:`asnrules.api.Main` and
:class:`asnrules.compat.jwst.Main` (argparse, with the reference's ``asn_generate``
vocabulary) all take these options. Each is declared here once: its flags, help, kind,
default, what it means given alone, and the group of options it excludes. The typer
command takes its flags and help from :data:`RUN_OPTIONS`; the argparse parsers are
built from it by :func:`add_arguments`; both turn what they parsed into one
:class:`RunOptions`. ``tests/test_options.py`` checks that the same arguments give the
same :class:`RunOptions` through every parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

Kind = Literal["flag", "value", "repeat", "values"]
"""``flag``: on or off; ``value``: one value; ``repeat``: one value per use, kept in
order (``-r a -r b``); ``values``: every value up to the next option, kept over uses
(``-i a b`` and ``-i a -i b``), as argparse's ``nargs='+'`` reads them."""


def _now() -> str:
    from asnrules.io.output import version_tag

    return str(version_tag(True))


def _orphans_file() -> str:
    return "orphaned.csv"


@dataclass(frozen=True)
class RunOption:
    """One run option.

    Parameters
    ----------
    name : str
        Its field of :class:`RunOptions` (and parameter name of the typer commands).
    flags : tuple of str
        Its flags, short first.
    help : str
        One line of help.
    kind : Kind
        How its values are read.
    default : object
        Its value when not given.
    alone : callable, optional
        For an option whose value may be left out: the value it then takes.
    group : str
        Name of the group of options of which at most one may be given ("" for none).
    dest : str
        The attribute of the reference's parsed arguments ("" for ``name``).
    type : callable
        Converts a value given as text.
    """

    name: str
    flags: tuple[str, ...]
    help: str
    kind: Kind = "value"
    default: Any = None
    alone: Callable[[], str] | None = None
    group: str = ""
    dest: str = ""
    type: Callable[[str], Any] = str

    @property
    def label(self) -> str:
        """The flags as argparse names them in messages (``-i/--ids``)."""
        return "/".join(self.flags)


CANDIDATES = "candidates"
"""The group of ``-i``, ``--discover`` and ``--all-candidates``: at most one of them."""

RUN_OPTIONS: tuple[RunOption, ...] = (
    RunOption(
        "ruleset",
        ("-r", "--ruleset", "--rules"),
        "Rule file or bundled ruleset name; repeatable; added to stage2.yaml and "
        "stage3.yaml unless it names one of them or --ignore-default is given.",
        kind="repeat",
        dest="rules",
    ),
    RunOption(
        "ignore_default",
        ("--ignore-default",),
        "Run only the -r rule files.",
        kind="flag",
        default=False,
    ),
    RunOption(
        "ids",
        ("-i", "--ids"),
        "Only these candidate ids: -i o001 c1000, or -i o001 -i c1000.",
        kind="values",
        group=CANDIDATES,
        dest="asn_candidate_ids",
    ),
    RunOption(
        "dms",
        ("--DMS",),
        "With -i: also generate background candidates, keep ids.",
        kind="flag",
        default=False,
    ),
    RunOption(
        "discover",
        ("--discover",),
        "Keep only discovered associations.",
        kind="flag",
        default=False,
        group=CANDIDATES,
    ),
    RunOption(
        "all_candidates",
        ("--all-candidates",),
        "Every candidate, no discovery.",
        kind="flag",
        default=False,
        group=CANDIDATES,
    ),
    RunOption(
        "version_id",
        ("--version-id",),
        "Version tag in file names; given alone, the current UTC time (YYYYmmddtHHMMSS).",
        alone=_now,
    ),
    RunOption("delimiter", ("-d", "--delimiter"), "Pool delimiter.", default="|"),
    RunOption(
        "pool_format", ("--pool-format",), "astropy table format of the pool.", default="ascii"
    ),
    RunOption(
        "no_finalize",
        ("--no-finalize",),
        "Skip hooks, validity checks and de-duplication.",
        kind="flag",
        default=False,
    ),
    RunOption(
        "merge",
        ("--merge",),
        "Merge Stage 2 associations of one candidate.",
        kind="flag",
        default=False,
    ),
    RunOption(
        "per_pool",
        ("--per-pool-algorithm",),
        "One run over the whole pool, all candidates.",
        kind="flag",
        default=False,
        dest="per_pool_algorithm",
    ),
    RunOption("path", ("-p", "--path"), "Output folder.", default=Path("."), type=Path),
    RunOption(
        "save_orphans",
        ("--save-orphans",),
        "Write rows in no association to this file inside --path (given alone: orphaned.csv).",
        alone=_orphans_file,
    ),
    RunOption("dry_run", ("--dry-run",), "Generate but write nothing.", kind="flag", default=False),
)
"""Every run option, in the order ``--help`` lists them."""

BY_NAME: dict[str, RunOption] = {o.name: o for o in RUN_OPTIONS}


@dataclass(frozen=True)
class RunOptions:
    """The values of the run options, however they were given."""

    ruleset: tuple[str, ...] = ()
    ignore_default: bool = False
    ids: tuple[str, ...] = ()
    dms: bool = False
    discover: bool = False
    all_candidates: bool = False
    version_id: str | None = None
    delimiter: str = "|"
    pool_format: str = "ascii"
    no_finalize: bool = False
    merge: bool = False
    per_pool: bool = False
    path: Path = Path(".")
    save_orphans: str | None = None
    dry_run: bool = False

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> RunOptions:
        """The options among ``values`` (a typer command's parameters); others default.

        Raises
        ------
        ValueError
            When more options of one group are given than one (:func:`clash` says which).
        """
        given = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        for name in ("ruleset", "ids"):
            if name in given:
                given[name] = tuple(given[name] or ())
        if given.get("path") is not None:
            given["path"] = Path(given["path"])
        if given.get("save_orphans") is not None:
            given["save_orphans"] = str(given["save_orphans"])
        options = cls(**given)
        problem = clash(options)
        if problem:
            raise ValueError(problem)
        return options

    @classmethod
    def parsed(cls, namespace: argparse.Namespace) -> RunOptions:
        """The options an argparse parser built by :func:`add_arguments` read."""
        return cls.of(
            {
                o.name: getattr(namespace, _dest(o, namespace))
                for o in RUN_OPTIONS
                if hasattr(namespace, _dest(o, namespace))
            }
        )

    def run_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`asnrules.api.run`."""
        return {
            "ids": list(self.ids) or None,
            "discover": self.discover,
            "all_candidates": self.all_candidates,
            "version_id": self.version_id,
            "finalize": not self.no_finalize,
            "delimiter": self.delimiter,
            "pool_format": self.pool_format,
            "ignore_default": self.ignore_default,
            "dms": self.dms,
            "merge": self.merge,
            "per_pool": self.per_pool,
        }


def _dest(option: RunOption, namespace: argparse.Namespace) -> str:
    return option.dest if option.dest and hasattr(namespace, option.dest) else option.name


def clash(options: RunOptions) -> str | None:
    """The message for options of one group given together, or None.

    The message is argparse's (``argument --discover: not allowed with argument
    -i/--ids``), so that every parser says it the same way.
    """
    groups: dict[str, list[RunOption]] = {}
    for option in RUN_OPTIONS:
        if option.group and getattr(options, option.name) not in (False, None, ()):
            groups.setdefault(option.group, []).append(option)
    for chosen in groups.values():
        if len(chosen) > 1:
            return f"argument {chosen[1].label}: not allowed with argument {chosen[0].label}"
    return None


def add_arguments(
    parser: argparse.ArgumentParser, names: Iterable[str] | None = None, reference: bool = False
) -> None:
    """Add run options to an argparse parser.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The parser.
    names : iterable of str, optional
        The options to add (default: all of them).
    reference : bool
        Keep values under the names the reference's parser gives them
        (``asn_candidate_ids``, ``rules``, ``per_pool_algorithm``).
    """
    wanted = set(names) if names is not None else set(BY_NAME)
    groups: dict[str, Any] = {}
    for option in RUN_OPTIONS:
        if option.name not in wanted:
            continue
        target: Any = parser
        if option.group:
            if option.group not in groups:
                groups[option.group] = parser.add_mutually_exclusive_group()
            target = groups[option.group]
        dest = option.dest if reference and option.dest else option.name
        target.add_argument(*option.flags, dest=dest, help=option.help, **_argparse_kind(option))


def _argparse_kind(option: RunOption) -> dict[str, Any]:
    if option.kind == "flag":
        return {"action": "store_true"}
    if option.kind == "repeat":
        return {"action": "append", "default": None}
    if option.kind == "values":
        return {"action": "extend", "nargs": "+", "default": None}
    if option.alone is not None:
        return {"nargs": "?", "const": option.alone(), "default": option.default}
    return {"default": option.default, "type": option.type}


def optional_values() -> dict[str, Callable[[], str]]:
    """Flag to value for the options that may be given alone (``--version-id``)."""
    return {flag: o.alone for o in RUN_OPTIONS if o.alone is not None for flag in o.flags}


def many_values() -> set[str]:
    """The flags that take every value up to the next option (``-i a b``)."""
    return {flag for o in RUN_OPTIONS if o.kind == "values" for flag in o.flags}
