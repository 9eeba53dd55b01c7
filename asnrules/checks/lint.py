"""Lint: every problem of a set of rule files, each file checked on its own.

An overlay (a rule extending its own name) extends the files given before it, as
``generate -r`` loads them: ``asnrules lint stage3 overlay.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from asnrules.diagnostics import Diagnostic
from asnrules.engine.ruleset import Origin
from asnrules.language import rulecache

if TYPE_CHECKING:
    from asnrules.checks.poolcheck import PoolValues


def lint_paths(paths: Sequence[str | Path], pool: PoolValues | None = None) -> list[Diagnostic]:
    """Return every problem found in the given rule files (each file checked on its own).

    With ``pool``, also the rules' literals that the pool never holds and the columns they
    read that it lacks (see :mod:`asnrules.checks.poolcheck`), except in a bundled ruleset
    given before other files: there it is the ruleset they extend (``lint stage3
    overlay.yaml --pool POOL``), whose values one pool seldom all holds.

    Without a pool, the findings are cached as compiled rules are
    (:mod:`asnrules.language.rulecache`): keyed by the files read, the code and the hook
    plugins, so a hit gives exactly what linting again would.
    """
    if pool is None:
        return rulecache.cached("lint", list(paths), lambda: _lint(paths, None))
    return _lint(paths, pool)


def _lint(paths: Sequence[str | Path], pool: PoolValues | None) -> list[Diagnostic]:
    from asnrules.checks.poolcheck import check_pool
    from asnrules.engine.warnings import undone_in
    from asnrules.language.documents import Context, RuleFile, resolve_ruleset_path
    from asnrules.language.loader import load_rulesets
    from asnrules.resources import bundled_rulesets

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
    found.extend(undone_in(definitions))  # ASN603, for the files linted together, in order
    unique = {(d.path, d.line, d.col, d.code, d.message): d for d in found}
    return sorted(unique.values())
