"""Property tests: no input makes the expression language or the pool reader raise
anything but a diagnostic."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnrules.checks.lint import lint_paths
from asnrules.diagnostics import AsnRulesError, Diagnostic
from asnrules.engine.candidates import cell_warnings
from asnrules.engine.scope import Scope
from asnrules.io.pool import ROW_LINES, pool_rows, read_pool
from asnrules.language import expressions as ex
from asnrules.language.compiler import CompileError, Compiler, Definitions

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

WORDS = (
    "a b exp_type count any regex match len member candidate 'x' \"y\" '(a+)+' '[' 1 0 "
    "true false and or not in if else == != < >= + ( ) [ ] , . \\ ' # { } é İ"
)
TOKENS = [*WORDS.split(), "\n", " "]


def _compile(text: str) -> None:
    try:
        node = ex.parse(text)
    except ex.ExpressionSyntaxError as exc:
        assert exc.code.startswith("ASN2") and exc.line >= 1 and exc.col >= 1
        return
    defs = Definitions(lists={"l": ("x", "y")}, maps={"m": {"x": "1"}})
    try:
        compiled = Compiler(defs).compile(node)
    except CompileError as exc:
        assert exc.code.startswith("ASN2")
        return
    compiled(Scope({"a": "x", "b": "1", "exp_type": "nrc_image"}))


@FAST
@given(st.text(max_size=60))
def test_any_text_gives_a_diagnostic_or_a_compiled_expression(text: str) -> None:
    _compile(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", ""]))
def test_near_grammar_text_gives_a_diagnostic_or_a_compiled_expression(
    tokens: list[str], sep: str
) -> None:
    _compile(sep.join(tokens))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(TOKENS), max_size=20))
def test_lint_of_any_condition_gives_only_diagnostics(tokens: list[str]) -> None:
    text = " ".join(tokens)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.yaml"
        path.write_text(yaml.safe_dump({"asnrules": "1", "conditions": {"c": text}}))
        found = lint_paths([path])
    assert all(isinstance(d, Diagnostic) and d.line >= 1 for d in found)


CELLS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r|"),
        max_size=12,
    ),
    st.sampled_from(["", "null", "#x", "[('o001', 'observation')]", "[(b'x', 'y')]", "İ"]),
)


def _read(path: Path) -> None:
    try:
        table = read_pool(path)
    except AsnRulesError as exc:
        assert exc.diagnostics
        return
    rows = pool_rows(table)
    if "asn_candidate" in table.colnames:
        cell_warnings(rows, "asn_candidate", str(path), table.meta.get(ROW_LINES, ()))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=200))
def test_any_bytes_read_as_a_pool_or_a_diagnostic(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.csv"
        path.write_bytes(data)
        _read(path)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=1, max_size=6),
    st.booleans(),
)
def test_any_rows_read_as_a_pool_or_a_diagnostic(rows: list[list[str]], bom: bool) -> None:
    header = ["filename", "asn_candidate", "x", "y", "z"][: len(rows[0])]
    lines = ["|".join(header), *("|".join(r) for r in rows[1:])]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.csv"
        path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
        _read(path)
