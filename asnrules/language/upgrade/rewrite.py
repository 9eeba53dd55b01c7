"""The in-place edits of ``asnrules upgrade``: every 0.x spelling of one file, in 1.0.

:class:`Rewrite` walks the composed YAML nodes of a file and records text edits
(:class:`~asnrules.language.upgrade.edits.Edits`); rules marked ``abstract`` are
moved afterwards, by :mod:`asnrules.language.upgrade.bases`.
"""

from __future__ import annotations

import re

import yaml

from asnrules.diagnostics import Diagnostic, Severity
from asnrules.language.upgrade.edits import (
    ASSOCIATION,
    ROW,
    TEMPLATE,
    Edits,
    flow_scalar,
    rename_in_scalar,
    renamed_value,
)
from asnrules.language.upgrade.settings import add_engine_settings

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RULE_EXPRESSIONS = {"select": ROW, "valid": ASSOCIATION}
_RULE_TEMPLATES = ("product", "file")


def _entries(node: yaml.Node) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """The (key, value) pairs of a mapping node with scalar keys; none for other nodes."""
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    return next((v for k, v in _entries(node) if k.value == key), None)


class Rewrite:
    """The in-place edits of one file (everything but the move of bases)."""

    def __init__(self, text: str, display: str, roles: dict[str, str]) -> None:
        self.edits = Edits(text)
        self.display = display
        self.roles = roles
        self.errors: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []
        self.optional: set[str] = set()
        self.inherited: dict[str, list[str]] = {}
        self.conditions: set[str] = set()
        """Names of the conditions of this file and its includes (boolean already)."""
        """Rules whose ``members`` merge with inherited ones in 1.0 (see inherited_members)."""
        self.uses: list[tuple[yaml.ScalarNode, bool]] = []
        """Items of share lists and groups: the node, and whether it is in a flow list."""

    def _at(self, node: yaml.Node, message: str, code: str = "ASN112") -> Diagnostic:
        mark = node.start_mark
        severity = Severity.WARNING if code == "ASN945" else Severity.ERROR
        line, col = mark.line + 1, mark.column + 1
        return Diagnostic(self.display, line, col, code, message, severity=severity)

    def document(self, root: yaml.Node | None) -> None:
        """Edit every 0.x construct of the document ``root``."""
        if root is None:
            return
        for key, value in _entries(root):
            name = key.value
            if name == "asnrules" and isinstance(value, yaml.ScalarNode) and value.value == "1":
                self.edits.add(value.start_mark.index, value.end_mark.index, "1.0")
                if isinstance(root, yaml.MappingNode):
                    add_engine_settings(self.edits, root)
            elif name in ("conditions", "values"):
                for _, expr in _entries(value):
                    rename_in_scalar(self.edits, expr, ROW)
                    if name == "conditions":
                        self._boolean_condition(expr)
            elif name == "templates":
                for _, template in _entries(value):
                    rename_in_scalar(self.edits, template, TEMPLATE)
            elif name == "attributes":
                for attr_key, attr in _entries(value):
                    self.attribute(attr_key, attr, value.flow_style)
            elif name == "groups":
                for _, group in _entries(value):
                    self._collect_uses(group)
            elif name == "roles":
                for _, role in _entries(value):
                    self.role(role)
                    self._drop_key(role, "role")
            elif name == "defaults":
                self.rule(value)
            elif name == "rules":
                for rule_key, rule in _entries(value):
                    self.rule(rule)
                    self._review_members(rule_key, rule)
            elif name == "reoffer":
                self.final_pass(key, value)
        self._mark_optional()

    def _boolean_condition(self, node: yaml.Node) -> None:
        """A condition that is a bare column or value, ``c: tsovisit``, becomes boolean.

        1.0 asks a condition to be true/false; ``is_set(x)`` is what the bare name meant.
        """
        if not isinstance(node, yaml.ScalarNode):
            return
        name = str(node.value).strip()
        if _NAME.fullmatch(name) and name.lower() not in (*self.conditions, "true", "false"):
            self.edits.add(node.start_mark.index, node.end_mark.index, f"is_set({name})")

    # -- attributes -------------------------------------------------------------------

    def attribute(self, key: yaml.ScalarNode, node: yaml.Node, in_flow: bool) -> None:
        """An attribute: a column, a column list, or a mapping with ``from``/``optional``."""
        if isinstance(node, yaml.SequenceNode):
            self._replace_value(node, _first_set(node), in_flow)
            return
        from_ = _get(node, "from")
        optional = _get(node, "optional")
        for k, v in _entries(node):
            if k.value == "from":
                self.edits.add(k.start_mark.index, k.end_mark.index, "value")
                if isinstance(v, yaml.SequenceNode):
                    self._replace_value(v, _first_set(v), bool(node.flow_style))
            elif k.value in ("value", "when"):
                rename_in_scalar(self.edits, v, ROW)
        if from_ is None and _get(node, "value") is None and isinstance(node, yaml.MappingNode):
            self.errors.append(self._at(key, f"attribute {key.value!r} has no value"))
        if optional is not None:
            if str(optional.value).lower() == "true":
                self.optional.add(key.value)
            self._drop_key(node, "optional")

    def _replace_value(self, node: yaml.Node, expression: str, in_flow: bool) -> None:
        text = f"'{expression}'" if in_flow and "," in expression else expression
        self.edits.add(node.start_mark.index, node.end_mark.index, text)

    def _collect_uses(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    self.uses.append((item, bool(node.flow_style)))
        elif isinstance(node, yaml.ScalarNode):
            self.uses.append((node, False))

    def _mark_optional(self) -> None:
        for item, in_flow in self.uses:
            if item.value in self.optional:
                text = f"'{item.value}?'" if in_flow else f"{item.value}?"
                self.edits.add(item.start_mark.index, item.end_mark.index, text)
        if self.optional:
            names = ", ".join(sorted(self.optional))
            message = (
                f"optional attributes ({names}): their uses in this file now say `name?`; "
                "files that include this one must mark their uses too"
            )
            self.notes.append(
                Diagnostic(self.display, 1, 1, "ASN945", message, severity=Severity.WARNING)
            )

    # -- rules ------------------------------------------------------------------------

    def rule(self, node: yaml.Node) -> None:
        """A rule or the ``defaults``: member fields, members, expressions, templates."""
        for key, value in _entries(node):
            name = key.value
            if name == "member":
                self.edits.add(key.start_mark.index, key.end_mark.index, "member_fields")
                for _, expr in _entries(value):
                    rename_in_scalar(self.edits, expr, ROW)
            elif name == "members":
                self.members(value)
            elif name == "share":
                self._collect_uses(value)
            elif name in _RULE_EXPRESSIONS:
                for item in value.value if isinstance(value, yaml.SequenceNode) else [value]:
                    rename_in_scalar(self.edits, item, _RULE_EXPRESSIONS[name])
            elif name == "document":
                for _, expr in _entries(value):
                    rename_in_scalar(self.edits, expr, ASSOCIATION)
            elif name in _RULE_TEMPLATES:
                rename_in_scalar(self.edits, value, TEMPLATE)
            elif name == "summarize":
                self._summarize(value)
            elif name == "abstract" and str(getattr(value, "value", "")).lower() != "true":
                self._drop_key(node, "abstract")  # abstract: false says nothing

    def _review_members(self, key: yaml.ScalarNode, rule: yaml.Node) -> None:
        writers = self.inherited.get(key.value)
        if writers is None:
            return
        names = ", ".join(repr(w) for w in writers)
        message = (
            f"rule {key.value!r}: the members of {names} now merge by role name (in 0.x the "
            "last replaced the others): check the roles it ends up with"
        )
        self.notes.append(self._at(_get(rule, "members") or key, message, "ASN945"))

    def _summarize(self, node: yaml.Node) -> None:
        choose = _get(node, "choose")
        if choose is not None:
            rename_in_scalar(self.edits, choose, ROW)
        into = _get(node, "into")
        for entry in into.value if isinstance(into, yaml.SequenceNode) else []:
            for _, template in _entries(entry):
                rename_in_scalar(self.edits, template, TEMPLATE)

    def role(self, node: yaml.Node) -> None:
        """A role's keys: ``reoffer``, ``exptype``, its expressions and shared attributes."""
        for key, value in _entries(node):
            name = key.value
            start, end = key.start_mark.index, value.end_mark.index
            if name == "reoffer":
                self.edits.add(start, end, "rejoin: true")
            elif name == "exptype" and isinstance(value, yaml.ScalarNode):
                source = self.edits.node_text(value)
                exptype = flow_scalar(source, value, renamed_value(value.value, ROW))
                self.edits.add(start, end, f"member_fields: {{exptype: {exptype}}}")
            elif name in ("when", "requires"):
                rename_in_scalar(self.edits, value, ROW if name == "when" else ASSOCIATION)
            elif name == "share":
                self._collect_uses(value)

    def _drop_key(self, node: yaml.Node, key: str) -> None:
        """Remove the entry ``key`` of a mapping (its whole line, in block style)."""
        entries = _entries(node)
        found = [(k, v) for k, v in entries if k.value == key]
        if not found:
            return
        k, v = found[0]
        if node.flow_style or not self.edits.alone_on_lines(k.start_mark.index, v.end_mark.index):
            self._rebuild_flow(node, skip=key)
        elif len(entries) == 1:
            self.edits.add(k.start_mark.index, v.end_mark.index, "{}")
        else:
            start = self.edits.line_start(k.start_mark.index)
            self.edits.add(start, self.edits.line_end(v.end_mark.index), "")

    def _flow_text(self, node: yaml.Node, skip: str) -> str:
        parts = [
            self.edits.render(k.start_mark.index, v.end_mark.index)
            for k, v in _entries(node)
            if k.value != skip
        ]
        return "{" + ", ".join(parts) + "}"

    def _rebuild_flow(self, node: yaml.Node, skip: str) -> None:
        text = self._flow_text(node, skip)
        self.edits.add(node.start_mark.index, node.end_mark.index, text)

    # -- members ----------------------------------------------------------------------

    def members(self, node: yaml.Node) -> None:
        """A 0.x members list becomes a map from role name to role."""
        if not isinstance(node, yaml.SequenceNode):
            return
        seen: dict[str, yaml.Node] = {}
        entries: list[str] = []
        for item in node.value:
            name = self._role_name(item)
            if name is None:
                continue
            if name in seen:
                message = (
                    f"two roles named {name!r} in one rule: in rule language 1.0 the roles of "
                    f"a rule are a map, one entry per name; rename one of them"
                )
                self.errors.append(self._at(item, message))
                continue
            seen[name] = item
            entries.append(self._member(item, name, bool(node.flow_style)))
        if node.flow_style:
            text = "{" + ", ".join(entries) + "}"
            self.edits.add(node.start_mark.index, node.end_mark.index, text)

    def _role_name(self, item: yaml.Node) -> str | None:
        if isinstance(item, yaml.ScalarNode):
            if item.value not in self.roles:
                message = f"no shared role {item.value!r} in this file or the files it includes"
                self.errors.append(self._at(item, message, "ASN305"))
                return None
            return self.roles[item.value]
        role = _get(item, "role")
        if not isinstance(role, yaml.ScalarNode):
            self.errors.append(self._at(item, "a role without 'role:' (its name)", "ASN111"))
            return None
        return str(role.value)

    def _member(self, item: yaml.Node, name: str, in_flow: bool) -> str:
        """Edit one members item (block list) or return its 1.0 text (flow list)."""
        if isinstance(item, yaml.ScalarNode):
            text = f"{name}: {{extends: {item.value}}}"
            if not in_flow:
                self.edits.add(self.edits.dash(item), item.end_mark.index, text)
            return text
        self.role(item)
        if in_flow or item.flow_style:
            text = f"{name}: {self._flow_text(item, skip='role')}"
            if not in_flow:
                self.edits.add(self.edits.dash(item), item.end_mark.index, text)
            return text
        self._block_member(item, name)
        return ""

    def _block_member(self, item: yaml.MappingNode, name: str) -> None:
        dash = self.edits.dash(item)
        entries = _entries(item)
        role_key, role_value = next((k, v) for k, v in entries if k.value == "role")
        others = [(k, v) for k, v in entries if k.value != "role"]
        if not others:
            self.edits.add(dash, role_value.end_mark.index, f"{name}: {{}}")
        elif entries[0][0] is role_key:
            self.edits.add(dash, role_value.end_mark.index, f"{name}:")
        else:
            first_key = entries[0][0]
            indent = " " * first_key.start_mark.column
            self.edits.add(dash, first_key.start_mark.index, f"{name}:{self.edits.newline}{indent}")
            start = self.edits.line_start(role_key.start_mark.index)
            self.edits.add(start, self.edits.line_end(role_value.end_mark.index), "")

    # -- final pass -------------------------------------------------------------------

    def final_pass(self, key: yaml.ScalarNode, node: yaml.Node) -> None:
        """Top-level ``reoffer: [{when: C}]`` becomes ``final_pass: [C]``."""
        self.edits.add(key.start_mark.index, key.end_mark.index, "final_pass")
        for item in node.value if isinstance(node, yaml.SequenceNode) else []:
            when = _get(item, "when")
            if when is None:
                self.errors.append(self._at(item, "a reoffer entry without 'when:'", "ASN111"))
                continue
            rename_in_scalar(self.edits, when, ROW)
            if item.flow_style or node.flow_style:
                source = self.edits.node_text(when)
                value = renamed_value(str(when.value), ROW)
                text = flow_scalar(source, when, value) if node.flow_style else source
                self.edits.add(item.start_mark.index, item.end_mark.index, text)
            elif len(_entries(item)) == 1:
                self.edits.add(item.start_mark.index, when.start_mark.index, "")
            else:
                self._final_pass_item(item, when)

    def _final_pass_item(self, item: yaml.MappingNode, when: yaml.Node) -> None:
        """A block entry with more than ``when``: its ``description`` becomes a comment."""
        last = max(v.end_mark.index for _, v in _entries(item))
        source = self.edits.node_text(when)
        self.edits.add(item.start_mark.index, last, source)
        description = _get(item, "description")
        if isinstance(description, yaml.ScalarNode):
            dash = self.edits.dash(item)
            indent = self.edits.text[self.edits.line_start(dash) : dash]
            comment = " ".join(str(description.value).split())
            line = self.edits.line_start(dash)
            self.edits.add(line, line, f"{indent}# {comment}{self.edits.newline}")


def _first_set(node: yaml.SequenceNode) -> str:
    """A 0.x attribute's column list as a 1.0 expression."""
    columns = [str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)]
    return columns[0] if len(columns) == 1 else f"first_set({', '.join(columns)})"
