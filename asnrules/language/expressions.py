"""Parse constraint expressions into a small, positioned abstract syntax tree.

The syntax is defined only by ``grammar/expr.lark``; :mod:`asnrules.language.syntax`
builds the LALR parser (importing Lark only when an expression is not in the parse
cache) and turns Lark's tree into the frozen dataclasses of this module, which carry the
1-based line and column (inside the expression text) of each node. Names are not resolved here:
see :mod:`asnrules.language.compiler`.

Expressions are bounded (see "Limits" in docs/cli.md): their length before parsing, and
the depth of the tree after it; the tree is built without recursion, so the bound is
checked before anything recursive (compiling, evaluating) sees the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from asnrules.language import parsecache

MAX_LENGTH = 10_000
"""Longest expression, in characters (ASN210)."""
MAX_DEPTH = 100
"""Deepest expression tree (ASN211): ``a or b or c`` is 3 deep, ``f(g(x))`` 3 deep."""


@dataclass(frozen=True)
class Node:
    """Base of all expression nodes; ``line`` and ``col`` are 1-based in the expression."""

    line: int
    col: int


@dataclass(frozen=True)
class Name(Node):
    """A column, definition or shared-attribute name."""

    name: str


@dataclass(frozen=True)
class Literal(Node):
    """A string, number or boolean constant (a number with a decimal point is a float)."""

    value: str | int | float | bool


@dataclass(frozen=True)
class ListLit(Node):
    """``[a, b, ...]``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class TupleLit(Node):
    """``(a, b, ...)``: used for membership in tables of tuples."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call(Node):
    """``function(arguments)``."""

    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Index(Node):
    """``mapping[key]``."""

    target: Node
    key: Node


@dataclass(frozen=True)
class Attribute(Node):
    """``object.field``: a member role's field or the candidate's id/type."""

    target: Node
    field: str


@dataclass(frozen=True)
class Not(Node):
    """``not operand``."""

    operand: Node


@dataclass(frozen=True)
class BoolOp(Node):
    """``left and right`` / ``left or right``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    """``left op right`` with op one of ``== != < <= > >= in notin``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Concat(Node):
    """``left + right``: string concatenation."""

    left: Node
    right: Node


@dataclass(frozen=True)
class Conditional(Node):
    """``body if test else orelse``."""

    body: Node
    test: Node
    orelse: Node


class ExpressionSyntaxError(Exception):
    """A syntax error (or a passed limit, by ``code``) at a 1-based ``line``/``col``."""

    def __init__(self, message: str, line: int, col: int, code: str = "ASN201") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.code = code


def parse(text: str) -> Node:
    """Parse one expression.

    Parameters
    ----------
    text : str
        The expression source.

    Returns
    -------
    Node
        Root of the syntax tree.

    Raises
    ------
    ExpressionSyntaxError
        With a readable message and the 1-based position inside ``text``; code ASN210
        or ASN211 when the expression is longer or deeper than the limits.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionSyntaxError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}: "
            "split it into named conditions",
            1,
            1,
            "ASN210",
        )
    cached = parsecache.lookup(text)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from asnrules.language.syntax import parse_tree  # Lark only for an expression not cached

    node = parse_tree(text)
    _check_depth(node)
    parsecache.remember(text, node)
    return node


KEYWORDS = ("and", "or", "not", "in", "if", "else", "true", "false")


def children(node: Node) -> list[Node]:
    """The direct sub-expressions of ``node``."""
    found: list[Node] = []
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            found.append(value)
        elif isinstance(value, tuple):
            found.extend(v for v in value if isinstance(v, Node))
    return found


def _check_depth(root: Node) -> None:
    """Raise ASN211 at the first node deeper than :data:`MAX_DEPTH` (walked without recursion)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionSyntaxError(
                f"expression nests more than {MAX_DEPTH} levels deep: "
                "split it into named conditions",
                node.line,
                node.col,
                "ASN211",
            )
        stack.extend((child, depth + 1) for child in reversed(children(node)))
