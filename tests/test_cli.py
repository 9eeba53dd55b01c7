"""The command line, end to end: outputs, options and user mistakes (no tracebacks)."""

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from asnrules import __version__
from asnrules.cli.main import app

from .conftest import EXAMPLE_POOL, image_row, write_pool

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_generate_writes_association_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["generate", str(EXAMPLE_POOL), "-p", str(out), "--save-orphans", "orphans.csv"]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.glob("*_asn.json"))
    assert "jw01234-o001_image3_00001_asn.json" in files
    assert "jw01234-c1000_image3_00001_asn.json" in files
    data = json.loads((out / "jw01234-o001_image3_00001_asn.json").read_text())
    assert list(data) == [
        "asn_type",
        "asn_rule",
        "version_id",
        "code_version",
        "degraded_status",
        "program",
        "constraints",
        "asn_id",
        "target",
        "asn_pool",
        "products",
    ]
    assert data["asn_rule"] == "candidate_Asn_Lv3Image"
    members = data["products"][0]["members"]
    assert {m["exptype"] for m in members} == {"science", "target_acquisition"}
    assert (out / "orphans.csv").read_text().startswith("FILENAME|")  # as the pool has it
    assert not list(out.glob("*.tmp"))


def test_ruleset_by_bundled_name_and_version_id(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "generate",
            str(EXAMPLE_POOL),
            "--ruleset",
            "stage3.yaml",
            "-p",
            str(out),
            "--version-id",
            "v7",
        ],
    )
    assert result.exit_code == 0, result.output
    names = [p.name for p in out.glob("*.json")]
    assert names and all("_v7_image3_" in n for n in names)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "-p", str(out), "--dry-run"])
    assert result.exit_code == 0
    assert "jw01234-o001_image2_00001_asn.json" in result.stdout
    assert not out.exists()


def test_missing_pool_column_is_named(tmp_path: Path) -> None:
    header = "filename|program|exp_type|pntgtype|asn_candidate"
    pool = write_pool(
        tmp_path / "p.csv", ["a_uncal.fits|1|nrc_image|science|[('o001', 'observation')]"], header
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(pool), "-p", str(out)])
    assert result.exit_code == 2
    assert "ASN402" in result.output and "targetid" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_columns_of_the_added_bundled_rules_name_ignore_default(tmp_path: Path) -> None:
    """Rules of one's own given with -r run after the bundled ones, unless --ignore-default."""
    pool = write_pool(tmp_path / "p.csv", ["a.fit|sci"], "frame|kind")
    rules = tmp_path / "own.yaml"
    rules.write_text(
        "asnrules: 1.0\nrules:\n  R:\n    asn_type: x\n    member_fields: {frame: frame}\n"
    )
    result = runner.invoke(app, ["generate", str(pool), "-r", str(rules), "--dry-run"])
    assert result.exit_code == 2
    assert "ASN402" in result.output and "give --ignore-default to run only yours" in result.output
    only = ["--ignore-default", "--dry-run"]
    alone = runner.invoke(app, ["generate", str(pool), "-r", str(rules), *only])
    assert alone.exit_code == 0 and "ASN402" not in alone.output
    bundled = runner.invoke(app, ["generate", str(pool), "--dry-run"])  # no -r: no hint
    assert "ASN402" in bundled.output and "ignore-default" not in bundled.output


def test_missing_candidate_column_is_named(tmp_path: Path) -> None:
    header = "filename|program|exp_type|pntgtype|targetid"
    pool = write_pool(tmp_path / "p.csv", ["a_uncal.fits|1|nrc_image|science|1"], header)
    result = runner.invoke(app, ["generate", str(pool), "--dry-run"])
    assert result.exit_code == 2
    assert "asn_candidate" in result.output


def test_missing_pool_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "ASN401" in result.output and "Traceback" not in result.output


def test_broken_rule_file_leaves_output_empty(tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules:\n  R:\n    asn_type: x\n    select: [exp_type in IMAGES and]\n")
    pool = write_pool(tmp_path / "p.csv", [image_row(1)])
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(pool), "-r", str(rules), "-p", str(out)])
    assert result.exit_code == 2
    assert f"{rules}:4:" in result.output and "ASN201" in result.output
    assert not out.exists()


def test_unknown_ruleset_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "-r", "stage9.yaml", "--dry-run"])
    assert result.exit_code == 2
    assert "stage9.yaml" in result.output and "bundled rulesets" in result.output


def test_conflicting_modes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "--discover", "--all-candidates"])
    assert result.exit_code == 2


def test_python_m_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asnrules", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and __version__ in done.stdout


def _dry_run_names(*options: str) -> tuple[list[str], str]:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), "--dry-run", *options])
    assert result.exit_code == 0, result.output
    return [
        line for line in result.stdout.splitlines() if line.endswith("_asn.json")
    ], result.stderr


def test_no_finalize_keeps_what_finalize_drops() -> None:
    from asnrules.api import run

    kept, _ = _dry_run_names()
    raw, summary = _dry_run_names("--no-finalize")
    assert len(raw) == len(run(EXAMPLE_POOL, finalize=False).files) == 61
    assert len(kept) == len(run(EXAMPLE_POOL).files) == 20
    assert "61 associations" in summary
    # the validity checks drop the spec2 candidates; de-duplication the discovered copies
    assert [n for n in kept if "_spec2_" in n or "-a3001_" in n] == []
    assert any("_spec2_" in n for n in raw) and any("-a3001_" in n for n in raw)


def test_rulesets_lists_each_bundled_file_and_its_rules() -> None:
    from asnrules.language.loader import load_rulesets

    result = runner.invoke(app, ["rulesets"])
    assert result.exit_code == 0, result.output
    listed = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert listed["jwst-common.yaml"] == "(definitions only)"
    for name in ("stage2.yaml", "stage3.yaml"):
        ruleset, _ = load_rulesets([name])
        assert listed[name].split(", ") == sorted(ruleset.rules), name


def test_rulesets_usage_error() -> None:
    result = runner.invoke(app, ["rulesets", "list"])
    assert result.exit_code == 2
    assert "usage: asnrules rulesets [--path] [show NAME]" in result.output


def test_schema_is_the_rule_file_model() -> None:
    from asnrules.language.models import Document

    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == Document.model_json_schema(by_alias=True)
    assert {"rules", "attributes", "include"} <= set(schema["properties"])
