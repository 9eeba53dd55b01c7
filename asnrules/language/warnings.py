"""Warnings about a rule file that are not errors: things written that do nothing."""

from __future__ import annotations

from pathlib import Path

from asnrules.diagnostics import Severity
from asnrules.language.definitions import Catalog
from asnrules.language.documents import Located
from asnrules.language.inheritance import Fields
from asnrules.language.loadstate import LoadState

_NO_FIELD_EFFECT = {
    "member_fields": "every member is written as {}",
    "document": "its files hold only 'products'",
}


def warn_file(state: LoadState, catalog: Catalog) -> None:
    """Warn about templates shadowing attributes and includes whose keys are ignored."""
    main = state.main
    for name, where in catalog.templates.items():
        if name in catalog.attributes and where.source is main.source:
            state.at(
                where,
                "ASN702",
                f"template {name!r} shadows the attribute of that name: "
                f"{{{name}}} in a template means the template",
                key=True,
                severity=Severity.WARNING,
            )
    for i, entry in enumerate(main.document.include):
        target = Path(entry).name
        for f in state.files[:-1]:
            if f.path.name not in (target, f"{target}.yaml"):
                continue
            ignored = [k for k in ("defaults", "final_pass") if getattr(f.document, k)]
            if ignored:
                state.at(
                    Located(entry, main.source, ("include", i)),
                    "ASN703",
                    f"the {' and '.join(ignored)} of included {entry!r} are ignored here "
                    "(its defaults reach only its rules taken through extends; its bases "
                    "reach this file through extends); load it with -r to run its rules",
                    severity=Severity.WARNING,
                )


def warn_rule(state: LoadState, name: str, where: Located, fields: Fields) -> None:
    """Warn about a rule without member fields or document."""
    missing = [k for k in ("member_fields", "document") if k not in fields]
    if missing:
        state.at(
            where,
            "ASN701",
            f"rule {name!r} has no {' and no '.join(missing)}: "
            + "; ".join(_NO_FIELD_EFFECT[k] for k in missing)
            + " (extend a rule, a base or a defaults that gives them)",
            key=True,
            severity=Severity.WARNING,
        )
