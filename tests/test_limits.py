"""Bounded inputs: rule files, expressions and patterns beyond the limits are diagnostics."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from asnrules.checks.lint import lint_paths
from asnrules.language.positions import MAX_DEPTH, MAX_FILE_BYTES


def _lint(tmp_path: Path, text: str | bytes, name: str = "rules.yaml") -> list:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return lint_paths([path])


def _codes(found: list) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in found]


def billion_laughs(levels: int = 9) -> str:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, levels):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    return text


def test_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = _lint(tmp_path, billion_laughs())
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert [d.code for d in found] == ["ASN122"]
    assert "100000" in found[0].message
    assert grown_kb < 200_000


def test_many_aliases_are_refused(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    found = _lint(tmp_path, text)
    assert [d.code for d in found] == ["ASN121"]
    assert found[0].line == 2 and "100" in found[0].message


def test_recursive_alias_is_a_diagnostic(tmp_path: Path) -> None:
    assert _codes(_lint(tmp_path, "A: &a [x, *a]\n")) == [("ASN123", 1, 4)]


def test_control_character_is_located(tmp_path: Path) -> None:
    found = _lint(tmp_path, "asnrules: 1.0\nname: a\x07b\n")
    assert _codes(found) == [("ASN125", 2, 8)]
    assert "U+0007" in found[0].message


def test_bad_byte_in_rule_file_is_located(tmp_path: Path) -> None:
    found = _lint(tmp_path, b"asnrules: 1.0\nname: x\n# caf\xe9\n")
    assert _codes(found) == [("ASN101", 3, 6)]


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)),
        "a: " + "[" * 5000 + "]" * 5000 + "\n",
    ],
    ids=["block", "flow"],
)
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    found = _lint(tmp_path, text)
    assert [d.code for d in found] == ["ASN124"]
    assert str(MAX_DEPTH) in found[0].message


def test_large_rule_file_is_refused(tmp_path: Path) -> None:
    found = _lint(tmp_path, "# comment\n" * (MAX_FILE_BYTES // 10 + 1))
    assert _codes(found) == [("ASN120", 1, 1)]


def _condition_file(tmp_path: Path, expression: str) -> Path:
    path = tmp_path / "expr.yaml"
    path.write_text(f"asnrules: 1.0\nconditions:\n  big: {expression}\n")
    return path


@pytest.mark.parametrize(
    ("expression", "code", "col"),
    [
        (" or ".join(f"a == '{i}'" for i in range(600)), "ASN211", 8),
        ("f(" * 300 + "a" + ")" * 300, "ASN211", 8 + 200),
        ("a" + ".b" * 600, "ASN211", 8),
        ("not " * 600 + "a", "ASN211", 8 + 400),
        ("a in " + "[" * 600 + "]" * 600, "ASN211", 8 + 5 + 99),
        ("a == '" + "x" * 20_000 + "'", "ASN210", 8),
    ],
    ids=["600-or", "nested-calls", "attributes", "not-chain", "nested-lists", "long"],
)
def test_expression_limits_are_located(
    tmp_path: Path, expression: str, code: str, col: int
) -> None:
    found = lint_paths([_condition_file(tmp_path, expression)])
    assert _codes(found) == [(code, 3, col)]


def test_many_parentheses_around_one_name_are_fine(tmp_path: Path) -> None:
    assert lint_paths([_condition_file(tmp_path, "(" * 500 + "a == '1'" + ")" * 500)]) == []


def test_a_chain_of_deep_definitions_is_a_diagnostic(tmp_path: Path) -> None:
    lines = ["asnrules: 1.0", "conditions:"]
    for i in range(40):
        previous = f"d{i - 1}" if i else "a == '0'"
        lines.append(f"  d{i}: " + " or ".join([previous] + [f"a == '{k}'" for k in range(90)]))
    path = tmp_path / "chain.yaml"
    path.write_text("\n".join(lines) + "\n")
    found = lint_paths([path])
    assert found and {d.code for d in found} == {"ASN211"}
    assert "limit is 200" in found[0].message


def test_the_deepest_allowed_expression_evaluates() -> None:
    from asnrules.engine.scope import Scope
    from asnrules.language import expressions as ex
    from asnrules.language.compiler import Compiler, Definitions

    defs = Definitions()
    previous = "a == 'x'"
    for i in range(3):  # 3 definitions of 65 levels each: 195 levels in all
        defs.expressions[f"d{i}"] = ex.parse(
            " or ".join([previous] + [f"a == '{k}'" for k in range(64)])
        )
        previous = f"d{i}"
    compiled = Compiler(defs).compile(ex.parse("d2"))
    assert compiled(Scope({"a": "x"})) is True


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a*)*b", "(a|aa)+c", "(\\\\d+-)+x", "((ab)+c?)*", "(ab|a)+$"],
)
def test_patterns_that_can_backtrack_exponentially_are_refused(
    tmp_path: Path, pattern: str
) -> None:
    found = lint_paths([_condition_file(tmp_path, f"\"regex(a, '{pattern}')\"")])
    assert _codes(found) == [("ASN212", 3, 9 + len("regex(a, '"))]


@pytest.mark.parametrize(
    "pattern",
    [".+wfsc.+", "2-point-nod|4-point-nod", "(\\\\d{4})+", "(ab|cd)+", "(a+)?b", "x[0-9]+y*"],
)
def test_ordinary_patterns_pass(tmp_path: Path, pattern: str) -> None:
    assert lint_paths([_condition_file(tmp_path, f"\"regex(a, '{pattern}')\"")]) == []


def test_globs_pass(tmp_path: Path) -> None:
    assert lint_paths([_condition_file(tmp_path, "\"match(a, '*_*_cal*.fits')\"")]) == []
