"""Warnings of ``generate``: each silent case of issue 6 gives a located warning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.cli.main import app
from asnrules.diagnostics import OutputError, Severity

from .conftest import EXAMPLE_POOL, HEADER, image_row, write_pool

runner = CliRunner()

LOCATED = re.compile(r"^\S+:\d+:\d+: ASN6\d\d warning ", re.M)


def _pool_without(tmp_path: Path, column: str) -> Path:
    """A copy of the example pool without ``column``."""
    lines = [ln for ln in EXAMPLE_POOL.read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split("|")
    k = [c.lower() for c in header].index(column)
    kept = ["|".join(c for j, c in enumerate(ln.split("|")) if j != k) for ln in lines]
    path = tmp_path / f"without_{column}.csv"
    path.write_text("\n".join(kept) + "\n")
    return path


def _rule_file(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("asnrules: 1.0\ninclude: [jwst-common.yaml]\nrules:\n" + body)
    return path


MINE = """\
  Asn_Lv3Image:
    description: Only F150W images.
    asn_type: image3
    select: [exp_type == 'nrc_image', filter == 'f150w']
    share: [program]
    member_fields:
      expname: filename
      exptype: "'science'"
"""


def test_example_pool_gives_no_warning() -> None:
    assert run(EXAMPLE_POOL).warnings == []


def test_absent_shared_column_is_named_with_rule_and_definition(tmp_path: Path) -> None:
    result = run(_pool_without(tmp_path, "subarray"))
    found = [w for w in result.warnings if w.code == "ASN601"]
    assert found, result.warnings
    assert all(w.severity is Severity.WARNING for w in found)
    image = [w for w in found if "'Asn_Lv3Image'" in w.message]
    assert len(image) == 1
    assert "'subarray'" in image[0].message and "role 'science'" in image[0].message
    assert image[0].path.endswith("jwst-common.yaml") and image[0].line > 0
    # nothing Stage 3 was made, which is what the warning explains
    assert not [a for a in result.associations if a.rule.name == "Asn_Lv3Image"]


def test_absent_column_of_no_selected_row_is_not_reported(tmp_path: Path) -> None:
    # the example pool has no grating column, and no NIRSpec row: no warning about it
    assert not [w for w in run(EXAMPLE_POOL).warnings if "grating" in w.message]


def test_rule_without_member_fields(tmp_path: Path) -> None:
    rules = tmp_path / "bare.yaml"
    rules.write_text(  # member_identity: [] undoes jwst-common's, which the rule lacks
        "asnrules: 1.0\ninclude: [jwst-common.yaml]\nmember_identity: []\nrules:\n"
        "  Asn_Bare:\n    asn_type: image3\n    select: [exp_type == 'nrc_image']\n"
        "    share: [program]\n"
    )
    result = run(EXAMPLE_POOL, [rules])
    (found,) = [w for w in result.warnings if w.code == "ASN602"]
    assert (found.path, found.line, found.col) == (str(rules), 5, 3)
    assert "'Asn_Bare'" in found.message and "{}" in found.message
    assert "add 'member_fields' (or extend a rule or base that has them)" in found.message


def test_override_undone_by_a_later_bundled_ruleset(tmp_path: Path) -> None:
    mine = _rule_file(tmp_path, "mine.yaml", MINE)
    with pytest.raises(OutputError) as caught:  # both versions of the rule name one file
        run(EXAMPLE_POOL, [mine, "stage3"])
    codes = {d.code for d in caught.value.diagnostics}
    assert "ASN503" in codes
    (found,) = [w for w in caught.value.diagnostics if w.code == "ASN603"]
    assert (found.path, found.line) == (str(mine), 4)
    assert "'Asn_Lv3Image'" in found.message and "stage3" in found.message
    assert not [w for w in run(EXAMPLE_POOL, ["stage3", mine]).warnings if w.code == "ASN603"]


def test_override_undone_by_an_even_later_file(tmp_path: Path) -> None:
    mine = _rule_file(tmp_path, "mine.yaml", MINE)
    later = _rule_file(tmp_path, "later.yaml", MINE)
    warnings = run(EXAMPLE_POOL, ["stage3", mine, later]).warnings
    assert [(w.code, w.path) for w in warnings if w.code == "ASN603"] == [("ASN603", str(mine))]


def test_lint_of_several_files_reports_an_undone_override(tmp_path: Path) -> None:
    mine = _rule_file(tmp_path, "mine.yaml", MINE)
    result = runner.invoke(app, ["lint", str(mine), "stage3.yaml"])
    assert f"{mine}:4:3: ASN603 warning" in result.output
    clean = runner.invoke(app, ["lint", "stage3.yaml", str(mine)])
    assert "ASN603" not in clean.output


def test_unknown_candidate(tmp_path: Path) -> None:
    pool = write_pool(tmp_path / "p.csv", [image_row(1), image_row(2)], HEADER)
    (found,) = run(pool, ids=["o999"]).warnings
    assert found.code == "ASN604" and "'o999'" in found.message


def test_cli_prints_warnings_as_lint_does(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(_pool_without(tmp_path, "subarray")), "--dry-run"])
    assert result.exit_code == 0
    assert LOCATED.search(result.output), result.output


def test_verbose_shows_rules_pins_and_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "--dry-run", "-v"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    line = next(ln for ln in lines if ln.startswith("jw01234-o001_image3_00001_asn.json:"))
    assert "Asn_Lv3Image" in line and "program='01234'" in line
    header = lines.index("rule                    associations  members")
    total = next(ln for ln in lines[header:] if ln.startswith("total"))
    files = [ln for ln in lines if ln.endswith("_asn.json")]
    assert int(total.split()[1]) == len(files)


def test_a_misspelled_value_in_an_own_rule_is_said(tmp_path: Path) -> None:
    rules = _rule_file(
        tmp_path,
        "typo.yaml",
        "  Mine:\n"
        "    asn_type: image3\n"
        "    select: exp_type == 'nrc_imgae'\n"
        "    share: [obs_num]\n"
        "    member_fields: {expname: filename, exptype: \"'science'\"}\n",
    )
    warnings = run(EXAMPLE_POOL, [rules]).warnings
    (found,) = [w for w in warnings if w.code == "ASN606"]
    assert (found.path, found.line) == (str(rules), 4)
    assert "'Mine' made no association" in found.message and "nrc_imgae" in found.message
    assert not [w for w in run(EXAMPLE_POOL).warnings if w.code == "ASN606"]  # bundled rules


def test_rows_that_only_join_do_not_count_for_a_rule_that_made_nothing(tmp_path: Path) -> None:
    """ASN606 counts the rows that could start an association, not linked joiners."""
    rules = _rule_file(
        tmp_path,
        "joiners.yaml",
        "  Mine:\n"
        "    asn_type: image3\n"
        "    member_fields: {expname: filename, exptype: \"'science'\"}\n"
        "    members:\n"
        "      science: {when: exp_type == 'nrc_imgae', record: [obs_num]}\n"
        "      joiner: {when: exp_type == 'nrc_image', link: [obs_num]}\n",
    )
    (found,) = [w for w in run(EXAMPLE_POOL, [rules]).warnings if w.code == "ASN606"]
    assert "no row of 12 passes its select and the condition of a role" in found.message
    assert found.message.endswith("(check the values in the roles' when: exp_type == 'nrc_imgae')")
