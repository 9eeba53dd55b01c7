"""``asnrules diff`` and ``asnrules validate``: verdicts, exit codes, located reports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.cli.main import app
from asnrules.io.output import write_all
from asnrules.tools.jsonpos import line_col, parse_with_places
from asnrules.tools.validate import KEYWORDS, SCHEMA_FILE, load_schema, validate_files

from .conftest import EXAMPLE_POOL, corpus_or_skip

runner = CliRunner()


@pytest.fixture
def two_sets(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    write_all(a, run(EXAMPLE_POOL).files)
    shutil.copytree(a, b)
    return a, b


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=4))


def test_json_places_are_exact() -> None:
    text = '{\n  "a": [1, {"b": "x"}],\n  "c": null\n}'
    data, places = parse_with_places(text)
    assert data == json.loads(text)
    assert line_col(text, places[("a", 1, "b")]) == (2, 18)
    assert line_col(text, places[("c",)]) == (3, 8)


def test_diff_same_is_exit_0(two_sets: tuple[Path, Path]) -> None:
    a, b = two_sets
    result = runner.invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "SAME" in result.output


def test_diff_locates_a_changed_member(two_sets: tuple[Path, Path]) -> None:
    a, b = two_sets
    name = sorted(p.name for p in b.glob("*image3*"))[0]

    def change(data: dict) -> None:
        data["products"][0]["members"][1]["exptype"] = "background"

    _edit(b / name, change)
    result = runner.invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "exptype" in x)
    assert f"{a / name}:" in line
    assert 'products[0].members[1].exptype: A "science", B "background"' in line
    report = json.loads(runner.invoke(app, ["diff", str(a), str(b), "--format", "json"]).output)
    assert report["same"] is False
    (changed,) = report["changed"]
    (difference,) = changed["differences"]
    assert difference["path"] == ["products", 0, "members", 1, "exptype"]
    assert (difference["a"], difference["b"]) == ("science", "background")
    text = (a / name).read_text().splitlines()
    assert text[difference["a_line"] - 1][difference["a_col"] - 1 :].startswith('"science"')


def test_diff_missing_file_and_extra_member(two_sets: tuple[Path, Path]) -> None:
    a, b = two_sets
    names = sorted(p.name for p in a.glob("*_asn.json"))
    (b / names[0]).unlink()
    _edit(b / names[1], lambda d: d["products"][0]["members"].append({"expname": "x"}))
    result = runner.invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 1
    assert f"only in A: {a / names[0]}" in result.output
    assert 'B {"expname": "x"}' in result.output and "A (absent)" in result.output


def test_diff_case_is_ignored_as_in_the_corpus_rule(two_sets: tuple[Path, Path]) -> None:
    a, b = two_sets
    name = sorted(p.name for p in b.glob("*_asn.json"))[0]
    _edit(b / name, lambda d: d["products"][0]["members"][0].update(exptype="SCIENCE"))
    assert runner.invoke(app, ["diff", str(a / name), str(b / name)]).exit_code == 0


@pytest.mark.parametrize("case", ["missing", "mixed", "format"])
def test_diff_usage_errors_exit_2(two_sets: tuple[Path, Path], case: str) -> None:
    a, b = two_sets
    one = next(iter(a.glob("*_asn.json")))
    args = {
        "missing": [str(a), str(a.parent / "nowhere")],
        "mixed": [str(a), str(one)],
        "format": [str(a), str(b), "--format", "xml"],
    }[case]
    result = runner.invoke(app, ["diff", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_shipped_schema_uses_only_the_implemented_keywords() -> None:
    schema = load_schema()
    assert schema["required"] == ["products"]

    def keywords(node: dict) -> set[str]:
        found = set(node) - {"$schema", "$id", "title", "description"}
        for sub in node.get("properties", {}).values():
            found |= keywords(sub)
        if "items" in node:
            found |= keywords(node["items"])
        return found

    assert keywords(schema) <= KEYWORDS
    assert SCHEMA_FILE.is_file()


def test_validate_good_files_exit_0(two_sets: tuple[Path, Path]) -> None:
    a, _ = two_sets
    result = runner.invoke(app, ["validate", str(a)])
    assert result.exit_code == 0, result.output


def test_validate_locates_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "x_asn.json"
    path.write_text(
        '{"asn_id": 7,\n "products": [\n  {"name": "p",\n   "members": [{"expname": "a"},'
        ' {"expname": "", "exptype": null}]},\n  {"members": []}]}'
    )
    problems, count = validate_files([path])
    assert count == 1
    got = sorted((p.line, p.col, p.code) for p in problems)
    assert got == [
        (1, 12, "ASN903"),  # asn_id is a number
        (4, 16, "ASN904"),  # first member lacks exptype
        (4, 46, "ASN905"),  # empty expname
        (4, 61, "ASN903"),  # exptype null
        (5, 3, "ASN904"),  # second product lacks name
        (5, 15, "ASN905"),  # no members
    ]
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1:12: ASN903 error asn_id must be string, found integer" in result.output


def test_validate_syntax_error_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad_asn.json"
    bad.write_text('{"products": [\n')
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2:1: ASN902" in result.output
    assert runner.invoke(app, ["validate", str(tmp_path / "none_asn.json")]).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["validate", str(empty)])
    assert result.exit_code == 1 and "ASN906" in result.output


@pytest.mark.parametrize(
    "pool",
    [
        "pool_002_image_miri_realized",
        "pool_006_spec_nirspec_realized",
        "pool_019_niriss_wfss_realized",
        "jw87800_20180412T163456_pool",
    ],
)
def test_generate_writes_valid_files(tmp_path: Path, pool: str) -> None:
    """Every file `generate` writes for some corpus pools validates against the schema."""
    corpus = corpus_or_skip()
    pool_file = next((corpus / "pools").glob(f"{pool}*"))
    result = runner.invoke(app, ["generate", str(pool_file), "-p", str(tmp_path)])
    assert result.exit_code == 0, result.output
    problems, count = validate_files([tmp_path])
    assert count > 0
    assert problems == []
