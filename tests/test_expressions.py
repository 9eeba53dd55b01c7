"""The expression language, case by case (cases in ``tests/data/expressions.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from asnrules.engine.scope import Scope
from asnrules.language import compiler, expressions
from asnrules.language.functions import FUNCTIONS, ROW

DATA_FILE = Path(__file__).parent / "data" / "expressions.yaml"
DATA = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
NOT_SET = frozenset(DATA["not_set"])
CASES = DATA["cases"]


def _definitions(columns: list[str] | None = None) -> compiler.Definitions:
    return compiler.Definitions(
        lists={k.lower(): tuple(v) for k, v in DATA["lists"].items()},
        maps={k.lower(): dict(v) for k, v in DATA["maps"].items()},
        tables={k.lower(): frozenset(tuple(row) for row in t) for k, t in DATA["tables"].items()},
        expressions={k.lower(): expressions.parse(v) for k, v in DATA["conditions"].items()},
        columns=frozenset(columns or ()),
        not_set=NOT_SET,
    )


def _compile(case: dict[str, Any]) -> compiler.Compiled:
    node = expressions.parse(case["expr"])
    return compiler.Compiler(_definitions(case.get("columns"))).compile(node, ROW)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _id(case: dict[str, Any]) -> str:
    return case["expr"] + (" -> " + case["error"] if "error" in case else f" {case.get('row', {})}")


def _params(cases: list[dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(c, id=_id(c), marks=[pytest.mark.xfail(strict=True, reason=c["xfail"])])
        if "xfail" in c
        else pytest.param(c, id=_id(c))
        for c in cases
    ]


def test_cases_are_well_formed() -> None:
    assert len(CASES) > 100
    for case in CASES:
        assert "expr" in case
        assert ("error" in case) != ("expect" in case or "truthy" in case), case
        row = case.get("row", {})
        assert all(k == k.lower() and isinstance(v, str) for k, v in row.items()), case


@pytest.mark.parametrize("case", _params([c for c in CASES if "error" not in c]))
def test_value(case: dict[str, Any]) -> None:
    row = case.get("row", {})
    scope = Scope(dict(row), NOT_SET)
    result = _plain(_compile(case)(scope))
    if "expect" in case:
        expect = case["expect"]
        if isinstance(expect, bool) or expect is None:
            assert result is expect
        else:
            assert result == expect
    if "truthy" in case:
        assert scope.truth(result) is case["truthy"]
    assert row == case.get("row", {})  # evaluation never changes the row


@pytest.mark.parametrize("case", _params([c for c in CASES if "error" in c]))
def test_error(case: dict[str, Any]) -> None:
    try:
        _compile(case)
    except expressions.ExpressionSyntaxError as exc:
        code, line, col = "ASN201", exc.line, exc.col
    except compiler.CompileError as exc:
        code, line, col = exc.code, exc.line, exc.col
    else:
        pytest.fail(f"{case['expr']!r} compiled; expected {case['error']}")
    assert code == case["error"]
    assert line == 1
    if "col" in case:
        assert col == case["col"]


def test_syntax_error_position_on_a_later_line() -> None:
    with pytest.raises(expressions.ExpressionSyntaxError) as info:
        expressions.parse("a == 'x'\n  and and b")
    assert (info.value.line, info.value.col) == (2, 7)


def test_unexpected_end_on_a_later_line() -> None:
    with pytest.raises(expressions.ExpressionSyntaxError) as info:
        expressions.parse("a == 'x' and\n  b ==  \n")
    assert (info.value.line, info.value.col) == (2, 7)
    assert "unexpected end of expression" in info.value.message


def test_unknown_name_suggests_a_column() -> None:
    with pytest.raises(compiler.CompileError) as info:
        _compile({"expr": "exp_typ == 'x'", "columns": ["exp_type", "filename"]})
    assert "did you mean 'exp_type'?" in info.value.message


def test_unknown_function_suggests_a_function() -> None:
    with pytest.raises(compiler.CompileError) as info:
        _compile({"expr": "regx(a, 'x')"})
    assert "did you mean 'regex'?" in info.value.message


def test_columns_used_are_recorded() -> None:
    comp = compiler.Compiler(_definitions())
    comp.compile(expressions.parse("exp_type in image and regex(visitype, 'x') and not bkgdtarg"))
    assert set(comp.columns_used) == {"exp_type", "visitype", "bkgdtarg"}


def test_default_not_set() -> None:
    fn = compiler.Compiler(compiler.Definitions()).compile(expressions.parse("not flag"))
    # 'f' is set unless the ruleset says otherwise
    assert fn(Scope({"flag": "f"})) is False
    assert fn(Scope({"flag": "null"})) is True


@pytest.mark.parametrize(
    ("text", "col", "hint"),
    [
        ("a AND b", 3, "write 'and', not 'AND'"),
        ("True", 1, "write 'true', not 'True'"),
        ("a == 1 Or b", 8, "write 'or', not 'Or'"),
        ("exp_type = 'nrc_image'", 10, "did you mean '=='?"),
        ("a == FALSE", 6, "write 'false', not 'FALSE'"),
        ("a Not in b", 3, "write 'not', not 'Not'"),
        ("a IN image", 3, "write 'in', not 'IN'"),
        ("'x' if a Else 'y'", 10, "write 'else', not 'Else'"),
    ],
)
def test_syntax_error_hints(text: str, col: int, hint: str) -> None:
    with pytest.raises(expressions.ExpressionSyntaxError) as info:
        expressions.parse(text)
    assert (info.value.col, info.value.message.split("; ")[-1].endswith(hint)) == (col, True)


@pytest.mark.parametrize("width", ["width", "'3'", "'x'"])
def test_pad_width_that_is_not_a_number_is_a_type_error(width: str) -> None:
    with pytest.raises(compiler.CompileError) as info:
        _compile({"expr": f"pad(program, {width})"})
    assert (info.value.code, info.value.col) == ("ASN223", 14)


@pytest.mark.parametrize(
    ("width", "padded"), [(5, "00001"), (2.5, "01"), ("3", "001"), ("x", "1"), (None, "1")]
)
def test_pad_width_at_run_time(width: object, padded: str) -> None:
    """A width of unknown type (say a member field) that is no number pads nothing."""
    assert FUNCTIONS["pad"].impl("1", width) == padded
