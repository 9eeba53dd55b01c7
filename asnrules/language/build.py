"""Build the closure of an expression tree: names resolved, patterns compiled, nesting bounded.

:class:`Builder` walks one tree for :class:`~asnrules.language.compiler.Compiler` in one
evaluation context, raising :class:`CompileError` at the first problem it meets; the
result is a function of a :class:`~asnrules.engine.scope.Scope`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from asnrules.engine.scope import MEMBER, MEMBER_READ, Compiled, Scope
from asnrules.engine.values import as_number, as_text, same
from asnrules.language import expressions as ex
from asnrules.language.functions import ASSOCIATION, FUNCTIONS, ROW
from asnrules.language.regexcheck import unsafe_reason
from asnrules.language.suggest import did_you_mean

if TYPE_CHECKING:
    from asnrules.language.compiler import Compiler

ASSOCIATION_BUILTINS = (
    "candidate",
    "asn_type",
    "asn_rule",
    "version_id",
    "pool_name",
    "constraints",
    "code_version",
    "product",
    "sequence",
    "first_member",
)
"""Names every association-context expression can use."""

MAX_DEPTH = 200
"""Deepest an expression may nest once the named definitions it uses are counted in
(ASN211): evaluation recurses once or twice per level."""


class CompileError(Exception):
    """A semantic error at a 1-based position of the expression text."""

    def __init__(self, code: str, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.col = col
        self.definition: str | None = None
        """Name of the named condition or value the error is in, if any."""


def _field(obj: Any, name: str) -> Any:
    """Field ``name`` of a member, a member's fields or any object with ``get``."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, "get", lambda f: None)(name)


class Builder:
    """Builds the closure of one expression tree in one context, checking as it goes."""

    def __init__(
        self, compiler: Compiler, context: str, attributes: frozenset[str], roles: frozenset[str]
    ):
        self.compiler = compiler
        self.defs = compiler.definitions
        self.context = context
        self.attributes = attributes
        self.roles = roles
        self.level = 0
        self.deepest = 0

    def build(self, node: ex.Node) -> Compiled:
        """The closure of ``node`` (raises :class:`CompileError` at a problem)."""
        method = getattr(self, "_" + type(node).__name__.lower())
        self.level += 1
        self.deepest = max(self.deepest, self.level)
        try:
            return method(node)  # type: ignore[no-any-return]
        finally:
            self.level -= 1

    def _below(self, depth: int) -> None:
        """Count ``depth`` more levels below the current node (a definition, an argument)."""
        self.deepest = max(self.deepest, self.level + depth)

    def _literal(self, node: ex.Literal) -> Compiled:
        value = node.value
        return lambda s: value

    def _listlit(self, node: ex.ListLit) -> Compiled:
        items = [self.build(i) for i in node.items]
        return lambda s: [i(s) for i in items]

    def _tuplelit(self, node: ex.TupleLit) -> Compiled:
        items = [self.build(i) for i in node.items]
        return lambda s: tuple(as_text(i(s)).lower() for i in items)

    def _name(self, node: ex.Name) -> Compiled:
        name = node.name
        defs = self.defs
        constant = defs.constant(name)
        if constant is not None:
            value = constant[1]
            return lambda s: value
        if self.context == ASSOCIATION:
            return self._association_name(node)
        if name == "member" and self.context == MEMBER:
            self.compiler._note_columns((MEMBER_READ + "*",))
            return lambda s: s.member
        if name == "member":
            raise CompileError(
                "ASN207", "'member' is only known in member fields and count()", node.line, node.col
            )
        if name in defs.expressions:
            context = MEMBER if self.context == MEMBER else ROW
            compiled = self.compiler.definition(name, node, context)
            self._below(self.compiler.depth(name, context))
            return compiled
        if defs.columns and name not in defs.columns and name not in defs.optional_columns:
            pool = defs.columns | defs.optional_columns
            raise CompileError(
                "ASN202",
                f"unknown name {name!r}{did_you_mean(name, pool | defs.names(), pool)} (in "
                f"{self.context} context the names are pool columns, lists, maps, tables, "
                "conditions and values"
                + (", and member fields as member.NAME)" if self.context == MEMBER else ")"),
                node.line,
                node.col,
            )
        self.compiler.columns_used.setdefault(name, 0)
        self.compiler._note_columns((name,))
        return lambda s: s.row.get(name)

    def _association_name(self, node: ex.Name) -> Compiled:
        name = node.name
        if name in self.attributes:
            return lambda s: s.asn.values(name)
        if name == "first_member":
            return lambda s: s.asn.first
        if name in ASSOCIATION_BUILTINS:
            return lambda s: s.asn.builtins.get(name)
        if name in self.roles:
            return lambda s: s.asn.first_of(name)
        if name in self.defs.expressions:
            raise CompileError(
                "ASN207",
                f"{name!r} is a row definition and cannot be used for a whole association; "
                "use it inside count(...) or share it as an attribute",
                node.line,
                node.col,
            )
        known = (
            set(self.attributes) | set(ASSOCIATION_BUILTINS) | set(self.roles) | self.defs.names()
        )
        pool = self.defs.columns | self.defs.optional_columns
        where = (
            f"{name!r} is a pool column, visible in row and member context; here read it "
            f"through a member (first_member.{name}) or an attribute"
            if name in pool
            else "in association context the names are attributes, roles, built-ins "
            "(first_member, candidate, asn_type, ...), lists, maps and tables"
        )
        if name == "first":  # rule language 0.x's name
            where = "the first member is 'first_member' in rule language 1.0"
        raise CompileError(
            "ASN202",
            f"unknown name {name!r}{did_you_mean(name, known)} ({where})",
            node.line,
            node.col,
        )

    def _attribute(self, node: ex.Attribute) -> Compiled:
        fieldname = node.field
        if self.context == MEMBER and isinstance(node.target, ex.Name):
            if node.target.name == "member":
                # one member field, not all of them (see MEMBER_READ)
                self.compiler._note_columns((MEMBER_READ + fieldname,))
                return lambda s: _field(s.member, fieldname)
        target = self.build(node.target)

        return lambda s: _field(target(s), fieldname)

    def _index(self, node: ex.Index) -> Compiled:
        target = self.build(node.target)
        key = self.build(node.key)

        def get(s: Scope) -> Any:
            mapping = target(s)
            k = key(s)
            if isinstance(mapping, dict):
                return mapping.get(as_text(k).lower())
            if isinstance(mapping, (list, tuple)) and isinstance(k, int):
                return mapping[k] if -len(mapping) <= k < len(mapping) else None
            return None

        return get

    def _not(self, node: ex.Not) -> Compiled:
        operand = self.build(node.operand)
        return lambda s: not s.truth(operand(s))

    def _boolop(self, node: ex.BoolOp) -> Compiled:
        left, right = self.build(node.left), self.build(node.right)
        if node.op == "and":
            return lambda s: s.truth(left(s)) and s.truth(right(s))
        return lambda s: s.truth(left(s)) or s.truth(right(s))

    def _concat(self, node: ex.Concat) -> Compiled:
        left, right = self.build(node.left), self.build(node.right)

        def concat(s: Scope) -> Any:
            a, b = left(s), right(s)
            if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
                return (*a, *b)
            return as_text(a) + as_text(b)

        return concat

    def _conditional(self, node: ex.Conditional) -> Compiled:
        body, test, orelse = self.build(node.body), self.build(node.test), self.build(node.orelse)
        return lambda s: body(s) if s.truth(test(s)) else orelse(s)

    def _compare(self, node: ex.Compare) -> Compiled:
        left, right = self.build(node.left), self.build(node.right)
        op = node.op
        if op == "==":
            return lambda s: same(left(s), right(s))
        if op == "!=":
            return lambda s: not same(left(s), right(s))
        if op in ("in", "notin"):
            negate = op == "notin"
            listed = self._constant_list(node.right)
            if listed is not None:
                member = _membership(listed)
                return lambda s: member(left(s)) != negate
            return lambda s: _contains(right(s), left(s)) != negate
        order = {
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }[op]

        def compare(s: Scope) -> bool:
            a, b = _number(left(s)), _number(right(s))
            if a is None or b is None:
                return False
            return bool(order(a, b))

        return compare

    def _constant_list(self, node: ex.Node) -> list[Any] | None:
        """The items of ``node`` when it is a list known when compiling.

        Such a list is named, written of literals, or a ``+`` of such lists.
        """
        if isinstance(node, ex.Name):
            constant = self.defs.constant(node.name)
            if constant is not None and isinstance(constant[1], (list, tuple)):
                return list(constant[1])
        if isinstance(node, ex.ListLit) and all(isinstance(i, ex.Literal) for i in node.items):
            return [i.value for i in node.items]  # type: ignore[attr-defined]
        if isinstance(node, ex.Concat):
            left, right = self._constant_list(node.left), self._constant_list(node.right)
            if left is not None and right is not None:
                return left + right
        return None

    def _call(self, node: ex.Call) -> Compiled:
        function = FUNCTIONS.get(node.function)
        if function is None:
            raise CompileError(
                "ASN203",
                f"unknown function {node.function!r}{did_you_mean(node.function, FUNCTIONS)}"
                f" (known functions: {', '.join(sorted(FUNCTIONS))})",
                node.line,
                node.col,
            )
        context = ROW if self.context == MEMBER else self.context
        if context not in function.contexts:
            raise CompileError(
                "ASN207",
                f"{node.function}() cannot be used in {self.context} context",
                node.line,
                node.col,
            )
        n = len(node.args)
        if n < function.min_args or (function.max_args >= 0 and n > function.max_args):
            expected = (
                f"{function.min_args}"
                if function.min_args == function.max_args
                else f"at least {function.min_args}"
                if function.max_args < 0
                else f"{function.min_args} to {function.max_args}"
            )
            raise CompileError(
                "ASN204",
                f"{node.function}() takes {expected} argument(s), {n} given",
                node.line,
                node.col,
            )
        args: list[Compiled] = []
        for i, arg in enumerate(node.args):
            if i == function.pattern_arg and function.compile_pattern is not None:
                if not (isinstance(arg, ex.Literal) and isinstance(arg.value, str)):
                    raise CompileError(
                        "ASN206",
                        f"the pattern of {node.function}() must be a literal string",
                        arg.line,
                        arg.col,
                    )
                try:
                    pattern = function.compile_pattern(arg.value)
                except re.error as exc:
                    raise CompileError(
                        "ASN205",
                        f"invalid pattern {arg.value!r}: {exc.msg}",
                        arg.line,
                        arg.col + 1 + (exc.pos or 0),
                    ) from None
                reason = unsafe_reason(pattern.pattern) if isinstance(pattern, re.Pattern) else None
                if reason:
                    raise CompileError(
                        "ASN212",
                        f"pattern {arg.value!r} may take exponential time: {reason}; "
                        "write it without the nested repetition",
                        arg.line,
                        arg.col + 1,
                    )
                args.append(_constant(pattern))
            elif function.name in ("count", "distinct"):
                inner = Builder(self.compiler, MEMBER, frozenset(), frozenset())
                args.append(inner.build(arg))
                self._below(inner.deepest)
            else:
                args.append(self.build(arg))
        impl = function.impl
        if function.lazy:
            return lambda s: impl(s, *args)
        if len(args) == 1:
            a0 = args[0]
            return lambda s: impl(a0(s))
        if len(args) == 2:
            a0, a1 = args
            return lambda s: impl(a0(s), a1(s))
        return lambda s: impl(*(a(s) for a in args))


def _constant(value: Any) -> Compiled:
    """A compiled expression that always gives ``value``."""
    return lambda s: value


def _number(value: Any) -> int | float | None:
    """``value`` as a number for ``<``/``>``: a set of one value is that value."""
    return as_number(value if isinstance(value, (int, float)) else as_text(value))


def _membership(container: list[Any]) -> Callable[[Any], bool]:
    """``item in container`` for a list known when compiling: its texts looked up at once."""
    texts = frozenset(as_text(c).lower() for c in container)
    numbers = any(isinstance(c, (int, float)) for c in container)

    def member(item: Any) -> bool:
        if numbers or not isinstance(item, (str, bool)):
            return _contains(container, item)
        return as_text(item).lower() in texts

    return member


def _contains(container: Any, item: Any) -> bool:
    """``item in container``: null is in nothing, and nothing is in text or a number."""
    if item is None or container is None or isinstance(container, (str, int, float, bool)):
        return False
    if isinstance(item, tuple):
        return item in container
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return any(same(c, item) for c in container)
    key = as_text(item).lower()
    if isinstance(container, dict):
        return key in container
    return any(
        as_text(c).lower() == key or (isinstance(c, (int, float)) and same(c, item))
        for c in container
    )
