"""Compile expression trees into Python closures, checking names, arity and patterns.

All checks happen here, before any pool row is seen: types are checked
(:mod:`asnrules.language.typecheck`), names are resolved against the ruleset's
definitions, functions against :data:`asnrules.functions.FUNCTIONS`, literal patterns
are compiled, and the columns an expression reads are recorded so that a pool lacking
one can be rejected up front. A compiled expression is a function of a
:class:`Scope`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from asnrules.engine.scope import MEMBER, MEMBER_READ, Compiled, columns_read, kept_by_columns
from asnrules.engine.values import DEFAULT_NOT_SET
from asnrules.language import expressions as ex
from asnrules.language import typecheck
from asnrules.language.build import ASSOCIATION_BUILTINS, MAX_DEPTH, Builder, CompileError
from asnrules.language.functions import ASSOCIATION, ROW
from asnrules.language.types import Type


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

    def constant(self, name: str) -> tuple[Type, object] | None:
        """The type and value of the list, map or table ``name`` (``None``: not one)."""
        for kind, named in (
            (Type.LIST, self.lists),
            (Type.MAP, self.maps),
            (Type.TABLE, self.tables),
        ):
            if name in named:
                return kind, named[name]
        return None


BUILTIN_TYPES = {
    "candidate": Type.CANDIDATE,
    "first_member": Type.MEMBER,
    "sequence": Type.NUMBER,
}
"""Types of the association built-ins that are not text."""


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
        builder = Builder(self, context, frozenset(attributes), frozenset(roles))
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
        """The type of a name, looked up as the :class:`Builder` looks it up."""
        name, defs = node.name, self.definitions
        constant = defs.constant(name)
        if constant is not None:
            return constant[0]
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
        read = self.reads[id(compiled)][1]
        if not any(c.startswith(MEMBER_READ) for c in read):
            # a function of the row's columns alone: the engine may keep its values
            compiled = kept_by_columns(compiled, tuple(sorted(read)))
            self.reads[id(compiled)] = (compiled, read)
        self._cache[key] = compiled
        self._depths[key] = depth
        self._types[key] = kind
        self._definition_reads[key] = read
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
