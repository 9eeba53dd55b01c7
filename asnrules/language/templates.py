"""Name templates: text with ``{expression}`` placeholders, compiled in association context.

A placeholder naming a template of the ruleset is that template; ``{{`` and ``}}`` stand
for literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from asnrules.engine.values import as_text
from asnrules.language import expressions as ex
from asnrules.language.compiler import Compiled, CompileError
from asnrules.language.documents import Located
from asnrules.language.functions import ASSOCIATION
from asnrules.language.loadstate import LoadState


def compile_template(
    state: LoadState,
    templates: dict[str, Located],
    where: Located,
    attributes: Iterable[str],
    roles: Iterable[str],
    seen: tuple[str, ...] = (),
) -> Compiled | None:
    """Compile the template at ``where``; ``None`` (reported) when it is wrong.

    Parameters
    ----------
    state : LoadState
        Where problems are reported.
    templates : dict
        The ruleset's named templates.
    where : Located
        The template text.
    attributes, roles : iterable of str
        Names visible in its placeholders.
    seen : tuple of str
        Templates being expanded (a template naming itself is read as an expression).
    """
    text = str(where.value)
    parts: list[Compiled] = []
    for kind, piece, offset in split_template(text):
        if kind == "error":
            state.report(where, "ASN304", piece, 1, offset + 1)
            return None
        if kind == "text":
            parts.append(_text(piece))
            continue
        name = piece.strip().lower()
        if not name:
            state.report(where, "ASN304", "empty placeholder '{}' in template", 1, offset)
            return None
        if name in templates and name not in seen:
            inner = compile_template(
                state, templates, templates[name], attributes, roles, (*seen, name)
            )
            if inner is None:
                return None
            parts.append(inner)
            continue
        try:
            node = ex.parse(piece)
            compiled = state.compiler.compile(node, ASSOCIATION, attributes, roles)
        except (ex.ExpressionSyntaxError, CompileError) as exc:
            state.report(where, exc.code, exc.message, 1, offset + exc.col)
            return None
        parts.append(compiled)
    return lambda s: "".join(as_text(p(s)) for p in parts)


def _text(text: str) -> Compiled:
    """A template part that is plain text."""
    return lambda s: text


_TEMPLATE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def split_template(text: str) -> list[tuple[str, str, int]]:
    """Split a template into ('text', str, offset) and ('expr', source, offset) parts."""
    parts: list[tuple[str, str, int]] = []
    pos = 0
    for m in _TEMPLATE.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos : m.start()], pos))
        token = m.group(0)
        if token == "{{":
            parts.append(("text", "{", m.start()))
        elif token == "}}":
            parts.append(("text", "}", m.start()))
        elif token in ("{", "}"):
            return [
                (
                    "error",
                    f"unbalanced {token!r} in template (write {token * 2} for a literal brace)",
                    m.start(),
                )
            ]
        else:
            parts.append(("expr", m.group(1), m.start() + 1))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:], pos))
    return parts
