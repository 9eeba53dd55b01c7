"""Load rule files: YAML with positions -> pydantic models -> expressions -> compiled rules.

Layers, in order: :mod:`positions` reads the YAML, :mod:`models` checks its shape,
:mod:`expressions` parses every expression, :mod:`compiler` resolves names and builds
closures. This module resolves the files to load and their includes; each file is then
compiled by :class:`~asnrules.language.rules.RuleCompiler` (definitions, inheritance,
attributes, roles, templates each in their own module), every problem becoming a located
:class:`~asnrules.diagnostics.Diagnostic`. ``collect=True`` gathers all problems (lint),
a schema error hiding none of the rest of its file; otherwise the first file's problems
raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity
from asnrules.engine.ruleset import Ruleset
from asnrules.language import parsecache
from asnrules.language.documents import (
    Context,
    RuleFile,
    gather,
    read_document,
    resolve_ruleset_path,
)
from asnrules.language.loadstate import LoadState
from asnrules.language.rules import RuleCompiler
from asnrules.resources import DEFAULT_RULESETS, bundled_rulesets


def load_rulesets(
    paths: Sequence[str | Path] | None = None,
    *,
    collect: bool = False,
    context: Context | None = None,
    earlier: list[RuleFile] | None = None,
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
    earlier : list of RuleFile, optional
        Files read by earlier loads, which an overlay among ``paths`` extends as if they
        were earlier ``-r`` files (lint checks each file on its own, in ``-r`` order); the
        files read here are appended to it.

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
        return _load_rulesets(paths, collect, context, [] if earlier is None else earlier)
    finally:
        parsecache.save()


def _load_rulesets(
    paths: Sequence[str | Path] | None,
    collect: bool,
    context: Context | None,
    earlier: list[RuleFile],
) -> tuple[Ruleset, list[Diagnostic]]:
    names = list(paths) if paths else list(DEFAULT_RULESETS)
    ctx = context if context is not None else Context()
    ruleset = Ruleset()
    loaded: set[Path] = set()
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


def _load_into(
    ruleset: Ruleset, path: Path, display: str, ctx: Context, earlier: Sequence[RuleFile] = ()
) -> list[RuleFile]:
    """Compile one ``-r`` file into ``ruleset``; return the files it read.

    A rule that extends its own name, with no such rule in its own includes, extends the
    rule of an earlier ``-r`` file (an overlay); so does a rule or base extending a name
    its own files do not define. The earlier files' definitions are then read first, as
    if included.
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
    known = {n for f in files for n in (*f.document.rules, *f.document.bases)}
    pieces = {**file.document.bases, **file.document.rules}.items()
    if any(b not in known or (b == n and n not in own) for n, r in pieces for b in r.extends):
        files = [f for f in earlier if f not in files] + files
    RuleCompiler(LoadState(files, ctx, ruleset)).compile_file()
    return files
