"""``asnrules rulesets``: list the bundled rulesets, or print one to read or copy."""

from __future__ import annotations

from asnrules.diagnostics import AsnRulesError
from asnrules.resources import bundled_rulesets


def list_rulesets() -> str:
    """One line per bundled ruleset: its name and its rules."""
    from asnrules.language.loader import load_rulesets

    lines = []
    for name, file in bundled_rulesets().items():
        try:
            ruleset, _ = load_rulesets([file])
        except AsnRulesError:
            lines.append(f"{name}: (definitions only)")
            continue
        lines.append(f"{name}: {', '.join(ruleset.rules) or '(definitions only)'}")
    return "\n".join(lines)


def show_ruleset(name: str) -> str | None:
    """The text of a bundled ruleset (``stage3`` or ``stage3.yaml``), or None if unknown."""
    bundled = bundled_rulesets()
    for key in (name, f"{name}.yaml"):
        if key in bundled:
            return bundled[key].read_text(encoding="utf-8")
    return None
