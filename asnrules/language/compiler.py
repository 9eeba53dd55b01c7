"""Compile expression trees into Python closures, checking names, arity and patterns.

All checks happen here, before any pool row is seen: types are checked
(:mod:`asnrules.language.typecheck`), names are resolved against the ruleset's
definitions, functions against :data:`asnrules.functions.FUNCTIONS`, literal patterns
are compiled, and the columns an expression reads are recorded so that a pool lacking
one can be rejected up front. A compiled expression is a function of a
:class:`Scope`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asnrules.engine.scope import MEMBER, MEMBER_READ, Compiled, Scope, columns_read
from asnrules.engine.values import DEFAULT_NOT_SET, as_number, as_text, same
from asnrules.language import expressions as ex
from asnrules.language import typecheck
from asnrules.language.functions import ASSOCIATION, FUNCTIONS, ROW
from asnrules.language.regexcheck import unsafe_reason
from asnrules.language.suggest import did_you_mean
from asnrules.language.types import Type

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


@dataclass
class Definitions:
    """Named, reusable definitions a ruleset offers to its expressions.

    Names are lower-case. ``expressions`` holds the parsed ``conditions`` and ``values``;
    ``conditions`` names those that must be boolean (ASN224).
    """

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)
    tables: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    expressions: dict[str, ex.Node] = field(default_factory=dict)
    conditions: frozenset[str] = frozenset()
    columns: frozenset[str] = frozenset()
    optional_columns: frozenset[str] = frozenset()
    not_set: frozenset[str] = DEFAULT_NOT_SET

    def names(self) -> set[str]:
        """Every defined name."""
        return set(self.lists) | set(self.maps) | set(self.tables) | set(self.expressions)


BUILTIN_TYPES = {
    "candidate": Type.CANDIDATE,
    "first_member": Type.MEMBER,
    "sequence": Type.NUMBER,
}
"""Types of the association built-ins that are not text."""

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


@dataclass
class Compiler:
    """Compiles expressions against one ruleset's definitions.

    Parameters
    ----------
    definitions : Definitions
        The ruleset's definitions.
    """

    definitions: Definitions
    columns_used: dict[str, int] = field(default_factory=dict)
    _cache: dict[str, Compiled] = field(default_factory=dict)
    _depths: dict[str, int] = field(default_factory=dict)
    _types: dict[str, Type] = field(default_factory=dict)
    _failed: set[str] = field(default_factory=set)
    """Definitions (``context:name``) that did not compile: of type ``any`` from then on."""
    _active: list[str] = field(default_factory=list)
    reads: dict[int, tuple[Compiled, frozenset[str]]] = field(default_factory=dict)
    """Columns each compiled expression may read, by ``id`` of its closure, the closure
    kept beside them (so that the ``id`` is never another's): named definitions it uses
    counted in (see :meth:`columns_read`)."""
    _reading: list[set[str]] = field(default_factory=list)
    _definition_reads: dict[str, frozenset[str]] = field(default_factory=dict)

    def columns_read(self, compiled: Compiled) -> frozenset[str] | None:
        """The pool columns ``compiled`` may read (``None``: not compiled here).

        A row-context expression is a function of these columns' values alone, so its
        result can be shared by every row that has the same values in them.
        """
        return columns_read(self.reads, compiled)

    def _note_columns(self, columns: Iterable[str]) -> None:
        if self._reading:
            self._reading[-1].update(columns)

    def compile(
        self,
        node: ex.Node,
        context: str = ROW,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> Compiled:
        """Compile ``node`` for ``context`` (``row``, ``member`` or ``association``).

        Parameters
        ----------
        node : Node
            Parsed expression.
        context : str
            Where it will be evaluated.
        attributes : iterable of str
            Association context: the shared/recorded attribute names.
        roles : iterable of str
            Association context: the member role names.
        """
        return self._compile(node, context, attributes, roles)[0]

    def _compile(
        self,
        node: ex.Node,
        context: str,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> tuple[Compiled, int, Type]:
        """Compile ``node``; return the closure, its depth (definitions counted in), its type."""
        kind = self.type_of(node, context, attributes, roles)
        builder = _Build(self, context, frozenset(attributes), frozenset(roles))
        self._reading.append(set())
        try:
            compiled = builder.build(node)
        finally:
            read = frozenset(self._reading.pop())
        self._note_columns(read)
        self.reads[id(compiled)] = (compiled, read)
        if builder.deepest > MAX_DEPTH:
            raise CompileError(
                "ASN211",
                f"with the named definitions it uses, this expression nests {builder.deepest} "
                f"levels deep; the limit is {MAX_DEPTH}",
                node.line,
                node.col,
            )
        return compiled, builder.deepest, kind

    def type_of(
        self,
        node: ex.Node,
        context: str = ROW,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> Type:
        """The static type of ``node`` (arguments as for :meth:`compile`).

        Raises
        ------
        CompileError
            At the first type error (ASN220-ASN224), or an error of a named definition
            the expression uses.
        """
        names, role_names = frozenset(attributes), frozenset(roles)

        def resolve(name: ex.Name, where: str) -> Type:
            return self._name_type(name, where, names, role_names)

        try:
            return typecheck.infer(node, context, resolve)
        except typecheck.TypeCheckError as exc:
            raise CompileError(exc.code, exc.message, exc.line, exc.col) from None

    def _name_type(
        self, node: ex.Name, context: str, attributes: frozenset[str], roles: frozenset[str]
    ) -> Type:
        """The type of a name, looked up as :class:`_Build` looks it up."""
        name, defs = node.name, self.definitions
        for kind, names in (
            (Type.LIST, defs.lists),
            (Type.MAP, defs.maps),
            (Type.TABLE, defs.tables),
        ):
            if name in names:
                return kind
        if context == ASSOCIATION:
            if name in attributes:
                return Type.SET
            if name in ASSOCIATION_BUILTINS:
                return BUILTIN_TYPES.get(name, Type.TEXT)
            return Type.MEMBER if name in roles else Type.ANY
        if name == "member":
            return Type.MEMBER if context == MEMBER else Type.ANY
        where = MEMBER if context == MEMBER else ROW
        if f"{where}:{name}" in self._failed:
            return Type.ANY
        if name in defs.expressions:
            self.definition(name, node, where)
            return self._types.get(f"{where}:{name}", Type.ANY)
        return Type.TEXT

    def definition(self, name: str, node: ex.Node, context: str = ROW) -> Compiled:
        """Compile (once per context) the named condition or value ``name``.

        A definition that reads ``member`` exists only in member context; using it in row
        context is an error at the place of use.
        """
        key = f"{context}:{name}"
        if key in self._cache:
            self._note_columns(self._definition_reads[key])
            return self._cache[key]
        if name in self._active:
            chain = " -> ".join([*self._active, name])
            raise CompileError(
                "ASN208", f"definition {name!r} refers to itself ({chain})", node.line, node.col
            )
        self._active.append(name)
        try:
            compiled, depth, kind = self._compile(self.definitions.expressions[name], context)
            self._boolean(name, kind)
        except CompileError as exc:
            self._failed.add(key)
            if context == ROW and exc.code == "ASN207" and self.member_only(name):
                raise CompileError(
                    "ASN207",
                    f"{name!r} reads member fields: use it in member fields or count()",
                    node.line,
                    node.col,
                ) from None
            if exc.definition is None:
                exc.definition = name
            raise
        finally:
            self._active.pop()
        self._cache[key] = compiled
        self._depths[key] = depth
        self._types[key] = kind
        self._definition_reads[key] = self.reads[id(compiled)][1]
        return compiled

    def _boolean(self, name: str, kind: Type) -> None:
        """Raise ASN224 when ``name`` is a condition of type ``kind`` that is not boolean."""
        if name not in self.definitions.conditions or kind in (Type.BOOL, Type.ANY):
            return
        node = self.definitions.expressions[name]
        fix = (
            f": to test that it is set write is_set({node.name})"
            if isinstance(node, ex.Name)
            else "; values that are not conditions go under 'values'"
        )
        raise CompileError(
            typecheck.CONDITION_NOT_BOOL,
            f"condition {name!r} gives {kind.value}, not true/false{fix}",
            node.line,
            node.col,
        )

    def depth(self, name: str, context: str = ROW) -> int:
        """Depth of a compiled definition, the definitions it uses counted in."""
        return self._depths.get(f"{context}:{name}", 0)

    def member_only(self, name: str) -> bool:
        """Whether definition ``name`` compiles only in member context (it reads ``member``)."""
        try:
            self.compile(self.definitions.expressions[name], MEMBER)
        except CompileError:
            return False
        return True


def _field(obj: Any, name: str) -> Any:
    """Field ``name`` of a member, a member's fields or any object with ``get``."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, "get", lambda f: None)(name)


class _Build:
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
        if name in defs.lists:
            items = defs.lists[name]
            return lambda s: items
        if name in defs.maps:
            mapping = defs.maps[name]
            return lambda s: mapping
        if name in defs.tables:
            table = defs.tables[name]
            return lambda s: table
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
                inner = _Build(self.compiler, MEMBER, frozenset(), frozenset())
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
