"""Rule files as documents: reading, schema validation, includes, located values.

A rule file is read by :mod:`positions` (YAML with node positions) and validated by the
pydantic models of :mod:`models`; schema errors become diagnostics located at the
offending key or value, with the nearest valid key suggested for unknown ones. Values
taken from a document keep where they were written (:class:`Located`), so that later
layers can report problems at the right line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from asnrules.diagnostics import AsnRulesError, Diagnostic
from asnrules.language import rulecache
from asnrules.language.models import AttributeSpec, Candidates, Document, Orphans
from asnrules.language.models import Role as RoleModel
from asnrules.language.models import Rule as RuleModel
from asnrules.language.positions import PathKey, SourceMap, load_yaml
from asnrules.language.suggest import did_you_mean
from asnrules.resources import bundled_rulesets


@dataclass
class Located:
    """A value with the file and path it was written at."""

    value: Any
    source: SourceMap
    path: PathKey


@dataclass
class RuleFile:
    """A validated rule file."""

    path: Path
    document: Document
    source: SourceMap
    broken: bool = False
    """Schema errors were found; ``document`` holds what was valid around them."""


@dataclass
class Context:
    """What one load has read so far, and the problems found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: dict[Path, RuleFile | None] = field(default_factory=dict)
    expressions: list[Parsed] = field(default_factory=list)
    """Every expression compiled, with where it is written (read by ``lint --pool``)."""


@dataclass(frozen=True)
class Parsed:
    """An expression the loader parsed: where, its tree, its context."""

    where: Located
    node: Any
    context: str


def resolve_ruleset_path(name: str | Path) -> Path:
    """Return the file for a ruleset given as a path or as a bundled name.

    Parameters
    ----------
    name : str or Path
        A file path, or the name of a bundled ruleset (``stage3.yaml`` or ``stage3``).
    """
    path = Path(name)
    if rulecache.is_file(path):
        return path
    bundled = bundled_rulesets()
    for key in (str(name), f"{name}.yaml"):
        if key in bundled:
            return bundled[key]
    return path


def include_target(including: Path, name: str) -> Path:
    """The file an ``include`` entry ``name`` of the file ``including`` names.

    A path relative to the including file (or absolute), else a bundled ruleset.
    """
    target = including.parent / name
    return target if rulecache.is_file(target) else resolve_ruleset_path(name)


def read_document(path: Path, display: str, ctx: Context) -> RuleFile | None:
    """Read and validate one rule file once per load; problems go to ``ctx``."""
    rulecache.looked_at(path, path.is_file())
    key = path.resolve() if path.exists() else path
    if key in ctx.files:
        return ctx.files[key]
    ctx.files[key] = None
    try:
        data, source = load_yaml(path, display)
    except AsnRulesError as exc:
        ctx.diagnostics.extend(exc.diagnostics)
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        ctx.diagnostics.append(
            source.diagnostic((), "ASN112", "a rule file must be a mapping of keys")
        )
        return None
    if str(data.get("asnrules", "1.0")) != "1.0":
        ctx.diagnostics.append(_version_problem(str(data["asnrules"]), source))
        return None
    document, problems = validate(data, source)
    if document is None:
        ctx.diagnostics.extend(problems)
        return None
    ctx.diagnostics.extend(problems)
    loaded = RuleFile(path, document, source, broken=bool(problems))
    ctx.files[key] = loaded
    return loaded


def _version_problem(version: str, source: SourceMap) -> Diagnostic:
    """The error for a file written in another version of the rule language."""
    if version in ("1", "0"):
        message = (
            "written in rule language 0.x; `asnrules upgrade FILE` rewrites it in 1.0 "
            "(which says `asnrules: 1.0`, or nothing)"
        )
        return source.diagnostic(("asnrules",), "ASN116", message)
    return source.diagnostic(
        ("asnrules",), "ASN112", f"asnrules: unknown rule language version {version!r} (1.0)"
    )


MAX_REPAIRS = 50
"""Schema errors reported per file before the rest of it is given up."""


def validate(data: dict[str, Any], source: SourceMap) -> tuple[Document | None, list[Diagnostic]]:
    """Validate ``data``; on schema errors, drop what is wrong and validate the rest.

    Every key holding an error is reported and removed (the innermost mapping key that
    contains it: a misspelled key, a bad value, a role lacking a required key), and the
    remainder is validated again, so that the rest of the file is still compiled and all
    of its problems are reported in one run, as a linter should.

    Returns
    -------
    document, diagnostics
        The document made of the valid part (``None`` when nothing could be kept) and the
        schema errors found.
    """
    found: dict[tuple[int, int, str], Diagnostic] = {}
    for _ in range(MAX_REPAIRS):
        try:
            return Document.model_validate(data), list(found.values())
        except ValidationError as exc:
            for d in _schema_diagnostics(exc, source):
                found.setdefault((d.line, d.col, d.code), d)
            targets = [_target(data, tuple(e["loc"]), e["type"]) for e in _innermost(exc)]
            if None in targets:
                break
            for mapping, key in [t for t in targets if t is not None]:
                mapping.pop(key, None)
    return None, list(found.values())


def _target(data: dict[str, Any], loc: tuple[Any, ...], kind: str) -> tuple[Any, str] | None:
    """The innermost mapping and key of ``data`` holding the error at ``loc``."""
    path = [p for p in loc if not _is_union_tag(p)]
    if kind == "missing":
        path = path[:-1]
    node: Any = data
    found: tuple[Any, str] | None = None
    for part in path:
        if isinstance(node, dict) and part in node:
            found, node = (node, part), node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    return found


def _innermost(exc: ValidationError) -> list[Any]:
    """The errors of ``exc`` but those at a place holding another error.

    A value of a union field (a role mapping or a role name; an attribute's mapping, name
    or list) fails once per alternative: when the mapping alternative has an error inside
    it, the "not a string" and "not a list" errors of the same value are noise.
    """
    errors = exc.errors()
    places = [tuple(p for p in e["loc"] if not _is_union_tag(p)) for e in errors]
    return [
        e
        for e, place in zip(errors, places, strict=True)
        if not any(len(other) > len(place) and other[: len(place)] == place for other in places)
    ]


def _schema_diagnostics(exc: ValidationError, source: SourceMap) -> list[Diagnostic]:
    found = []
    for err in _innermost(exc):
        loc = tuple(p for p in err["loc"] if not _is_union_tag(p))
        renamed = _renamed(loc, err)
        if renamed is not None:
            key = err["type"] == "extra_forbidden"
            message = f"{renamed}; `asnrules upgrade` rewrites 0.x files"
            found.append(source.diagnostic(loc, "ASN115", message, key=key))
        elif err["type"] == "extra_forbidden":
            key = str(loc[-1])
            hint = did_you_mean(key, _valid_keys(loc[:-1]))
            found.append(source.diagnostic(loc, "ASN110", f"unknown key {key!r}{hint}", key=True))
        elif err["type"] == "missing":
            found.append(
                source.diagnostic(loc[:-1], "ASN111", f"missing required key {loc[-1]!r}", key=True)
            )
        else:
            where = ".".join(str(p) for p in loc) or "document"
            found.append(source.diagnostic(loc, "ASN112", f"{where}: {err['msg']}"))
    # a value of a union field fails once per alternative: keep one message per position
    unique: dict[tuple[int, int, str], Diagnostic] = {}
    for d in found:
        unique.setdefault((d.line, d.col, d.code), d)
    return list(unique.values())


_RENAMED_KEYS = {
    "rule": {
        "member": "'member' is 'member_fields' in rule language 1.0",
        "abstract": "'abstract' is gone in rule language 1.0: a rule that is only a base is "
        "written under the top-level 'bases' section",
    },
    "role": {
        "role": "'role' is gone in rule language 1.0: 'members' maps each role's name to the "
        "role (a shared role: 'name: {extends: shared_role}')",
        "reoffer": "'reoffer: existing' is 'rejoin: true' in rule language 1.0",
        "exptype": "'exptype' is 'member_fields: {exptype: ...}' in rule language 1.0",
    },
    "document": {
        "reoffer": "top-level 'reoffer' is 'final_pass' (a list of row conditions) in rule "
        "language 1.0",
    },
    "attribute": {
        "from": "'from' is gone in rule language 1.0: an attribute's value is an expression "
        "(a column, or 'first_set(a, b)' for a fallback)",
        "optional": "'optional' is gone in rule language 1.0: write 'name?' where the "
        "attribute is shared",
    },
}
"""0.x keys and what rule language 1.0 says instead, by the kind of mapping they are in."""


def _renamed(loc: tuple[Any, ...], err: Any) -> str | None:
    """The message for a 0.x spelling met at ``loc``, or ``None``."""
    if err["type"] == "extra_forbidden":
        return _RENAMED_KEYS.get(_kind(loc[:-1]), {}).get(str(loc[-1]))
    value = err.get("input")
    if loc and loc[-1] == "members" and isinstance(value, list):
        return (
            "'members' is a map in rule language 1.0: role name -> role "
            "(a shared role: 'name: {extends: shared_role}')"
        )
    if len(loc) == 2 and loc[0] == "attributes" and isinstance(value, list):
        return (
            "an attribute is an expression in rule language 1.0: write "
            f"'first_set({', '.join(map(str, value))})' for a column fallback"
        )
    return None


def _kind(loc: tuple[Any, ...]) -> str:
    """The kind of mapping at ``loc``: document, rule, role, attribute, ... ."""
    if not loc:
        return "document"
    head = loc[0]
    if head in ("rules", "bases", "defaults"):
        inside = loc[1:] if head == "defaults" else loc[2:]
        if not inside:
            return "rule"
        return "role" if inside[0] == "members" and len(inside) == 2 else "other"
    if head == "roles" and len(loc) == 2:
        return "role"
    if head == "attributes" and len(loc) == 2:
        return "attribute"
    return str(head)


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and (
        part in ("AttributeSpec", "Role", "str", "list[str]")
        or part.startswith(("list[", "function-"))
    )


def _valid_keys(loc: tuple[Any, ...]) -> set[str]:
    models: dict[str, type[Any]] = {
        "document": Document,
        "rule": RuleModel,
        "role": RoleModel,
        "attribute": AttributeSpec,
        "candidates": Candidates,
        "orphans": Orphans,
    }
    model = models.get(_kind(loc))
    return set(model.model_fields) if model is not None else set()


def gather(file: RuleFile, ctx: Context, chain: tuple[Path, ...] = ()) -> list[RuleFile]:
    """Return ``file``'s includes (depth first, each once) followed by ``file``."""
    ordered: list[RuleFile] = []
    for i, name in enumerate(file.document.include):
        target = include_target(file.path, name)
        if target.resolve() in chain or target.resolve() == file.path.resolve():
            ctx.diagnostics.append(
                file.source.diagnostic(("include", i), "ASN003", f"{name!r} includes itself")
            )
            continue
        if not target.is_file():
            ctx.diagnostics.append(
                file.source.diagnostic(
                    ("include", i), "ASN002", f"cannot find included file {name!r}"
                )
            )
            continue
        included = read_document(target, str(target), ctx)
        if included is None or included.broken:
            ctx.diagnostics.append(
                file.source.diagnostic(
                    ("include", i), "ASN004", f"included file {name!r} has errors"
                )
            )
        if included is None:
            continue
        for f in gather(included, ctx, (*chain, file.path.resolve())):
            if f not in ordered:
                ordered.append(f)
    ordered.append(file)
    return ordered
