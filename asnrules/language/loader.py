"""Load rule files: YAML with positions -> pydantic models -> expressions -> compiled rules.

Layers, in order: :mod:`positions` reads the YAML, :mod:`models` checks its shape,
:mod:`expressions` parses every expression, :mod:`compiler` resolves names and builds
closures; this module wires them together, resolves ``include`` and ``extends``, and
turns every problem into a located :class:`~asnrules.diagnostics.Diagnostic`.
``collect=True`` gathers all problems (lint), a schema error hiding none of the rest of
its file; otherwise the first file's problems raise.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity
from asnrules.engine.ruleset import (
    PRODUCTS,
    Attribute,
    Origin,
    Role,
    Rule,
    Ruleset,
    Stage,
    Summary,
)
from asnrules.engine.values import as_text
from asnrules.language import expressions as ex
from asnrules.language import parsecache
from asnrules.language.compiler import (
    MEMBER,
    Compiled,
    CompileError,
    Compiler,
    Definitions,
    columns_read,
)
from asnrules.language.documents import (
    Context,
    Located,
    Parsed,
    RuleFile,
    gather,
    read_document,
    resolve_ruleset_path,
)
from asnrules.language.functions import ASSOCIATION, ROW
from asnrules.language.hookcheck import RuleOffer, bind_hooks, offered_attributes
from asnrules.language.merging import combine, entries, items
from asnrules.language.models import AttributeSpec
from asnrules.language.models import Role as RoleModel
from asnrules.language.models import Rule as RuleModel
from asnrules.language.models import Summarize as SummarizeModel
from asnrules.language.positions import SourceMap, expression_position
from asnrules.resources import DEFAULT_RULESETS, bundled_rulesets, data_dir


def load_rulesets(
    paths: Sequence[str | Path] | None = None,
    *,
    collect: bool = False,
    context: Context | None = None,
) -> tuple[Ruleset, list[Diagnostic]]:
    """Load and compile rule files into one :class:`Ruleset`.

    Parameters
    ----------
    paths : sequence of str or Path, optional
        Rule files or bundled names, in order; later rules of the same name replace
        earlier ones. Default: the bundled Stage 2 and Stage 3 rulesets.
    collect : bool
        Gather every problem instead of raising on the first file with errors.
    context : Context, optional
        Where the load records the files and expressions it read (``lint --pool``).

    Returns
    -------
    ruleset, diagnostics
        The compiled rules and (with ``collect``) the problems found.

    Raises
    ------
    AsnRulesError
        Without ``collect``, when any file has a problem.
    """
    try:
        return _load_rulesets(paths, collect, context)
    finally:
        parsecache.save()


def _load_rulesets(
    paths: Sequence[str | Path] | None, collect: bool, context: Context | None
) -> tuple[Ruleset, list[Diagnostic]]:
    names = list(paths) if paths else list(DEFAULT_RULESETS)
    ctx = context if context is not None else Context()
    ruleset = Ruleset()
    loaded: set[Path] = set()
    earlier: list[RuleFile] = []
    for name in names:
        path = resolve_ruleset_path(name)
        if path.is_file() and path.resolve() in loaded:
            ctx.diagnostics.append(
                Diagnostic(
                    str(name),
                    0,
                    0,
                    "ASN012",
                    f"ruleset {name} is given more than once; it is loaded once",
                    severity=Severity.WARNING,
                )
            )
            continue
        loaded.add(path.resolve())
        before = len(ctx.diagnostics)
        display = str(name) if not Path(name).is_file() else str(path)
        earlier.extend(_load_into(ruleset, path, display, ctx, earlier))
        errors = [d for d in ctx.diagnostics[before:] if d.severity is Severity.ERROR]
        if not collect and errors:
            raise AsnRulesError(errors)
    return ruleset, sorted(ctx.diagnostics)


class _Loader:
    """Compiles one ruleset file (with its includes) into rules."""

    def __init__(self, files: list[RuleFile], ctx: Context, ruleset: Ruleset) -> None:
        self.files = files
        self.main = files[-1]
        self.ctx = ctx
        self.ruleset = ruleset
        self.defs = Definitions()
        self.attr_specs: dict[str, Located] = {}
        self.groups: dict[str, Located] = {}
        self.templates: dict[str, Located] = {}
        self.roles: dict[str, Located] = {}
        self.bases: dict[str, Located] = {}
        self.earlier: dict[int, Located] = {}
        self.expr_where: dict[str, Located] = {}
        self._attr_cache: dict[str, Attribute | None] = {}
        self._reported: set[tuple[str, str, int, int]] = set()
        self.not_set: list[str] | None = None
        self.compiler = Compiler(self.defs, reads=ruleset.reads)
        self._collect()

    # -- definitions -------------------------------------------------------------------
    def _collect(self) -> None:
        lists: dict[str, tuple[str, ...]] = {}
        maps: dict[str, dict[str, str]] = {}
        tables: dict[str, frozenset[tuple[str, ...]]] = {}
        exprs: dict[str, ex.Node] = {}
        columns: set[str] = set()
        optional: set[str] = set()
        for f in self.files:
            doc, src = f.document, f.source
            lists.update({k.lower(): tuple(v.lower() for v in vs) for k, vs in doc.lists.items()})
            maps.update(
                {
                    k.lower(): {a.lower(): b.lower() for a, b in m.items()}
                    for k, m in doc.maps.items()
                }
            )
            tables.update(
                {
                    k.lower(): frozenset(tuple(c.lower() for c in row) for row in t)
                    for k, t in doc.tables.items()
                }
            )
            for kind in ("conditions", "values"):
                for name, text in getattr(doc, kind).items():
                    node = self._parse(Located(text, src, (kind, name)))
                    if node is not None:
                        self.ctx.expressions.append(
                            Parsed(Located(text, src, (kind, name)), node, ROW)
                        )
                        exprs[name.lower()] = node
                        self.expr_where[name.lower()] = Located(text, src, (kind, name))
            columns.update(c.lower() for c in doc.columns)
            optional.update(c.lower() for c in doc.optional_columns)
            for name, spec in doc.attributes.items():
                self.attr_specs[name.lower()] = Located(spec, src, ("attributes", name))
                for alias in getattr(spec, "aliases", ()):
                    self.ruleset.aliases[alias.lower()] = name.lower()
            for name, members in doc.groups.items():
                self.groups[name.lower()] = Located(members, src, ("groups", name))
            for name, role in doc.roles.items():
                self.roles[name.lower()] = Located(role, src, ("roles", name))
            for name, text in doc.templates.items():
                self.templates[name.lower()] = Located(text, src, ("templates", name))
            for name, rule in doc.rules.items():
                located = Located(rule, src, ("rules", name))
                if (
                    name in self.bases
                ):  # a rule redefined by a later file may extend the earlier one
                    self.earlier[id(located)] = self.bases[name]
                self.bases[name] = located
            if doc.not_set is not None:
                self.not_set = [v.lower() for v in doc.not_set]
            if doc.identity:
                self.ruleset.identity = doc.identity.lower()
            if doc.candidates:
                self.ruleset.candidate_column = doc.candidates.column.lower()
                self.ruleset.discovered_id = doc.candidates.discovered_id.lower()
                self.ruleset.discovered_type = doc.candidates.discovered_type.lower()
        self.defs.lists, self.defs.maps, self.defs.tables = lists, maps, tables
        self.defs.expressions = exprs
        self.defs.conditions = frozenset(
            n.lower() for f in self.files for n in f.document.conditions
        )
        self.defs.columns = frozenset(columns)
        self.defs.optional_columns = frozenset(optional)
        if self.not_set is not None:
            self.defs.not_set = frozenset(self.not_set)
            self.ruleset.not_set = self.defs.not_set
        self.ruleset.optional_columns = self.ruleset.optional_columns | self.defs.optional_columns
        # compile named definitions now, so that errors inside them are reported where written
        for name, where in self.expr_where.items():
            self._compile_named(name, where)

    def _compile_named(self, name: str, where: Located) -> None:
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
                self._report(
                    self.expr_where.get(owner, where), exc.code, exc.message, exc.line, exc.col
                )
            self.defs.expressions.pop(name, None)
        self._record_columns(before, where)

    def _record_columns(self, before: set[str], where: Located) -> None:
        for column in set(self.compiler.columns_used) - before:
            if (
                column not in self.ruleset.required_columns
                and column not in self.defs.optional_columns
            ):
                pos = where.source.locate(where.path)
                self.ruleset.required_columns[column] = f"{where.source.path}:{pos.line}:{pos.col}"

    # -- diagnostics and expressions ----------------------------------------------------
    def _report(
        self,
        where: Located,
        code: str,
        message: str,
        line: int = 1,
        col: int = 1,
        severity: Severity = Severity.ERROR,
    ) -> None:
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

    def _warn(self, where: Located, code: str, message: str, *, key: bool = False) -> None:
        pos = where.source.locate(where.path, key=key)
        self.ctx.diagnostics.append(
            Diagnostic(
                where.source.path,
                pos.line,
                pos.col,
                code,
                message,
                Severity.WARNING,
                where.source.line_text(pos.line),
            )
        )

    def _lint_file(self) -> None:
        """Warnings about the main file that are not errors: things that do nothing."""
        for name, where in self.templates.items():
            if name in self.attr_specs and where.source is self.main.source:
                self._warn(
                    where,
                    "ASN702",
                    f"template {name!r} shadows the attribute of that name: "
                    f"{{{name}}} in a template means the template",
                    key=True,
                )
        for i, entry in enumerate(self.main.document.include):
            target = Path(entry).name
            for f in self.files[:-1]:
                if f.path.name not in (target, f"{target}.yaml"):
                    continue
                ignored = [k for k in ("defaults", "reoffer") if getattr(f.document, k)]
                if ignored:
                    self._warn(
                        Located(entry, self.main.source, ("include", i)),
                        "ASN703",
                        f"the {' and '.join(ignored)} of included {entry!r} are ignored here "
                        "(its defaults reach only its rules taken through extends); "
                        "load it with -r to run its rules",
                    )

    def _lint_rule(self, name: str, fields: dict[str, Located]) -> None:
        where = self.bases[name]
        missing = [k for k in ("member", "document") if k not in fields]
        if missing:
            effect = {
                "member": "every member is written as {}",
                "document": "its files hold only 'products'",
            }
            self._warn(
                where,
                "ASN701",
                f"rule {name!r} has no {' and no '.join(missing)} fields: "
                + "; ".join(effect[k] for k in missing)
                + " (extend a rule or a defaults that gives them)",
                key=True,
            )

    def _parse(self, where: Located) -> ex.Node | None:
        try:
            return ex.parse(str(where.value))
        except ex.ExpressionSyntaxError as exc:
            self._report(where, exc.code, exc.message, exc.line, exc.col)
            return None

    def _expr(
        self,
        where: Located,
        context: str = ROW,
        attributes: Iterable[str] = (),
        roles: Iterable[str] = (),
        *,
        synthetic: bool = False,
    ) -> Compiled | None:
        node = self._parse(where)
        if node is None:
            return None
        self.ctx.expressions.append(Parsed(where, node, context, synthetic))
        before = set(self.compiler.columns_used)
        try:
            compiled = self.compiler.compile(node, context, attributes, roles)
        except CompileError as exc:
            self._report(where, exc.code, exc.message, exc.line, exc.col)
            return None
        self._record_columns(before, where)
        return compiled

    def _template(
        self,
        where: Located,
        attributes: Iterable[str],
        roles: Iterable[str],
        seen: tuple[str, ...] = (),
    ) -> Compiled | None:
        text = str(where.value)
        parts: list[Compiled] = []
        for kind, piece, offset in _split_template(text):
            if kind == "error":
                self._report(where, "ASN304", piece, 1, offset + 1)
                return None
            if kind == "text":
                parts.append(_text(piece))
                continue
            name = piece.strip().lower()
            if not name:
                self._report(where, "ASN304", "empty placeholder '{}' in template", 1, offset)
                return None
            if name in self.templates and name not in seen:
                inner = self._template(self.templates[name], attributes, roles, (*seen, name))
                if inner is None:
                    return None
                parts.append(inner)
                continue
            try:
                node = ex.parse(piece)
                compiled = self.compiler.compile(node, ASSOCIATION, attributes, roles)
            except ex.ExpressionSyntaxError as exc:
                self._report(where, exc.code, exc.message, 1, offset + exc.col)
                return None
            except CompileError as exc:
                self._report(where, exc.code, exc.message, 1, offset + exc.col)
                return None
            parts.append(compiled)
        return lambda s: "".join(as_text(p(s)) for p in parts)

    # -- attributes ---------------------------------------------------------------------
    def _attribute(self, name: str, where: Located) -> Attribute | None:
        key = name.lower()
        if key in self._attr_cache:
            return self._attr_cache[key]
        spec_loc = self.attr_specs.get(key)
        if spec_loc is None:
            known = set(self.attr_specs) | set(self.groups)
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self._report(where, "ASN301", f"unknown attribute {name!r}{hint}")
            self._attr_cache[key] = None
            return None
        spec = spec_loc.value
        if isinstance(spec, (str, list)):
            spec = AttributeSpec.model_validate({"from": spec})
        if spec.value is not None:
            value = self._expr(Located(spec.value, spec_loc.source, (*spec_loc.path, "value")))
        elif spec.from_:
            source = "first(" + ", ".join(spec.from_) + ")"
            checked = self._expr(Located(source, spec_loc.source, spec_loc.path), synthetic=True)
            columns = [c.lower() for c in spec.from_]
            value = _columns_value(columns) if checked else None
            if value is not None:
                self.ruleset.reads[id(value)] = (value, frozenset(columns))
        else:
            self._report(spec_loc, "ASN113", f"attribute {name!r} needs 'from' or 'value'")
            value = None
        when = None
        if spec.when is not None:
            when = self._expr(Located(spec.when, spec_loc.source, (*spec_loc.path, "when")), MEMBER)
        text = spec.value if spec.value is not None else ", ".join(spec.from_ or ())
        attribute = (
            Attribute(key, value, spec.optional, when, _origin(spec_loc, str(text)))
            if value is not None
            else None
        )
        self._attr_cache[key] = attribute
        return attribute

    def _attributes(self, names: Iterable[Located]) -> tuple[Attribute, ...]:
        result: list[Attribute] = []
        for where in names:
            name = str(where.value).lower()
            if name.rstrip("?") in self.groups:
                group = self.groups[name.rstrip("?")]
                suffix = "?" if name.endswith("?") else ""
                inner = [
                    Located(n + suffix, group.source, (*group.path, i))
                    for i, n in enumerate(group.value)
                ]
                for member in self._attributes(inner):
                    if member.name not in {a.name for a in result}:
                        result.append(member)
                continue
            optional = name.endswith("?")
            attribute: Attribute | None = self._attribute(name.rstrip("?"), where)
            if attribute is not None and optional and not attribute.optional:
                attribute = replace(attribute, optional=True)
            if attribute is not None and attribute.name not in {a.name for a in result}:
                result.append(attribute)
        return tuple(result)

    # -- rules --------------------------------------------------------------------------
    def _merged(
        self, name: str, where: Located | None = None, chain: tuple[int, ...] = ()
    ) -> dict[str, Located] | None:
        """Field values of a rule after applying its file's ``defaults`` and its ``extends``."""
        where = where or self.bases[name]
        rule: RuleModel = where.value
        fields: dict[str, Located] = {}
        defaults = self._defaults_for(where.source)
        if defaults is not None:
            fields = self._apply(fields, defaults)
        for i, base_name in enumerate(rule.extends):
            base_loc = Located(base_name, where.source, (*where.path, "extends", i))
            base = self.earlier.get(id(where)) if base_name == name else self.bases.get(base_name)
            if base is None and base_name == name:
                message = (
                    f"rule {name!r} extends itself, and no earlier ruleset defines it: load "
                    "this file after the one that does (-r stage3 -r this.yaml) or include that"
                )
                self._report(base_loc, "ASN307", message)
                return None
            if base is None:
                close = difflib.get_close_matches(base_name, sorted(self.bases), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self._report(base_loc, "ASN306", f"unknown rule {base_name!r} in extends{hint}")
                return None
            if id(base) in chain:
                self._report(
                    base_loc, "ASN307", f"rule {name!r} extends itself through {base_name!r}"
                )
                return None
            inherited = self._merged(base_name, base, (*chain, id(where)))
            if inherited is None:
                return None
            fields = combine(fields, inherited)
        own = {
            key: Located(getattr(rule, key), where.source, (*where.path, key))
            for key in rule.model_fields_set
            if key not in ("extends", "abstract", "description", "replace")
        }
        return combine(fields, own, rule.replace)

    def _defaults_for(self, source: SourceMap) -> Located | None:
        for f in self.files:
            if f.source is source and f.document.defaults is not None:
                return Located(f.document.defaults, source, ("defaults",))
        return None

    def _apply(self, fields: dict[str, Located], defaults: Located) -> dict[str, Located]:
        rule: RuleModel = defaults.value
        own = {
            key: Located(getattr(rule, key), defaults.source, (*defaults.path, key))
            for key in rule.model_fields_set
            if key not in ("extends", "abstract", "description", "replace")
        }
        return combine(fields, own)

    def compile_rules(self) -> None:
        stage = Stage(
            self.main.document.name or self.main.path.stem,
            self.main.path,
            self.main.document.deduplicate,
            self.main.document.mergeable,
        )
        self.ruleset.stages.append(stage)
        self._lint_file()
        for name, rule_model in self.main.document.rules.items():
            if rule_model.abstract:
                continue
            merged = self._merged(name)
            if merged is None:
                continue
            self._lint_rule(name, merged)
            # a rule replacing one of an earlier ruleset keeps its place and stage
            previous = self.ruleset.rules.get(name)
            rule = self._compile_rule(name, previous.stage if previous else stage.name, merged)
            if rule is not None:
                self.ruleset.rules[name] = rule
                self._record_definition(rule)
        reoffers = []
        for i, item in enumerate(self.main.document.reoffer):
            compiled = self._expr(Located(item.when, self.main.source, ("reoffer", i, "when")))
            if compiled is not None:
                reoffers.append(compiled)
        self.ruleset.reoffers = (*self.ruleset.reoffers, *reoffers)

    def _record_definition(self, rule: Rule) -> None:
        """Remember where ``rule`` was defined (for the warnings about overrides)."""
        bundled = self.main.path.resolve().parent == data_dir("rulesets").resolve()
        if rule.origin is not None:
            self.ruleset.definitions.setdefault(rule.name, []).append((rule.origin, bundled))

    def _compile_rule(self, name: str, stage: str, fields: dict[str, Located]) -> Rule | None:
        where = self.bases[name]
        errors_before = len(self.ctx.diagnostics)
        asn_type = fields.get("asn_type")
        if asn_type is None or not asn_type.value:
            pos = where.source.locate(where.path, key=True)
            self.ctx.diagnostics.append(
                Diagnostic(
                    where.source.path,
                    pos.line,
                    pos.col,
                    "ASN114",
                    f"rule {name!r} has no asn_type",
                    source_line=where.source.line_text(pos.line),
                )
            )
            return None
        selects = [(self._expr(loc), _origin(loc)) for loc in items(fields.get("select"))]
        share = self._attributes(items(fields.get("share")))
        roles: list[Role] = []
        role_models: list[Located] = []
        role_locs = fields.get("members")
        if role_locs is None:
            roles.append(Role("member", None))
        else:
            for i, role_model in enumerate(role_locs.value):
                where_role = Located(role_model, role_locs.source, (*role_locs.path, i))
                if isinstance(role_model, str):
                    named = self.roles.get(role_model.lower())
                    if named is None:
                        close = difflib.get_close_matches(
                            role_model.lower(), sorted(self.roles), n=1
                        )
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        self._report(where_role, "ASN305", f"unknown role {role_model!r}{hint}")
                        continue
                    where_role = named
                role_models.append(where_role)
        names_of_roles = {r.value.role for r in role_models}
        roles.extend(self._role(r.value, r, names_of_roles) for r in role_models)
        attribute_names = set(self.attr_specs)
        role_names = {r.name for r in roles}
        member_fields: list[tuple[str, Compiled]] = []
        for key, entry in entries(fields.get("member")).items():
            compiled = self._expr(entry, MEMBER)
            if compiled is not None:
                member_fields.append((key, compiled))
        product_loc = fields.get("product")
        product = (
            self._template(product_loc, attribute_names, role_names)
            if product_loc is not None
            else (lambda s: "")
        )
        file_loc = fields.get("file")
        file = (
            self._template(file_loc, attribute_names, role_names) if file_loc is not None else None
        )
        document: list[tuple[str, Compiled | None]] = []
        doc_entries: dict[str, Located | None] = {**entries(fields.get("document"))}
        for key, doc_entry in (doc_entries or {PRODUCTS: None}).items():
            if key == PRODUCTS or doc_entry is None:
                document.append((key, None))
                continue
            compiled = self._expr(doc_entry, ASSOCIATION, attribute_names, role_names)
            if compiled is not None:
                document.append((key, compiled))
        valid = [
            (self._expr(loc, ASSOCIATION, attribute_names, role_names), _origin(loc))
            for loc in items(fields.get("valid"))
        ]
        summary = self._summary(fields.get("summarize"), attribute_names, role_names)
        offer = RuleOffer(
            offered_attributes(share, roles),
            frozenset(entries(fields.get("member"))),
            {
                name: partial(self._template, where, attribute_names, role_names)
                for name, where in self.templates.items()
            },
        )
        hooks = bind_hooks(items(fields.get("finalize")), offer, self._report)
        if (
            len(self.ctx.diagnostics) > errors_before
            or product is None
            or (file_loc and file is None)
        ):
            return None
        compiled_selects = tuple((c, o) for c, o in selects if c is not None)
        select = _all_of([c for c, _ in compiled_selects], self.ruleset.reads)
        rule_pos = where.source.locate(where.path, key=True)
        named_at = file_loc or where
        pos = named_at.source.locate(named_at.path, key=file_loc is None)
        return Rule(
            name=name,
            stage=stage,
            asn_type=str(asn_type.value),
            select=select,
            share=share,
            roles=tuple(roles),
            member_fields=tuple(member_fields),
            product=product,
            document=tuple(document),
            valid=tuple(v for v, _ in valid if v is not None),
            finalize=tuple(hooks),
            file=file,
            location=(named_at.source.path, pos.line, pos.col),
            summarize=summary,
            origin=Origin(name, where.source.path, rule_pos.line, rule_pos.col),
            selects=compiled_selects,
            valid_origins=tuple(o for v, o in valid if v is not None),
            hook_names=tuple(h.name for h in hooks),
        )

    def _summary(
        self, where: Located | None, attribute_names: set[str], role_names: set[str]
    ) -> Summary | None:
        if where is None or where.value is None:
            return None
        model: SummarizeModel = where.value
        path = (*where.path,)
        if model.role not in role_names:
            close = difflib.get_close_matches(model.role, sorted(role_names), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self._report(
                Located(model.role, where.source, (*path, "role")),
                "ASN305",
                f"summarize: the rule has no role {model.role!r}{hint}",
            )
            return None
        choose = None
        if model.choose is not None:
            choose = self._expr(Located(model.choose, where.source, (*path, "choose")), MEMBER)
        into = []
        for i, entry in enumerate(model.into):
            fields = []
            for key, text in entry.items():
                loc = Located(text, where.source, (*path, "into", i, key))
                compiled = self._template(loc, attribute_names, role_names)
                if compiled is not None:
                    fields.append((key, compiled))
            into.append(tuple(fields))
        return Summary(model.role, choose, tuple(into))

    def _role(self, model: RoleModel, where: Located, role_names: set[str]) -> Role:
        def loc(key: str, index: int | None = None) -> Located:
            path = (*where.path, key) if index is None else (*where.path, key, index)
            value = getattr(model, key)
            return Located(value if index is None else value[index], where.source, path)

        when = self._expr(loc("when")) if model.when is not None else None
        exptype = self._expr(loc("exptype")) if model.exptype is not None else None
        share = self._attributes(loc("share", i) for i in range(len(model.share)))
        record = self._attributes(loc("record", i) for i in range(len(model.record)))
        link = self._attributes(loc("link", i) for i in range(len(model.link)))
        differs = self._attributes(loc("differs", i) for i in range(len(model.differs)))
        creates = model.creates if model.creates is not None else not link
        requires = None
        if model.requires is not None:
            requires = self._expr(loc("requires"), ASSOCIATION, set(self.attr_specs), role_names)
        return Role(
            model.role,
            when,
            share,
            record,
            link,
            model.limit,
            creates,
            exptype,
            model.reoffer == "existing",
            requires,
            differs,
            model.keeps_creating,
            _origin(loc("when") if model.when is not None else where, model.when or ""),
        )


def _origin(where: Located, text: str | None = None) -> Origin:
    """Where ``where`` is written, with its text (default: its value)."""
    pos = where.source.locate(where.path)
    shown = str(where.value) if text is None else text
    return Origin(shown, where.source.path, pos.line, pos.col)


def _columns_value(columns: list[str]) -> Compiled:
    """The value of the first of ``columns`` that is set (a column fallback)."""
    if len(columns) == 1:
        column = columns[0]
        return lambda s: s.row.get(column)

    def first(s: Any) -> Any:
        for column in columns:
            value = s.row.get(column)
            if s.truth(value):
                return value
        return None

    return first


def _text(text: str) -> Compiled:
    """A template part that is plain text."""
    return lambda s: text


def _all_of(
    conditions: list[Compiled], reads: dict[int, tuple[Compiled, frozenset[str]]]
) -> Compiled | None:
    """All of ``conditions``; the columns it reads noted in ``reads`` when all are known."""
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    combined: Compiled = lambda s: all(s.truth(c(s)) for c in conditions)  # noqa: E731
    found = [columns_read(reads, c) for c in conditions]
    if all(f is not None for f in found):
        reads[id(combined)] = (combined, frozenset().union(*(f for f in found if f)))
    return combined


_TEMPLATE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _split_template(text: str) -> list[tuple[str, str, int]]:
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


def _load_into(
    ruleset: Ruleset, path: Path, display: str, ctx: Context, earlier: Sequence[RuleFile] = ()
) -> list[RuleFile]:
    """Compile one ``-r`` file into ``ruleset``; return the files it read.

    A rule that extends its own name, with no such rule in its own includes, extends the
    rule of an earlier ``-r`` file (an overlay): the earlier files' definitions are then
    read first, as if included.
    """
    if not path.is_file():
        bundled = ", ".join(sorted(bundled_rulesets()))
        ctx.diagnostics.append(
            Diagnostic(display, 0, 0, "ASN001", f"no such rule file (bundled rulesets: {bundled})")
        )
        return []
    file = read_document(path, display, ctx)
    if file is None:
        return []
    files = gather(file, ctx)
    own = {n for f in files[:-1] for n in f.document.rules}
    if any(n in r.extends and n not in own for n, r in file.document.rules.items()):
        files = [f for f in earlier if f not in files] + files
    loader = _Loader(files, ctx, ruleset)
    loader.compile_rules()
    return files
