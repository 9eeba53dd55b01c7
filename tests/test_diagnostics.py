"""Diagnostic codes: one declaration each, every one emitted, the docs made from them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from asnrules import diagnostics
from asnrules.diagnostics import CODES, Area, Code, Severity, main, markdown, update_markdown

PACKAGE = Path(diagnostics.__file__).parent
CLI_DOC = PACKAGE.parent / "docs" / "cli.md"
CODE = re.compile(r"^ASN\d{3}$")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            found.add(id(body[0].value))
    return found


def _emitted() -> dict[str, list[str]]:
    """Code to ``file:line`` of every string constant that is exactly a code.

    Docstrings and comments do not count, nor the keys of ``CODES`` itself.
    """
    uses: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        if path.name == "diagnostics.py":
            skip |= {id(k) for n in ast.walk(tree) if isinstance(n, ast.Dict) for k in n.keys}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and id(node) not in skip
            ):
                uses.setdefault(node.value, []).append(f"{path.name}:{node.lineno}")
    return uses


def test_every_declared_code_is_emitted() -> None:
    emitted = _emitted()
    assert [code for code in CODES if code not in emitted] == []


def test_every_emitted_code_is_declared() -> None:
    assert {c: w for c, w in _emitted().items() if c not in CODES} == {}


def test_codes_are_well_formed() -> None:
    assert all(CODE.match(code) for code in CODES)
    names = [known.name for known in CODES.values()]
    assert len(names) == len(set(names)), "two codes share a name"
    for code, known in CODES.items():
        assert isinstance(known, Code), f"{code}: write Code(name, area, description[, severity])"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", known.name), code
        assert known.description and "|" not in known.description, code
        assert isinstance(known.area, Area) and isinstance(known.severity, Severity), code
    assert {known.area for known in CODES.values()} == set(Area), "an area without codes"


def test_docs_cli_tables_are_made_from_codes() -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    assert update_markdown(text) == text, (
        "docs/cli.md is out of step with CODES: run python -m asnrules.diagnostics --write "
        "docs/cli.md"
    )


def test_a_new_code_needs_only_its_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    new = Code("brand-new", Area.RULES, "a problem found today", Severity.WARNING)
    monkeypatch.setitem(CODES, "ASN299", new)
    made = update_markdown(text)
    assert "| ASN299 | brand-new | warning | a problem found today |" in made
    assert made.count("ASN299") == 1
    rules = made.split("<!-- codes: rules -->")[1].split("<!-- /codes -->")[0]
    rows = [line.split(" | ")[0] for line in rules.splitlines() if line.startswith("| ASN")]
    assert rows == sorted(rows) and "| ASN299" in rows


def test_markdown_table_of_an_area() -> None:
    table = markdown(Area.POOLS)
    assert table.splitlines()[:2] == [
        "| code | name | severity | when |",
        "| --- | --- | --- | --- |",
    ]
    assert [line.split(" | ")[0] for line in table.splitlines()[2:]] == [
        "| ASN401",
        "| ASN402",
        "| ASN404",
    ]


def test_an_area_without_a_block_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"no <!-- codes: AREA --> block for: .*pools"):
        update_markdown("<!-- codes: run -->\n<!-- /codes -->\n")
    with pytest.raises(ValueError, match="names no area"):
        update_markdown("<!-- codes: nowhere -->\n<!-- /codes -->\n")


def test_generator_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--markdown", "output"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("<!-- codes: output -->\n| code | name | severity | when |")
    assert "| ASN508 | output-foreign-files | warning |" in printed
    stale = tmp_path / "cli.md"
    current = CLI_DOC.read_text(encoding="utf-8")
    stale.write_text(current.replace("| ASN402 | pool-missing-column |", "| ASN402 | old |"))
    assert main(["--write", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == current


def test_sarif_describes_every_code() -> None:
    import json

    from asnrules.diagnostics import Diagnostic, render

    sarif = json.loads(render([Diagnostic("f.yaml", 1, 1, "ASN201", "x")], "sarif"))
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    assert rules[0]["shortDescription"]["text"] == CODES[rules[0]["id"]].description
