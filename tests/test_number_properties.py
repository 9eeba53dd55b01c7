"""Property tests of numbers, membership and types: decimal literals read back as the
numbers written, compare as Python compares them, a missing value is in nothing, and the
type checker raises nothing but located diagnostics."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnrules.engine.scope import Scope
from asnrules.language import expressions as ex
from asnrules.language.compiler import CompileError, Compiler, Definitions

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

NUMBERS = st.decimals(
    min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=3, allow_nan=False
)
WORDS = st.text(alphabet="abcxyz_01", min_size=1, max_size=5)


def _text(number: Decimal) -> str:
    """``number`` as a literal: integers without a point, others with it."""
    return str(int(number)) if number == number.to_integral_value() else f"{number:f}"


def _evaluate(text: str, row: dict[str, str]) -> object:
    return Compiler(Definitions()).compile(ex.parse(text))(Scope(row))


@FAST
@given(NUMBERS)
def test_a_number_literal_is_the_number_written(number: Decimal) -> None:
    node = ex.parse(_text(number))
    assert isinstance(node, ex.Literal) and (node.line, node.col) == (1, 1)
    assert node.value == float(number)
    assert isinstance(node.value, int) == ("." not in _text(number))


@FAST
@given(NUMBERS, NUMBERS, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
def test_a_column_compares_with_a_number_as_numbers(
    value: Decimal, literal: Decimal, op: str
) -> None:
    expected = {
        "<": value < literal,
        "<=": value <= literal,
        ">": value > literal,
        ">=": value >= literal,
        "==": value == literal,
        "!=": value != literal,
    }[op]
    row = {"x": f"{value:f}"}  # the pool's text: '1.500', '-0.250', '7'
    assert _evaluate(f"x {op} {_text(literal)}", row) is expected


@FAST
@given(WORDS, NUMBERS, st.sampled_from(["<", ">", "=="]))
def test_text_that_is_not_a_number_is_neither_equal_nor_ordered(
    word: str, literal: Decimal, op: str
) -> None:
    row = {"x": word + "z"}  # never a number
    assert _evaluate(f"x {op} {_text(literal)}", row) is False
    assert _evaluate(f"x != {_text(literal)}", row) is True


@FAST
@given(st.lists(WORDS, max_size=6), WORDS, st.booleans())
def test_a_missing_value_is_in_nothing(items: list[str], word: str, present: bool) -> None:
    listed = "[" + ", ".join(f"'{i}'" for i in items) + "]"
    row = {"x": word} if present else {}
    expected = present and word in items
    assert _evaluate(f"x in {listed}", row) is expected
    assert _evaluate(f"x not in {listed}", row) is (not expected)


@FAST
@given(WORDS, WORDS)
def test_text_on_the_right_of_in_at_run_time_holds_nothing(word: str, text: str) -> None:
    """``first_set(a, ['z'])`` is of unknown type at load; at run time it is the text ``a``."""
    row = {"x": word, "a": text}
    assert _evaluate("x in first_set(a, ['z'])", row) is False
    assert _evaluate("x not in first_set(a, ['z'])", row) is True


TOKENS = (
    "x y 'a' '01' 1 -2 1.5 -0.5 true [ ] ( ) , in not == < >= + if else and len pad regex "
    "first contains strip_suffix join l m t"
).split()


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=14))
def test_type_checking_raises_only_located_diagnostics(tokens: list[str]) -> None:
    text = " ".join(tokens)
    try:
        node = ex.parse(text)
    except ex.ExpressionSyntaxError as exc:
        assert exc.code.startswith("ASN2")
        return
    defs = Definitions(
        lists={"l": ("a", "1")}, maps={"m": {"a": "b"}}, tables={"t": frozenset({("a",)})}
    )
    try:
        Compiler(defs).compile(node)(Scope({"x": "a", "y": "1.5"}))
    except CompileError as exc:
        assert exc.code.startswith("ASN2") and exc.line >= 1 and exc.col >= 1
