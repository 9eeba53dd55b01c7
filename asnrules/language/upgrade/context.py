"""What ``asnrules upgrade`` reads around a file: its includes, shared roles and bases.

Included files are found as the loader finds them (relative to the including file, else
a bundled ruleset) and read as plain data, whichever language version they are written
in: an including file is upgraded with the role names of its includes' shared roles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError
from asnrules.language.documents import include_target
from asnrules.language.positions import load_yaml


def shared_role_names(included: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, str]:
    """Shared role -> its role name, from the included files and then the file ``data``.

    A shared role written in 1.0 has no ``role:``; its name is its key.
    """
    names: dict[str, str] = {}
    for document in [*included, data]:
        names.update(_roles_of(document))
    return names


def inherited_members(included: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, list[str]]:
    """Rule of ``data`` -> the pieces writing ``members`` it is made of, when two or more.

    In 0.x the last ``members`` (through ``defaults`` and ``extends``) replaced the
    others; in 1.0 they merge by role name, so such a rule may have roles it did not have.
    """
    pieces: dict[str, Any] = {}
    for document in [*included, data]:
        for section in ("bases", "rules"):
            written = document.get(section)
            pieces.update(written if isinstance(written, dict) else {})
    rules = data.get("rules")
    defaults = data.get("defaults")
    found: dict[str, list[str]] = {}
    for name, rule in rules.items() if isinstance(rules, dict) else ():
        if not isinstance(rule, dict) or str(rule.get("abstract", "")).lower() == "true":
            continue
        queue = [(name, rule)]
        if isinstance(defaults, dict):
            queue.insert(0, ("defaults", defaults))
        writers = _writing_members(queue, pieces)
        if len(writers) > 1:
            found[name] = writers
    return found


def _extended(rule: dict[str, Any], pieces: dict[str, Any], own: str) -> list[tuple[str, Any]]:
    """The pieces ``rule`` extends (a rule extending its own name: an overlay, skipped)."""
    extends = rule.get("extends") or []
    names = [str(n) for n in ([extends] if isinstance(extends, str) else extends)]
    return [(n, pieces.get(n)) for n in names if n != own]


def _writing_members(queue: list[tuple[str, Any]], pieces: dict[str, Any]) -> list[str]:
    """The names of the pieces of ``queue``, and of what they extend, writing ``members``."""
    seen: set[str] = set()
    writers: list[str] = []
    while queue:
        name, piece = queue.pop(0)
        if not isinstance(piece, dict) or name in seen:
            continue
        seen.add(name)
        if "members" in piece:
            writers.append(name)
        queue += _extended(piece, pieces, name)
    return writers


def included_documents(
    path: Path, data: dict[str, Any], chain: tuple[Path, ...]
) -> list[dict[str, Any]]:
    """The documents ``data`` includes, depth first, found as the loader finds them.

    A path relative to the including file, else a bundled ruleset; unreadable files and
    cycles are skipped (the loader reports them).
    """
    found: list[dict[str, Any]] = []
    include = data.get("include") or []
    for name in [include] if isinstance(include, str) else include:
        target = include_target(path, str(name))
        if not target.is_file() or target.resolve() in chain:
            continue
        try:
            included, _ = load_yaml(target)
        except AsnRulesError:
            continue
        if isinstance(included, dict):
            found += included_documents(target, included, (*chain, target.resolve()))
            found.append(included)
    return found


def _roles_of(data: dict[str, Any]) -> dict[str, str]:
    roles = data.get("roles")
    if not isinstance(roles, dict):
        return {}
    return {
        key: str(role.get("role", key)) if isinstance(role, dict) else key
        for key, role in roles.items()
    }
