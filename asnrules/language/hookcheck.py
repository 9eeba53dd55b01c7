"""Bind the hooks a rule names (``finalize: [name]``), checking what each one needs.

Each name must be a registered hook (:mod:`asnrules.engine.hooks`; ASN302, or ASN321 when a
hook plugin failed to import and the hook may have been in it). The rule must provide
what the hook declares it reads (:class:`~asnrules.engine.hookapi.Needs`, ASN320): its
attributes shared or recorded by the rule, its member fields in the rule's (or a role's)
``member_fields``, its templates defined by the ruleset and compiling in the rule. Every problem is
reported at the hook's name in the rule file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from asnrules.engine.hooks import HOOKS, BoundHook, HookEntry, get_hook, plugin_failures
from asnrules.engine.ruleset import Attribute, Role
from asnrules.engine.scope import Compiled
from asnrules.language.documents import Located
from asnrules.language.suggest import did_you_mean

Report = Callable[[Located, str, str], None]
"""Records a located error: where, code, message."""


@dataclass(frozen=True)
class RuleOffer:
    """What one rule gives its hooks.

    Parameters
    ----------
    attributes : frozenset of str
        Attributes the rule shares or records (in the rule or any role).
    fields : frozenset of str
        The rule's member fields.
    templates : mapping of str to callable
        The ruleset's templates by name, each compiling (reporting its own errors) into a
        closure of the rule's association context, or ``None``.
    """

    attributes: frozenset[str]
    fields: frozenset[str]
    templates: Mapping[str, Callable[[], Compiled | None]]


def offered_attributes(share: Iterable[Attribute], roles: Iterable[Role]) -> frozenset[str]:
    """The names of the attributes a rule shares or records, in the rule or its roles."""
    names = {a.name for a in share}
    for role in roles:
        names.update(a.name for a in (*role.share, *role.record))
    return frozenset(names)


def bind_hooks(names: Iterable[Located], offer: RuleOffer, report: Report) -> list[BoundHook]:
    """Resolve and check the hooks a rule names; report the problems.

    Parameters
    ----------
    names : iterable of Located
        The entries of the rule's ``finalize`` list.
    offer : RuleOffer
        What the rule provides.
    report : callable
        Records an error at a location.

    Returns
    -------
    list of BoundHook
        The hooks that resolved and whose needs the rule meets, in order.
    """
    bound = []
    for where in names:
        entry = get_hook(str(where.value))
        if entry is None:
            report(where, *_unknown(str(where.value)))
            continue
        lacking = _lacking(entry, offer)
        if lacking:
            report(where, "ASN320", f"hook {entry.name!r} needs {'; '.join(lacking)}")
            continue
        templates = {name: offer.templates[name]() for name in entry.needs.templates}
        compiled = {name: c for name, c in templates.items() if c is not None}
        if len(compiled) == len(templates):
            bound.append(BoundHook(entry, compiled))
    return bound


def _unknown(name: str) -> tuple[str, str]:
    """Code and message for a hook name nobody registered."""
    message = f"unknown hook {name!r}{did_you_mean(name, HOOKS)}"
    failures = plugin_failures()
    if failures:
        return "ASN321", f"{message} ({'; '.join(str(f) for f in failures)})"
    return "ASN302", message


def _lacking(entry: HookEntry, offer: RuleOffer) -> list[str]:
    """What the hook needs that the rule does not provide, as phrases."""
    needs = entry.needs
    lacking = []
    attributes = [a for a in needs.attributes if a not in offer.attributes]
    if attributes:
        lacking.append(f"the rule to share or record {_names(attributes)}")
    fields = [f for f in needs.fields if f not in offer.fields]
    if fields:
        lacking.append(f"the member fields {_names(fields)} in the rule's 'member_fields'")
    templates = [t for t in needs.templates if t not in offer.templates]
    if templates:
        lacking.append(f"the templates {_names(templates)} in the ruleset's 'templates'")
    return lacking


def _names(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)
