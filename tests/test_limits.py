"""Bounded inputs: rule files, expressions and patterns beyond the limits are diagnostics."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from asnrules.loader import lint_paths
from asnrules.positions import MAX_DEPTH, MAX_FILE_BYTES


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
    found = _lint(tmp_path, "asnrules: 1\nname: a\x07b\n")
    assert _codes(found) == [("ASN125", 2, 8)]
    assert "U+0007" in found[0].message


def test_bad_byte_in_rule_file_is_located(tmp_path: Path) -> None:
    found = _lint(tmp_path, b"asnrules: 1\nname: x\n# caf\xe9\n")
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
