"""Text edits for ``asnrules upgrade``: source spans of YAML nodes, and names in expressions.

The upgrade rewrites a rule file by editing its text at the spans PyYAML's composed nodes
give, so that every comment and every line the change does not touch stays as written.
:class:`Edits` collects replacements of half-open character spans and applies them;
:func:`rename_first` renames the 0.x name ``first`` inside one expression or template,
token by token (never inside a string literal, never a field after ``.``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml
from lark.exceptions import LarkError

from asnrules.language.syntax import _parser

ROW = "row"
"""Expression context without association built-ins: only ``first(`` is renamed."""
ASSOCIATION = "association"
"""Association context: a bare ``first`` is the first member, ``first_member`` in 1.0."""
TEMPLATE = "template"
"""A template: association-context expressions between braces, text around them."""

_FIRST = re.compile(r"(?<![A-Za-z0-9_])first(?![A-Za-z0-9_])", re.IGNORECASE)
_TEMPLATE_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}#]|: |^[-?:!&*|>'\"%@`]")


@dataclass
class Edits:
    """Replacements of spans of one text, applied all at once.

    Spans must not overlap; an edit may be taken back by :meth:`render` into a larger
    replacement that contains it.
    """

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def newline(self) -> str:
        """The file's line break."""
        return "\r\n" if "\r\n" in self.text else "\n"

    def add(self, start: int, end: int, new: str) -> None:
        """Replace ``text[start:end]`` by ``new``."""
        edit = (start, end, new)
        if self.text[start:end] != new and edit not in self.spans:  # an alias: one node, once
            self.spans.append(edit)

    def render(self, start: int, end: int) -> str:
        """``text[start:end]`` with the edits inside it applied; those edits are consumed."""
        inside = sorted(e for e in self.spans if start <= e[0] and e[1] <= end)
        self.spans = [e for e in self.spans if not (start <= e[0] and e[1] <= end)]
        return _apply(self.text[start:end], [(s - start, e - start, n) for s, e, n in inside])

    def result(self) -> str:
        """The text with every edit applied."""
        return _apply(self.text, sorted(self.spans))

    def node_text(self, node: yaml.Node) -> str:
        """The source text of ``node``, with the edits inside it applied."""
        return self.render(node.start_mark.index, node.end_mark.index)

    def line_start(self, index: int) -> int:
        """The index where the line holding ``index`` starts."""
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """The index just after the line break ending the line holding ``index``."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def dash(self, item: yaml.Node) -> int:
        """The index of the ``-`` introducing a block sequence item."""
        i = item.start_mark.index - 1
        while i > 0 and self.text[i] in " \t":
            i -= 1
        return i

    def alone_on_lines(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` has only blanks before it and a comment after it."""
        before = self.text[self.line_start(start) : start]
        after = self.text[end : self.line_end(end)].strip()
        return not before.strip() and (not after or after.startswith("#"))


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def flow_scalar(source: str, node: yaml.ScalarNode, value: str) -> str:
    """A scalar's text fit for a flow collection: its source if safe there, else quoted.

    ``source`` is the node's (edited) source and ``value`` its (edited) value.
    """
    if "\n" not in source and (
        node.style in ("'", '"') or (not node.style and not _FLOW_UNSAFE.search(source))
    ):
        return source
    return json.dumps(value)


def _renames(expression: str, context: str) -> dict[int, str]:
    """Offsets in ``expression`` of the names ``first`` to rename, with their 1.0 names."""
    try:
        tokens = list(_parser().lex(expression))
    except LarkError:
        return {}
    found: dict[int, str] = {}
    for i, token in enumerate(tokens):
        if token.type != "NAME" or token.value.lower() != "first":
            continue
        if i and tokens[i - 1].type == "DOT":
            continue  # a field: x.first
        following = tokens[i + 1].type if i + 1 < len(tokens) else ""
        at = token.start_pos or 0
        if following == "LPAR":
            found[at] = "first_set"
        elif context != ROW:
            found[at] = "first_member"
    return found


def _renames_in(value: str, context: str) -> dict[int, str]:
    if context != TEMPLATE:
        return _renames(value, context)
    found: dict[int, str] = {}
    for m in _TEMPLATE_PART.finditer(value):
        if m.group(1) is not None:
            offset = m.start(1)
            for pos, new in _renames(m.group(1), ASSOCIATION).items():
                found[offset + pos] = new
    return found


def rename_first(value: str, context: str) -> list[str | None]:
    """For each word ``first`` of ``value`` in order, its 1.0 spelling, or None to keep it.

    Parameters
    ----------
    value : str
        An expression, or a template when ``context`` is :data:`TEMPLATE`.
    context : str
        :data:`ROW`, :data:`ASSOCIATION` or :data:`TEMPLATE`.
    """
    found = _renames_in(value, context)
    return [found.get(m.start()) for m in _FIRST.finditer(value)]


def renamed_value(value: str, context: str) -> str:
    """``value`` with the names of :func:`rename_first` replaced."""
    names = iter(rename_first(value, context))
    return _FIRST.sub(lambda m: next(names) or m.group(0), value)


def rename_in_scalar(edits: Edits, node: yaml.Node, context: str) -> None:
    """Add the edits renaming ``first`` inside the scalar ``node`` (an expression or template).

    The words ``first`` of the value and of its source correspond one to one (quoting and
    folding neither make nor break words); when they do not, the whole scalar is replaced
    by a double-quoted one.
    """
    if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
        return
    names = rename_first(node.value, context)
    if not any(names):
        return
    start, end = node.start_mark.index, node.end_mark.index
    matches = list(_FIRST.finditer(edits.text, start, end))
    if len(matches) != len(names):
        edits.add(start, end, json.dumps(renamed_value(node.value, context)))
        return
    for m, new in zip(matches, names, strict=True):
        if new:
            edits.add(m.start(), m.end(), new)
