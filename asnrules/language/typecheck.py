"""The static type checker of expressions: the type of a tree, and the type errors in it.

It runs when an expression is compiled (:mod:`asnrules.language.compiler`), before any
pool is read, so ``asnrules lint`` and every load report the errors, located at the
offending sub-expression. What a name means is the compiler's business: it is asked
through the ``resolve`` callback. Whatever is of type ``any`` passes every check, so only
certain mistakes are errors:

- ASN220: a text literal compared with a number (``'01' == 1``);
- ASN221: ``in`` with text, a number or a boolean on its right (``x in 'abc'``);
- ASN222: ``<``, ``<=``, ``>``, ``>=`` between two text literals;
- ASN223: a function given an argument of a type it does not take (``len(5)``).

(ASN224, a named condition that is not boolean, is the compiler's: it knows which
definitions are conditions.)
"""

from __future__ import annotations

from collections.abc import Callable

from asnrules.engine.scope import MEMBER
from asnrules.language import expressions as ex
from asnrules.language.functions import FUNCTIONS
from asnrules.language.types import CONTAINER, Type, common, describe

Resolve = Callable[[ex.Name, str], Type]
"""The type of a name in a context (``row``, ``member``, ``association``)."""

TEXT_NUMBER = "ASN220"
IN_NOT_CONTAINER = "ASN221"
TEXT_ORDER = "ASN222"
ARGUMENT_TYPE = "ASN223"
CONDITION_NOT_BOOL = "ASN224"

ORDERING = ("<", "<=", ">", ">=")
MEMBER_ARGUMENTS = ("count", "distinct")
"""Functions whose argument is read in member context."""


class TypeCheckError(Exception):
    """A type error at a 1-based ``line``/``col`` of the expression text."""

    def __init__(self, code: str, message: str, node: ex.Node) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = node.line
        self.col = node.col


def infer(node: ex.Node, context: str, resolve: Resolve) -> Type:
    """Return the type of ``node``, checking it and every sub-expression.

    Parameters
    ----------
    node : Node
        Parsed expression.
    context : str
        Where it is evaluated (``row``, ``member`` or ``association``).
    resolve : callable
        The type of a name in a context.

    Raises
    ------
    TypeCheckError
        At the first type error, in evaluation order.
    """
    return _Checker(resolve).type(node, context)


def _kind(node: ex.Node, kind: Type) -> str:
    """A phrase naming ``node``'s type for messages: ``text 'abc'``, ``a number``."""
    if isinstance(node, ex.Literal):
        return f"{kind.value} {_shown(node)}"
    return {Type.TEXT: "text", Type.NUMBER: "a number", Type.BOOL: "true/false"}.get(
        kind, f"a {kind.value}"
    )


def _shown(node: ex.Node) -> str:
    value = getattr(node, "value", None)
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _text_literal(node: ex.Node) -> bool:
    return isinstance(node, ex.Literal) and isinstance(node.value, str)


class _Checker:
    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve

    def type(self, node: ex.Node, context: str) -> Type:
        method: Callable[[ex.Node, str], Type] = getattr(self, "_" + type(node).__name__.lower())
        return method(node, context)

    def _literal(self, node: ex.Literal, context: str) -> Type:
        if isinstance(node.value, bool):
            return Type.BOOL
        return Type.TEXT if isinstance(node.value, str) else Type.NUMBER

    def _name(self, node: ex.Name, context: str) -> Type:
        return self.resolve(node, context)

    def _listlit(self, node: ex.ListLit, context: str) -> Type:
        for item in node.items:
            self.type(item, context)
        return Type.LIST

    def _tuplelit(self, node: ex.TupleLit, context: str) -> Type:
        for item in node.items:
            self.type(item, context)
        return Type.TUPLE

    def _attribute(self, node: ex.Attribute, context: str) -> Type:
        target = self.type(node.target, context)
        return Type.TEXT if target in (Type.CANDIDATE, Type.MAP) else Type.ANY

    def _index(self, node: ex.Index, context: str) -> Type:
        target = self.type(node.target, context)
        self.type(node.key, context)
        return Type.TEXT if target is Type.MAP else Type.ANY

    def _not(self, node: ex.Not, context: str) -> Type:
        self.type(node.operand, context)
        return Type.BOOL

    def _boolop(self, node: ex.BoolOp, context: str) -> Type:
        self.type(node.left, context)
        self.type(node.right, context)
        return Type.BOOL

    def _concat(self, node: ex.Concat, context: str) -> Type:
        left, right = self.type(node.left, context), self.type(node.right, context)
        sequences = {Type.LIST, Type.TUPLE}
        if left in sequences and right in sequences:
            return Type.TUPLE if left is right is Type.TUPLE else Type.LIST
        if Type.ANY in (left, right) and {left, right} <= sequences | {Type.ANY}:
            return Type.ANY
        return Type.TEXT

    def _conditional(self, node: ex.Conditional, context: str) -> Type:
        body = self.type(node.body, context)
        self.type(node.test, context)
        return common((body, self.type(node.orelse, context)))

    def _compare(self, node: ex.Compare, context: str) -> Type:
        left, right = self.type(node.left, context), self.type(node.right, context)
        if node.op in ("in", "notin"):
            if right not in CONTAINER and right is not Type.ANY:
                fix = "; to look for a part of a text use contains(text, part)"
                raise TypeCheckError(
                    IN_NOT_CONTAINER,
                    f"'in' needs a list, tuple, set, map or table on its right, not "
                    f"{_kind(node.right, right)}" + (fix if right is Type.TEXT else ""),
                    node.right,
                )
            return Type.BOOL
        for text, other, kind in ((node.left, node.right, right), (node.right, node.left, left)):
            if _text_literal(text) and kind is Type.NUMBER:
                raise TypeCheckError(
                    TEXT_NUMBER,
                    f"text {_shown(text)} compared with {_kind(other, kind)}: "
                    "write both as numbers or both as text",
                    text,
                )
        if node.op in ORDERING and _text_literal(node.left) and _text_literal(node.right):
            raise TypeCheckError(
                TEXT_ORDER,
                f"{node.op!r} between text {_shown(node.left)} and {_shown(node.right)}: "
                "'<', '<=', '>' and '>=' compare numbers, and text that is not a number is "
                "never ordered",
                node,
            )
        return Type.BOOL

    def _call(self, node: ex.Call, context: str) -> Type:
        function = FUNCTIONS.get(node.function)
        inner = MEMBER if node.function in MEMBER_ARGUMENTS else context
        kinds = [self.type(arg, inner) for arg in node.args]
        n = len(node.args)
        if function is None or n < function.min_args or -1 < function.max_args < n:
            return Type.ANY  # the compiler reports the unknown function or the arity
        params = function.params
        for i, (arg, kind) in enumerate(zip(node.args, kinds, strict=True)):
            if not params:
                break
            param = params[min(i, len(params) - 1)]
            if i >= len(params) and not param.repeated:
                break
            if kind is not Type.ANY and kind not in param.accepts:
                raise TypeCheckError(
                    ARGUMENT_TYPE,
                    f"{function.name}() argument {i + 1} ({param.name}) must be "
                    f"{describe(param.accepts)}, not {_kind(arg, kind)}",
                    arg,
                )
        if function.result_of_arguments:
            return common(kinds)
        return function.result
