"""Lint: every problem of a set of rule files, each file checked on its own.

An overlay (a rule extending its own name) extends the files given before it, as
``generate -r`` loads them: ``asnrules lint stage3 overlay.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from asnrules.checks.poolcheck import PoolValues, check_pool
from asnrules.diagnostics import Diagnostic
from asnrules.engine.ruleset import Origin
from asnrules.engine.warnings import undone_in
from asnrules.language.documents import Context, RuleFile, resolve_ruleset_path
from asnrules.language.loader import load_rulesets
from asnrules.resources import bundled_rulesets


def lint_paths(paths: Sequence[str | Path], pool: PoolValues | None = None) -> list[Diagnostic]:
    """Return every problem found in the given rule files (each file checked on its own).

    With ``pool``, also the rules' literals that the pool never holds and the columns they
    read that it lacks (see :mod:`asnrules.checks.poolcheck`), except in a bundled ruleset
    given before other files: there it is the ruleset they extend (``lint stage3
    overlay.yaml --pool POOL``), whose values one pool seldom all holds.
    """
    found: list[Diagnostic] = []
    definitions: dict[str, list[tuple[Origin, bool]]] = {}
    earlier: list[RuleFile] = []
    bundled = {path.resolve() for path in bundled_rulesets().values()}
    for i, p in enumerate(paths):
        # the files read so far: an overlay's load reads their definitions too
        ctx = Context(files={f.path.resolve(): f for f in earlier})
        ruleset, diagnostics = load_rulesets([p], collect=True, context=ctx, earlier=earlier)
        found.extend(diagnostics)
        path = resolve_ruleset_path(p)
        context_only = i < len(paths) - 1 and path.resolve() in bundled
        if pool is not None and not context_only:
            found.extend(check_pool(ctx, ruleset, pool, path))
        for name, places in ruleset.definitions.items():
            definitions.setdefault(name, []).extend(places)
    found.extend(_undone_overrides(definitions))
    unique = {(d.path, d.line, d.col, d.code, d.message): d for d in found}
    return sorted(unique.values())


def _undone_overrides(definitions: dict[str, list[tuple[Origin, bool]]]) -> list[Diagnostic]:
    """ASN603 warnings for files linted together, in the order given (as ``-r`` loads them)."""
    return undone_in(definitions)
