"""A cache of parsed expressions across processes, so that loading rules skips Lark.

Parsing the bundled rulesets' ~1,300 expressions is most of the time it takes to load
them. A parsed expression is a tree of frozen dataclasses that depends only on its text
and on the parser, so the trees are kept in one file per parser: its name carries a hash
of the grammar, of :mod:`asnrules.language.expressions` (which builds the trees) and of the
asnrules version; each entry is keyed by the expression's own text. Everything else of
loading (YAML, validation, compilation and every check) runs as without the cache.

The file lives in ``$XDG_CACHE_HOME/asnrules`` (default ``~/.cache/asnrules``); it is
safe to delete, it is written atomically, it keeps at most :data:`MAX_TREES` trees (the
least recently used are dropped), and one that cannot be read or holds anything but
text-to-tree entries is ignored (and rewritten). ``ASNRULES_NO_CACHE=1`` turns the cache
off. Compiled rulesets are cached beside it (:mod:`asnrules.language.rulecache`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from asnrules.version import __version__

MAX_TREES = 5000
"""Most trees kept: the least recently used go first (the bundled rulesets have ~1,300)."""

_TREES: dict[str, Any] | None = None
_NEW = False


def enabled() -> bool:
    """Whether the cache is used (``ASNRULES_NO_CACHE`` unset or ``0``)."""
    return os.environ.get("ASNRULES_NO_CACHE", "") in ("", "0")


def folder() -> Path:
    """The cache folder: ``$XDG_CACHE_HOME/asnrules`` or ``~/.cache/asnrules``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "asnrules"


def _file() -> Path:
    from asnrules.language import expressions
    from asnrules.resources import data_dir

    digest = hashlib.sha256(__version__.encode())
    for source in (Path(expressions.__file__), data_dir("grammar") / "expr.lark"):
        digest.update(source.read_bytes())
    return folder() / f"expressions-{digest.hexdigest()[:20]}.pickle"


def _load() -> dict[str, Any]:
    try:
        with _file().open("rb") as handle:
            found = pickle.load(handle)
    except Exception:  # a missing, unreadable or corrupt cache is no cache
        return {}
    from asnrules.language.expressions import Node

    if not isinstance(found, dict) or not all(
        isinstance(k, str) and isinstance(v, Node) for k, v in found.items()
    ):
        return {}
    return found


def lookup(text: str) -> Any:
    """The cached tree of ``text``, or ``None``."""
    global _TREES
    if not enabled():
        return None
    if _TREES is None:
        _TREES = _load()
    found = _TREES.pop(text, None)
    if found is not None:
        _TREES[text] = found  # the most recently used last
    return found


def remember(text: str, tree: Any) -> None:
    """Keep the tree of ``text`` for :func:`save`."""
    global _NEW
    if _TREES is not None and enabled():
        _TREES[text] = tree
        _NEW = True


def save() -> None:
    """Write the trees when some were parsed anew; a failure to write is ignored."""
    global _NEW
    if not _NEW or _TREES is None:
        return
    _NEW = False
    for text in list(_TREES)[: max(0, len(_TREES) - MAX_TREES)]:
        del _TREES[text]
    store(_file(), _TREES)


def store(target: Path, data: object) -> bool:
    """Pickle ``data`` into the cache file ``target`` atomically; whether it was written.

    A failure leaves neither the file nor a temporary one (the cache is an optimisation).
    """
    handle = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False) as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except Exception:
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
        return False
    return True
