"""``lint --pool``: the rules' literals and columns checked against what a pool holds.

Works on the expression trees the loader parsed (see :class:`~asnrules.language.documents.Parsed`):
a name that the compiler reads as a pool column, compared (``==``, ``!=``, ``in``,
``not in``) with a literal string or integer, or with the items of a list (written in
the expression or a named list), gives a warning when the pool never holds that value
in that column (ASN711), with the nearest values it does hold. A column the rules read
that the pool lacks is reported where it is first read (ASN712). Values compare as the
engine compares them: after the pool reader's lower-casing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from asnrules.diagnostics import Diagnostic, Severity
from asnrules.engine.ruleset import Ruleset
from asnrules.engine.values import same
from asnrules.io.pool import read_pool
from asnrules.language import expressions as ex
from asnrules.language.documents import Context, Located, Parsed
from asnrules.language.functions import ASSOCIATION
from asnrules.language.positions import expression_position
from asnrules.language.suggest import nearest

NEAREST = 3
"""Nearest pool values named in an ASN711 warning."""


@dataclass(frozen=True)
class PoolValues:
    """What a pool holds: its label and, per lower-case column, its distinct values."""

    label: str
    values: Mapping[str, frozenset[str]]

    @classmethod
    def read(cls, path: str | Path) -> PoolValues:
        """Read a pool file (errors raise :class:`~asnrules.diagnostics.AsnRulesError`)."""
        table = read_pool(path)
        return cls(str(path), {c: frozenset(str(v) for v in table[c]) for c in table.colnames})


@dataclass(frozen=True)
class _Names:
    """Names of one load that are not pool columns, and where named lists are written."""

    defined: frozenset[str]
    lists: Mapping[str, tuple[Located, tuple[str, ...]]]


def check_pool(ctx: Context, ruleset: Ruleset, pool: PoolValues, main: Path) -> list[Diagnostic]:
    """Return the ASN711/ASN712 warnings for the expressions of one load.

    Literals are checked in the expressions written in ``main`` (the file linted), with
    the items of the named lists they use wherever those are written; the expressions of
    included files are checked when those files are linted themselves (a shared file
    names values of data that one pool seldom all holds). A missing column is reported
    where first read: a required one wherever, an optional one (declared in
    ``optional_columns``, which pools often lack) only when ``main`` reads it.

    Parameters
    ----------
    ctx : Context
        The context the rules were loaded with (holds the parsed expressions).
    ruleset : Ruleset
        The loaded rules (their "not set" values and optional columns).
    pool : PoolValues
        What the pool holds.
    main : Path
        The file linted.
    """
    names = _names(ctx)
    own = {id(f.source) for f in ctx.files.values() if f is not None and _same(f.path, main)}
    found: dict[tuple[str, int, int, str], Diagnostic] = {}
    first_read: dict[str, Diagnostic] = {}
    for parsed in ctx.expressions:
        if parsed.context == ASSOCIATION:
            continue
        for node in _walk(parsed.node):
            if isinstance(node, ex.Name) and _is_column(node.name, names):
                optional = node.name in ruleset.optional_columns
                if optional and id(parsed.where.source) not in own:
                    continue
                if node.name not in pool.values and node.name not in first_read:
                    first_read[node.name] = _missing(parsed, node, ruleset, pool)
            elif isinstance(node, ex.Compare) and id(parsed.where.source) in own:
                for d in _compared(parsed, node, names, ruleset, pool):
                    found.setdefault((d.path, d.line, d.col, d.code), d)
    return sorted([*found.values(), *first_read.values()])


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _names(ctx: Context) -> _Names:
    defined: set[str] = set()
    lists: dict[str, tuple[Located, tuple[str, ...]]] = {}
    for f in ctx.files.values():
        if f is None:
            continue
        doc = f.document
        for kind in ("lists", "maps", "tables", "conditions", "values"):
            defined.update(k.lower() for k in getattr(doc, kind))
        for key, items in doc.lists.items():
            lists[key.lower()] = (Located(items, f.source, ("lists", key)), tuple(items))
    return _Names(frozenset(defined), lists)


def _is_column(name: str, names: _Names) -> bool:
    return name not in names.defined and name != "member"


def _walk(node: ex.Node) -> Iterator[ex.Node]:
    """Every node of the tree (iteratively: trees are bounded but may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for f in fields(current):
            value = getattr(current, f.name)
            if isinstance(value, ex.Node):
                stack.append(value)
            elif isinstance(value, tuple):
                stack.extend(v for v in value if isinstance(v, ex.Node))


def _compared(
    parsed: Parsed, node: ex.Compare, names: _Names, ruleset: Ruleset, pool: PoolValues
) -> Iterator[Diagnostic]:
    """Warnings for the literals ``node`` compares with a column the pool has."""
    if node.op not in ("==", "!=", "in", "notin"):
        return
    sides = [(node.left, node.right)]
    if node.op in ("==", "!="):
        sides.append((node.right, node.left))
    for column, other in sides:
        if not (isinstance(column, ex.Name) and _is_column(column.name, names)):
            continue
        held = pool.values.get(column.name)
        if held is None:
            continue
        if isinstance(other, ex.Literal):
            yield from _literal(parsed, other, column.name, held, ruleset, pool)
        elif isinstance(other, ex.ListLit) and node.op in ("in", "notin"):
            for item in other.items:
                if isinstance(item, ex.Literal):
                    yield from _literal(parsed, item, column.name, held, ruleset, pool)
        elif (
            isinstance(other, ex.Name)
            and other.name in names.lists
            and node.op
            in (
                "in",
                "notin",
            )
        ):
            where, items = names.lists[other.name]
            for i, text in enumerate(items):
                message = _absent(text, column.name, held, ruleset, pool)
                if message is not None:
                    at = Located(text, where.source, (*where.path, i))
                    yield _warning(at, "ASN711", message)


def _literal(
    parsed: Parsed,
    node: ex.Literal,
    column: str,
    held: frozenset[str],
    ruleset: Ruleset,
    pool: PoolValues,
) -> Iterator[Diagnostic]:
    if isinstance(node.value, bool):
        return
    message = _absent(node.value, column, held, ruleset, pool)
    if message is not None:
        yield _at_node(parsed, node, "ASN711", message)


def _absent(
    value: str | float, column: str, held: frozenset[str], ruleset: Ruleset, pool: PoolValues
) -> str | None:
    """The warning for ``value`` when ``column`` of the pool never holds it, else None.

    Values compare as the engine compares them (:func:`~asnrules.engine.values.same`): strings
    case-insensitively, a number with text as numbers.
    """
    text = str(value).lower()
    if text in ruleset.not_set or text in held or any(same(value, v) for v in held):
        return None
    present = sorted(v for v in held if v not in ruleset.not_set)
    close = nearest(text, present, count=NEAREST)
    if close:
        hint = "; nearest: " + ", ".join(repr(v) for v in close)
    elif present:
        shown = ", ".join(repr(v) for v in present[:NEAREST])
        more = f" and {len(present) - NEAREST} more" if len(present) > NEAREST else ""
        hint = f"; it holds {shown}{more}"
    else:
        hint = "; it holds no value there"
    return f"{str(value)!r} never occurs in column {column} of {pool.label}{hint}"


def _missing(parsed: Parsed, node: ex.Name, ruleset: Ruleset, pool: PoolValues) -> Diagnostic:
    if node.name in ruleset.optional_columns:
        effect = "an optional column: every row reads it as not set"
    else:
        effect = "generate stops with ASN402 on this pool"
    message = f"{pool.label} has no column {node.name!r}, read here ({effect})"
    return _at_node(parsed, node, "ASN712", message)


def _at_node(parsed: Parsed, node: ex.Node, code: str, message: str) -> Diagnostic:
    src = parsed.where.source
    pos = src.locate(parsed.where.path)
    line, col = expression_position(src, pos, str(parsed.where.value), node.line, node.col)
    return Diagnostic(src.path, line, col, code, message, Severity.WARNING, src.line_text(line))


def _warning(where: Located, code: str, message: str) -> Diagnostic:
    found = where.source.diagnostic(where.path, code, message)
    return replace(found, severity=Severity.WARNING)
