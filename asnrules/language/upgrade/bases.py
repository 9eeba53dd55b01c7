"""The second pass of ``asnrules upgrade``: rules marked ``abstract: true`` become bases.

In rule language 1.0 a rule that is only a base is written in the top-level ``bases:``
section. The moved rules keep their text (and the comment lines written just above
them); the ``abstract:`` line goes; the new section is written just before ``rules:``
and its comments, or replaces ``rules:`` when every rule was a base.
"""

from __future__ import annotations

import yaml

from asnrules.diagnostics import Diagnostic
from asnrules.language.positions import compose


def move_bases(text: str, display: str) -> tuple[str, list[Diagnostic]]:
    """Move the abstract rules of ``text`` into ``bases:``; return the text and any error."""
    root = compose(text)
    if not isinstance(root, yaml.MappingNode):
        return text, []
    top = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "rules" not in top:
        return text, []
    rules_key, rules = top["rules"]
    if not isinstance(rules, yaml.MappingNode):
        return text, []
    abstract = [(k, v) for k, v in rules.value if _abstract(v) is not None]
    if not abstract:
        return text, []
    where = abstract[0][0].start_mark
    if rules.flow_style or any(v.flow_style for _, v in abstract):
        message = "abstract rules written in flow style: move them to 'bases:' by hand"
        return text, [Diagnostic(display, where.line + 1, where.column + 1, "ASN112", message)]
    if "bases" in top:
        message = "the file has both 'bases:' and 'abstract: true' rules: merge them by hand"
        return text, [Diagnostic(display, where.line + 1, where.column + 1, "ASN112", message)]
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    moving: list[tuple[int, int, list[str]]] = []
    for key, value in abstract:
        first, last = _span(lines, key, value)
        flag = _abstract(value)
        assert flag is not None
        drop = range(flag[0].start_mark.line, flag[1].end_mark.line + 1)
        keep = [line for i, line in enumerate(lines[first:last], first) if i not in drop]
        moving.append((first, last, keep))
    chunks = [keep for _, _, keep in moving]
    for first, last, _ in reversed(moving):
        del lines[first : _swallow_blank(lines, last)]
    all_moved = len(moving) == len(rules.value)
    anchor = _comment_start(lines, rules_key.start_mark.line)
    section = ["bases:" + newline]
    for i, chunk in enumerate(chunks):
        section += chunk if i == 0 else [newline, *chunk]
    if all_moved:
        lines[rules_key.start_mark.line] = ""
        lines[rules_key.start_mark.line : rules_key.start_mark.line + 1] = section
    else:
        lines[anchor:anchor] = [*section, newline]
    return "".join(lines), []


def _abstract(rule: yaml.Node) -> tuple[yaml.ScalarNode, yaml.Node] | None:
    if not isinstance(rule, yaml.MappingNode):
        return None
    for k, v in rule.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "abstract":
            return (k, v) if str(v.value).lower() == "true" else None
    return None


def _span(lines: list[str], key: yaml.Node, value: yaml.Node) -> tuple[int, int]:
    """Lines of one rule: the comments just above its key, the key, its indented body."""
    indent = key.start_mark.column
    first = _comment_start(lines, key.start_mark.line)
    last = key.start_mark.line + 1
    end_line = max(value.end_mark.line, key.start_mark.line)
    for i in range(key.start_mark.line + 1, len(lines)):
        stripped = lines[i].strip()
        deeper = len(lines[i]) - len(lines[i].lstrip()) > indent
        if stripped and not deeper and i >= end_line:
            break
        if stripped and deeper:
            last = i + 1
    return first, last


def _comment_start(lines: list[str], line: int) -> int:
    """The first of the comment lines written just above ``line`` (no blank line between)."""
    indent = len(lines[line]) - len(lines[line].lstrip())
    while line > 0:
        above = lines[line - 1]
        if not above.lstrip().startswith("#") or len(above) - len(above.lstrip()) != indent:
            break
        line -= 1
    return line


def _swallow_blank(lines: list[str], last: int) -> int:
    """Also remove one blank line after a moved rule."""
    return last + 1 if last < len(lines) and not lines[last].strip() else last
