"""What the compilation of one rule file shares: its files, definitions and problems.

:class:`LoadState` reports located diagnostics and parses and compiles expressions,
noting the pool columns each one reads; the modules that compile attributes, templates,
roles and rules all work through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from asnrules.diagnostics import Diagnostic, Severity
from asnrules.engine.ruleset import Origin, Ruleset
from asnrules.language import expressions as ex
from asnrules.language.compiler import MEMBER, Compiled, CompileError, Compiler, Definitions
from asnrules.language.documents import Context, Located, Parsed, RuleFile
from asnrules.language.functions import ROW
from asnrules.language.positions import expression_position


class LoadState:
    """One rule file with its includes, being compiled into ``ruleset``.

    Parameters
    ----------
    files : list of RuleFile
        The includes, depth first, then the file itself (last).
    ctx : Context
        Where diagnostics and parsed expressions are collected.
    ruleset : Ruleset
        The ruleset the rules are compiled into.
    """

    def __init__(self, files: list[RuleFile], ctx: Context, ruleset: Ruleset) -> None:
        self.files = files
        self.main = files[-1]
        self.ctx = ctx
        self.ruleset = ruleset
        self.defs = Definitions()
        self.compiler = Compiler(self.defs, reads=ruleset.reads)
        self.expr_where: dict[str, Located] = {}
        self._reported: set[tuple[str, str, int, int]] = set()
        self._compiled: dict[tuple[Any, ...], Compiled] = {}

    # -- diagnostics ---------------------------------------------------------------------
    def report(
        self,
        where: Located,
        code: str,
        message: str,
        line: int = 1,
        col: int = 1,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Report a problem at ``line``/``col`` of the expression or value at ``where``."""
        src = where.source
        pos = src.locate(where.path)
        file_line, file_col = expression_position(src, pos, str(where.value), line, col)
        self.ctx.diagnostics.append(
            Diagnostic(
                src.path,
                file_line,
                file_col,
                code,
                message,
                severity,
                source_line=src.line_text(file_line),
            )
        )

    def at(
        self,
        where: Located,
        code: str,
        message: str,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Report a problem at the value at ``where`` (with ``key``: at its key)."""
        pos = where.source.locate(where.path, key=key)
        self.ctx.diagnostics.append(
            Diagnostic(
                where.source.path,
                pos.line,
                pos.col,
                code,
                message,
                severity,
                where.source.line_text(pos.line),
            )
        )

    def errors_since(self, count: int) -> bool:
        """Whether a problem was reported after the first ``count``."""
        return len(self.ctx.diagnostics) > count

    # -- expressions ---------------------------------------------------------------------
    def parse(self, where: Located) -> ex.Node | None:
        """The tree of the expression at ``where``; ``None`` (reported) on a syntax error."""
        try:
            return ex.parse(str(where.value))
        except ex.ExpressionSyntaxError as exc:
            self.report(where, exc.code, exc.message + _split_hint(where), exc.line, exc.col)
            return None

    def expr(
        self,
        where: Located,
        context: str = ROW,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> Compiled | None:
        """Parse and compile the expression at ``where``; ``None`` (reported) if wrong."""
        node = self.parse(where)
        return None if node is None else self.compile_node(node, where, context, attributes, roles)

    def compile_node(
        self,
        node: ex.Node,
        where: Located,
        context: str = ROW,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
    ) -> Compiled | None:
        """Compile a parsed expression, noting it and the columns it reads."""
        self.ctx.expressions.append(Parsed(where, node, context))
        before = set(self.compiler.columns_used)
        try:
            compiled = self.compiler.compile(node, context, attributes, roles)
        except CompileError as exc:
            self.report(where, exc.code, exc.message, exc.line, exc.col)
            return None
        self.record_columns(before, where)
        # the same written expression, compiled again for another rule (inherited), is
        # the same function: what the engine keeps by function is then shared
        key = (id(where.source), where.path, context, frozenset(attributes), frozenset(roles))
        return self._compiled.setdefault(key, compiled)

    def compile_named(self, name: str, where: Located) -> None:
        """Compile definition ``name`` now, so that its errors are reported where written."""
        before = set(self.compiler.columns_used)
        if name not in self.defs.expressions:
            return
        try:
            node = self.defs.expressions[name]
            if self.compiler.member_only(name):
                self.compiler.definition(name, node, MEMBER)
            else:
                self.compiler.definition(name, node)
        except CompileError as exc:
            owner = exc.definition or name
            key = (owner, exc.code, exc.line, exc.col)
            if key not in self._reported:
                self._reported.add(key)
                self.report(
                    self.expr_where.get(owner, where), exc.code, exc.message, exc.line, exc.col
                )
            self.defs.expressions.pop(name, None)
        self.record_columns(before, where)

    def record_columns(self, before: set[str], where: Located) -> None:
        """Note where each pool column read since ``before`` was first read."""
        for column in set(self.compiler.columns_used) - before:
            if (
                column not in self.ruleset.required_columns
                and column not in self.defs.optional_columns
            ):
                pos = where.source.locate(where.path)
                self.ruleset.required_columns[column] = f"{where.source.path}:{pos.line}:{pos.col}"


def origin(where: Located, text: str | None = None) -> Origin:
    """Where ``where`` is written, with its text (default: its value)."""
    pos = where.source.locate(where.path)
    shown = str(where.value) if text is None else text
    return Origin(shown, where.source.path, pos.line, pos.col)


def _split_hint(where: Located) -> str:
    """A hint when YAML split an item of a flow list at a comma inside the expression.

    ``select: [first_set(a, b) == 'x']`` is the two items ``first_set(a`` and
    ``b) == 'x'``: the first is reported with this hint.
    """
    text = str(where.value)
    if not where.path or not isinstance(where.path[-1], int) or "\n" in text:
        return ""
    if text.count("(") <= text.count(")") and text.count("[") <= text.count("]"):
        return ""
    pos = where.source.locate(where.path)
    rest = where.source.line_text(pos.line)[pos.col - 1 + len(text) :]
    if not rest.lstrip().startswith(","):
        return ""
    return (
        "; in a flow list [...] a comma ends the item: quote the item "
        '("...") or write the list as a block list (- item)'
    )
