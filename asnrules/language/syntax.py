"""The Lark side of expression parsing: the LALR parser and its tree turned into nodes.

Imported only when an expression must be parsed anew (not found in the parse cache), so
that loading rules from the compiled-ruleset cache never imports Lark.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer_NonRecursive, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from asnrules.language.expressions import (
    KEYWORDS,
    Attribute,
    BoolOp,
    Call,
    Compare,
    Concat,
    Conditional,
    ExpressionSyntaxError,
    Index,
    ListLit,
    Literal,
    Name,
    Node,
    Not,
    TupleLit,
)
from asnrules.resources import data_dir


@cache
def _parser() -> Lark:
    grammar = (data_dir("grammar") / "expr.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def _pos(meta_or_token: object) -> tuple[int, int]:
    return getattr(meta_or_token, "line", 1) or 1, getattr(meta_or_token, "column", 1) or 1


@v_args(meta=True)
class _Build(Transformer_NonRecursive[Token, Node]):
    def name(self, meta: object, children: list[Token]) -> Node:
        return Name(*_pos(children[0]), str(children[0]).lower())

    def string(self, meta: object, children: list[Token]) -> Node:
        return Literal(*_pos(children[0]), _unquote(str(children[0])))

    def number(self, meta: object, children: list[Token]) -> Node:
        text = str(children[0])
        return Literal(*_pos(children[0]), float(text) if "." in text else int(text))

    def true(self, meta: object, children: list[Token]) -> Node:
        return Literal(*_pos(meta), True)

    def false(self, meta: object, children: list[Token]) -> Node:
        return Literal(*_pos(meta), False)

    def arguments(self, meta: object, children: list[Node]) -> tuple[Node, ...]:
        return tuple(children)

    def list_(self, meta: object, children: list[tuple[Node, ...] | None]) -> Node:
        return ListLit(*_pos(meta), children[0] or ())

    def tuple_(self, meta: object, children: list[Any]) -> Node:
        first: Node = children[0]
        rest: tuple[Node, ...] = children[1] or ()
        return TupleLit(*_pos(meta), (first, *rest))

    def call(self, meta: object, children: list[object]) -> Node:
        function, args = children
        return Call(*_pos(function), str(function).lower(), args or ())  # type: ignore[arg-type]

    def index(self, meta: object, children: list[Node]) -> Node:
        return Index(*_pos(meta), children[0], children[1])

    def attribute(self, meta: object, children: list[object]) -> Node:
        target, field = children
        return Attribute(*_pos(meta), target, str(field).lower())  # type: ignore[arg-type]

    def not_(self, meta: object, children: list[Node]) -> Node:
        return Not(*_pos(meta), children[0])

    def and_(self, meta: object, children: list[Node]) -> Node:
        return BoolOp(*_pos(meta), "and", children[0], children[1])

    def or_(self, meta: object, children: list[Node]) -> Node:
        return BoolOp(*_pos(meta), "or", children[0], children[1])

    def compare(self, meta: object, children: list[object]) -> Node:
        left, op, right = children
        return Compare(*_pos(meta), str(op), left, right)  # type: ignore[arg-type]

    def in_(self, meta: object, children: list[Node]) -> Node:
        return Compare(*_pos(meta), "in", children[0], children[1])

    def not_in(self, meta: object, children: list[Node]) -> Node:
        return Compare(*_pos(meta), "notin", children[0], children[1])

    def concat(self, meta: object, children: list[Node]) -> Node:
        return Concat(*_pos(meta), children[0], children[1])

    def conditional(self, meta: object, children: list[Node]) -> Node:
        body, test, orelse = children
        return Conditional(*_pos(meta), body, test, orelse)


def _unquote(token: str) -> str:
    """String literals are raw, as regular expressions want: only the quote is escaped."""
    quote = token[0]
    return token[1:-1].replace("\\" + quote, quote)


_TOKEN_NAMES = {
    "NAME": "a name",
    "STRING": "a string",
    "NUMBER": "a number",
    "COMPARE": "a comparison",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "DOT": "'.'",
    "PLUS": "'+'",
    "$END": "end of expression",
}


def _describe(expected: set[str]) -> str:
    names = sorted({_TOKEN_NAMES.get(e, repr(e.lower()) if e.isalpha() else e) for e in expected})
    if len(names) > 6:
        return "an operand or operator"
    return ", ".join(names)


def parse_tree(text: str) -> Node:
    """Parse ``text`` with the LALR parser into a tree of nodes (depth not yet checked).

    Raises
    ------
    ExpressionSyntaxError
        With a readable message and the 1-based position inside ``text``.
    """
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF as exc:
        line, col = _end_of(text)
        raise ExpressionSyntaxError(
            f"unexpected end of expression; expected {_describe(set(exc.expected))}", line, col
        ) from None
    except UnexpectedToken as exc:
        if exc.token.type == "$END":
            line, col = _end_of(text)
            raise ExpressionSyntaxError(
                f"unexpected end of expression; expected {_describe(exc.expected)}", line, col
            ) from None
        raise ExpressionSyntaxError(
            f"unexpected {(exc.token.type == 'NAME' and 'name') or 'token'} {str(exc.token)!r}; "
            f"expected {_describe(exc.expected)}",
            exc.line,
            exc.column,
        ) from None
    except UnexpectedCharacters as exc:
        raise ExpressionSyntaxError(
            f"unexpected character {text_at(text, exc)!r}{_hint(text, exc)}",
            exc.line,
            exc.column,
        ) from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark errors
        raise ExpressionSyntaxError(
            str(exc), getattr(exc, "line", 1), getattr(exc, "column", 1)
        ) from None
    node = tree if isinstance(tree, Node) else _Build().transform(tree)
    if isinstance(node, Tree):  # pragma: no cover - grammar always reduces
        raise ExpressionSyntaxError("could not parse expression", 1, 1)
    node = tree if isinstance(tree, Node) else _Build().transform(tree)
    if isinstance(node, Tree):  # pragma: no cover - grammar always reduces
        raise ExpressionSyntaxError("could not parse expression", 1, 1)
    return node


def _hint(text: str, exc: UnexpectedCharacters) -> str:
    """A likely fix for a character error: ``=`` for ``==``, an upper-case keyword."""
    lines = text.split("\n")
    rest = lines[exc.line - 1][exc.column - 1 :] if 0 < exc.line <= len(lines) else ""
    if rest.startswith("=") and not rest.startswith("=="):
        return "; did you mean '=='?"
    word = re.match(r"[A-Za-z_]+", rest)
    if word and word.group(0).lower() in KEYWORDS:
        keyword = word.group(0)
        return f"; keywords are lower-case: write {keyword.lower()!r}, not {keyword!r}"
    return ""


def text_at(text: str, exc: UnexpectedCharacters) -> str:
    """Return the character an :class:`UnexpectedCharacters` error points at."""
    pos = exc.pos_in_stream
    return text[pos] if pos is not None and 0 <= pos < len(text) else ""


def _end_of(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    lines = stripped.split("\n") if stripped else [""]
    return len(lines), len(lines[-1]) + 1
