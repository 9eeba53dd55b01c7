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
