"""Rules: the merged fields of each rule of a file compiled into engine rules."""

from __future__ import annotations

from functools import partial

from asnrules.engine.ruleset import (
    PRODUCTS,
    SAME_MEMBERS,
    Attribute,
    Origin,
    Role,
    Rule,
    Stage,
    Summary,
)
from asnrules.language.attributes import Attributes
from asnrules.language.compiler import MEMBER, Compiled, columns_read
from asnrules.language.definitions import Catalog, collect, stage_setting
from asnrules.language.documents import Located
from asnrules.language.functions import ASSOCIATION
from asnrules.language.hookcheck import RuleOffer, bind_hooks, offered_attributes
from asnrules.language.inheritance import Fields, Inheritance
from asnrules.language.loadstate import LoadState, origin
from asnrules.language.merging import entries, items
from asnrules.language.models import Summarize as SummarizeModel
from asnrules.language.roles import compile_roles
from asnrules.language.suggest import did_you_mean
from asnrules.language.templates import compile_template
from asnrules.language.warnings import warn_file, warn_rule
from asnrules.resources import data_dir


class RuleCompiler:
    """Compiles the rules and ``final_pass`` of one file (the last of ``state.files``)."""

    def __init__(self, state: LoadState) -> None:
        self.state = state
        self.catalog: Catalog = collect(state)
        self.attributes = Attributes(state, self.catalog)
        self.inheritance = Inheritance(state, self.catalog)

    def compile_file(self) -> None:
        """Add the file's stage, rules and ``final_pass`` conditions to the ruleset."""
        state, main, ruleset = self.state, self.state.main, self.state.ruleset
        stage = Stage(
            main.document.name or main.path.stem,
            main.path,
            self._deduplication(),
            main.document.mergeable,
            tuple(stage_setting(state, "member_identity") or ()),
        )
        ruleset.stages.append(stage)
        warn_file(state, self.catalog)
        bundled = main.path.resolve().parent == data_dir("rulesets").resolve()
        for name in main.document.rules:
            fields = self.inheritance.rule_fields(name)
            if fields is None:
                continue
            warn_rule(state, name, self.catalog.bases[name], fields)
            # a rule replacing one of an earlier ruleset keeps its place and stage
            previous = ruleset.rules.get(name)
            rule = self.compile_rule(name, previous.stage if previous else stage.name, fields)
            if rule is not None:
                ruleset.rules[name] = rule
                if rule.origin is not None:
                    ruleset.definitions.setdefault(name, []).append((rule.origin, bundled))
        final_pass = [
            state.expr(Located(text, main.source, ("final_pass", i)))
            for i, text in enumerate(main.document.final_pass)
        ]
        ruleset.final_pass = (*ruleset.final_pass, *(c for c in final_pass if c is not None))

    def _deduplication(self) -> tuple[str, ...]:
        """The stage's de-duplication rules (``deduplicate``; default: true)."""
        found = stage_setting(self.state, "deduplicate")
        if found is None or isinstance(found, bool):
            return (SAME_MEMBERS,) if found in (None, True) else ()
        return tuple(dict.fromkeys(found))

    def _check_identity(
        self, name: str, where: Located, fields: Fields, roles: list[Role] | tuple[Role, ...]
    ) -> None:
        """ASN118 when the rule writes not every ``member_identity`` field.

        A field is written when the rule's ``member_fields`` give it, or every role's.
        """
        identity = stage_setting(self.state, "member_identity") or ()
        written = set(entries(fields.get("member_fields")))
        by_roles = [{n for n, _ in role.member_fields} for role in roles]
        missing = [
            f
            for f in identity
            if f not in written and not (by_roles and all(f in r for r in by_roles))
        ]
        if missing:
            self.state.report(
                fields.get("member_fields") or where,
                "ASN118",
                f"rule {name!r} writes no member field {', '.join(map(repr, missing))}: "
                f"the ruleset's member_identity ({', '.join(identity)}) identifies members by it",
            )

    def compile_rule(self, name: str, stage: str, fields: Fields) -> Rule | None:
        """The engine rule of ``fields``; ``None`` when any part of it is wrong (reported)."""
        state = self.state
        where = self.catalog.bases[name]
        errors_before = len(state.ctx.diagnostics)
        asn_type = fields.get("asn_type")
        if asn_type is None or not asn_type.value:
            state.at(where, "ASN114", f"rule {name!r} has no asn_type", key=True)
            return None
        selects = [(state.expr(loc), origin(loc)) for loc in items(fields.get("select"))]
        share = self.attributes.resolve(items(fields.get("share")))
        roles = compile_roles(state, self.catalog, self.attributes, fields.get("members"))
        names = (self.attributes.names(), {r.name for r in roles})
        member_fields = self._member_fields(fields.get("member_fields"))
        self._check_identity(name, where, fields, roles)
        product_loc, file_loc = fields.get("product"), fields.get("file")
        product = self._template(product_loc, *names) if product_loc else (lambda s: "")
        file = self._template(file_loc, *names) if file_loc is not None else None
        document = self._document(fields.get("document"), *names)
        valid = [
            (state.expr(loc, ASSOCIATION, *names), origin(loc))
            for loc in items(fields.get("valid"))
        ]
        summary = self._summary(fields.get("summarize"), *names)
        offer = self._offer(share, roles, fields, *names)
        hooks = bind_hooks(items(fields.get("finalize")), offer, state.report)
        if state.errors_since(errors_before) or product is None or (file_loc and file is None):
            return None
        compiled_selects = tuple((c, o) for c, o in selects if c is not None)
        named_at = file_loc or where
        pos = named_at.source.locate(named_at.path, key=file_loc is None)
        rule_pos = where.source.locate(where.path, key=True)
        return Rule(
            name=name,
            stage=stage,
            asn_type=str(asn_type.value),
            select=_all_of([c for c, _ in compiled_selects], state.ruleset.reads),
            share=share,
            roles=roles,
            member_fields=member_fields,
            product=product,
            document=document,
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

    def _template(self, where: Located, attributes: set[str], roles: set[str]) -> Compiled | None:
        return compile_template(self.state, self.catalog.templates, where, attributes, roles)

    def _member_fields(self, where: Located | None) -> tuple[tuple[str, Compiled], ...]:
        compiled = ((key, self.state.expr(entry, MEMBER)) for key, entry in entries(where).items())
        return tuple((key, c) for key, c in compiled if c is not None)

    def _document(
        self, where: Located | None, attributes: set[str], roles: set[str]
    ) -> tuple[tuple[str, Compiled | None], ...]:
        document: list[tuple[str, Compiled | None]] = []
        doc_entries: dict[str, Located | None] = {**entries(where)}
        for key, entry in (doc_entries or {PRODUCTS: None}).items():
            if key == PRODUCTS or entry is None:
                document.append((key, None))
                continue
            compiled = self.state.expr(entry, ASSOCIATION, attributes, roles)
            if compiled is not None:
                document.append((key, compiled))
        return tuple(document)

    def _offer(
        self,
        share: tuple[Attribute, ...],
        roles: tuple[Role, ...],
        fields: Fields,
        attributes: set[str],
        role_names: set[str],
    ) -> RuleOffer:
        """What the rule gives its hooks: attributes, member fields (its roles' too), templates."""
        member_fields = set(entries(fields.get("member_fields")))
        member_fields.update(name for role in roles for name, _ in role.member_fields)
        templates = {
            name: partial(self._template, where, attributes, role_names)
            for name, where in self.catalog.templates.items()
        }
        return RuleOffer(offered_attributes(share, roles), frozenset(member_fields), templates)

    def _summary(
        self, where: Located | None, attributes: set[str], roles: set[str]
    ) -> Summary | None:
        if where is None or where.value is None:
            return None
        model: SummarizeModel = where.value
        if model.role not in roles:
            self.state.report(
                Located(model.role, where.source, (*where.path, "role")),
                "ASN305",
                f"summarize: the rule has no role {model.role!r}{did_you_mean(model.role, roles)}",
            )
            return None
        choose = None
        if model.choose is not None:
            choose_loc = Located(model.choose, where.source, (*where.path, "choose"))
            choose = self.state.expr(choose_loc, MEMBER)
        into = []
        for i, entry in enumerate(model.into):
            fields = []
            for key, text in entry.items():
                loc = Located(text, where.source, (*where.path, "into", i, key))
                compiled = self._template(loc, attributes, roles)
                if compiled is not None:
                    fields.append((key, compiled))
            into.append(tuple(fields))
        return Summary(model.role, choose, tuple(into))


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
