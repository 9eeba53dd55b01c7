"""The association toolbox commands.

``from-list``, ``make-pool``, ``diff``, ``validate`` and ``report``: each declares its
options and delegates to :mod:`asnrules.tools.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from asnrules.cli.app import (
    AllCandidates,
    Delimiter,
    Discover,
    Ids,
    IgnoreDefault,
    LintFormat,
    Rulesets,
    StrictOptions,
    VersionId,
    app,
    run_options,
)


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
    ruleset: Rulesets = None,
    ignore_default: IgnoreDefault = False,
    ids: Ids = None,
    discover: Discover = False,
    all_candidates: AllCandidates = False,
    version_id: VersionId = None,
    delimiter: Delimiter = "|",
) -> None:
    """Write one self-contained HTML page showing a pool's associations and orphans."""
    from asnrules.tools.cli import report_main

    report_main(pool, output, run_options(locals()))
