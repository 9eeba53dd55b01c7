"""``--DMS`` with ``-i``, and which rule files run (``-r``, ``--ignore-default``).

The ``--DMS`` expectations are what the reference generator (jwst 3.0.0) wrote for the
corpus pool ``pool_010_spec_nirspec_lv2bkg_realized`` (observations o001-o004, whose rows
also belong to the background candidates c1000 and c1001).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import Main, run
from asnrules.cli.main import app
from asnrules.modes import dms_candidate_ids, rule_files

from .conftest import EXAMPLE_POOL, corpus_or_skip

runner = CliRunner()


def _names(**options: object) -> list[str]:
    pool = corpus_or_skip() / "pools" / "pool_010_spec_nirspec_lv2bkg_realized.csv"
    return sorted(name for name, _ in run(pool, **options).files)  # type: ignore[arg-type]


def test_dms_drops_what_a_background_candidate_supersedes() -> None:
    o003 = [
        *(f"jw99009-o003_image2_0000{n}_asn.json" for n in range(1, 5)),
        "jw99009-o003_spec3_00001_asn.json",
    ]
    assert _names(ids=["o003"]) == sorted([*o003, "jw99009-o003_spec2_00001_asn.json"])
    assert _names(ids=["o003"], dms=True) == o003


def test_dms_with_several_ids_and_a_background_id() -> None:
    assert _names(ids=["o001", "o004"], dms=True) == [
        "jw99009-o001_spec2_00001_asn.json",
        "jw99009-o001_spec2_00002_asn.json",
        "jw99009-o001_spec3_00001_asn.json",
        *(f"jw99009-o004_image2_0000{n}_asn.json" for n in range(1, 5)),
    ]
    assert _names(ids=["c1000"], dms=True) == [
        "jw99009-c1000_spec2_00001_asn.json",
        "jw99009-c1000_spec3_00001_asn.json",
    ]


def test_dms_candidate_ids_adds_background_candidates_of_the_rows() -> None:
    cells = [
        "[('o001', 'observation'), ('c1002', 'background')]",
        "[('o001', 'observation'), ('c1000', 'mosaic')]",
        "[('o002', 'observation'), ('c1001', 'background')]",
        "[('o0011', 'observation'), ('c1003', 'background')]",
    ]
    rows = [{"asn_candidate": c} for c in cells]
    # the id is looked for as text in the cell, as the reference does (o001 in o0011)
    assert dms_candidate_ids(rows, "asn_candidate", ["O001"]) == ["o001", "c1002", "c1003"]
    assert dms_candidate_ids(rows, "asn_candidate", ["c1001", "o002"]) == ["c1001", "o002"]


def test_dms_without_ids_changes_nothing() -> None:
    assert _names(dms=True) == _names()


RULES = """\
asnrules: 1.0
include: [jwst-common.yaml]
rules:
  Only_Images:
    asn_type: images
    select: [exp_type == 'nrc_image']
    product: "p{first_member.filename}"
    file: "x_{candidate.id}_{sequence}"
"""


def test_r_adds_to_the_defaults_unless_ignore_default(tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text(RULES)
    default = {n for n, _ in run(EXAMPLE_POOL).files}
    added = {n for n, _ in run(EXAMPLE_POOL, [rules]).files}
    alone = {n for n, _ in run(EXAMPLE_POOL, [rules], ignore_default=True).files}
    assert alone and all(n.startswith("x_") for n in alone)
    assert added == default | alone
    main = Main([str(EXAMPLE_POOL), "-r", str(rules), "--ignore-default"])
    assert {a.rule.name for a in main.associations} == {"Only_Images"}


def test_r_naming_a_bundled_default_is_the_whole_list(tmp_path: Path) -> None:
    assert rule_files(["stage3.yaml"]) == ["stage3.yaml"]
    assert rule_files(["stage3"]) == ["stage3"]
    assert rule_files(["mine.yaml"]) == ["stage2.yaml", "stage3.yaml", "mine.yaml"]
    assert rule_files(None) == ["stage2.yaml", "stage3.yaml"]
    stage3 = {n for n, _ in run(EXAMPLE_POOL, ["stage3.yaml"]).files}
    assert stage3 and not any("image2" in n for n in stage3)


def test_ignore_default_without_rules_is_an_error() -> None:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "--ignore-default", "--dry-run"])
    assert result.exit_code == 2
    assert "ASN020" in result.output and "-r" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("option", ["--DMS", "--ignore-default"])
def test_cli_accepts_the_options(tmp_path: Path, option: str) -> None:
    extra = ["-r", "stage2.yaml"] if option == "--ignore-default" else ["-i", "o001"]
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), *extra, option, "--dry-run"])
    assert result.exit_code == 0, result.output
