"""Compiled rulesets (and lint findings) cached across processes, keyed by every input.

Loading the bundled rulesets reads YAML, validates it with pydantic, parses expressions
with Lark, type-checks and compiles them: most of the start of ``asnrules generate``. The
result of a load depends only on

- the arguments (the rule files as given, and the working folder they are relative to);
- the files the load looked at: every file it read (by the sha-256 of its bytes) and
  every place it looked for one and found none (an include is searched beside the
  including file before the bundled rulesets);
- the code: the asnrules version, the Python version, a hash of the source of the
  ``asnrules`` package (with the expression grammar) and where it is installed (the
  bundled rulesets' paths are shown in messages);
- the hooks: the registry once the plugins (entry points ``asnrules.hooks``) are
  imported, each hook with its plugin and declared needs, and the plugins that failed to
  import. Each hook a compiled rule names is also looked up again when the entry is
  read (its function is the one installed now), and one gone or changed makes the entry
  stale.

An entry's file name is a hash of all of these but the files; the entry
lists the files with their digests, checked before its payload is unpickled (by
:mod:`asnrules.language.closurepickle`). A hit therefore imports neither YAML, pydantic
nor Lark and compiles nothing; it returns the same compiled rules and the same load
warnings as a cold load.

Entries live beside the parse cache (:func:`asnrules.language.parsecache.folder`), are
written atomically, are safe to delete, and one that cannot be read, is corrupt, belongs
to another key or is stale is ignored and rewritten. At most :data:`MAX_ENTRIES` are
kept (the least recently used go first). ``ASNRULES_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from asnrules.language import parsecache
from asnrules.version import __version__

if TYPE_CHECKING:
    from asnrules.diagnostics import Diagnostic
    from asnrules.engine.ruleset import Ruleset

T = TypeVar("T")

FORMAT = 1
"""The layout of an entry; a change makes every older entry foreign."""
MAX_ENTRIES = 32
"""Most entries kept in the folder: older ones are pruned when one is written."""
PREFIX = "compiled-"


class _Recording(threading.local):
    probes: dict[str, bool] | None = None
    """While a load is recorded (in this thread): each path it looked at, and whether it
    was a file."""


_RECORDING = _Recording()


def looked_at(path: Path, found: bool) -> None:
    """Note that the load being recorded looked for ``path`` and found a file or not."""
    if _RECORDING.probes is not None:
        _RECORDING.probes.setdefault(str(path), found)


def is_file(path: Path) -> bool:
    """``path.is_file()``, noted for the load being recorded."""
    found = path.is_file()
    looked_at(path, found)
    return found


def cached(
    kind: str,
    names: Sequence[str | Path],
    compute: Callable[[], T],
    after: Callable[[T], T] | None = None,
) -> T:
    """The result of ``compute()`` for the rule files ``names``, from the cache if it holds.

    Parameters
    ----------
    kind : str
        What is computed (``rules``, ``lint``): one cache entry per kind and arguments.
    names : sequence of str or Path
        The arguments, as given (paths relative to the working folder, bundled names).
    compute : callable
        Computes the result, reading the rule files through :func:`is_file` and
        :func:`looked_at`; an exception it raises propagates and nothing is cached.
    after : callable, optional
        Applied to a result read from the cache before it is returned.
    """
    if not parsecache.enabled():
        return compute()
    key = _key(kind, names)
    entry = parsecache.folder() / f"{PREFIX}{kind}-{key[:32]}.pickle"
    found = _read(entry, key)
    if found is not None:
        return found if after is None else after(found)  # type: ignore[no-any-return]
    outer = _RECORDING.probes
    probes: dict[str, bool] = {}
    _RECORDING.probes = probes
    try:
        result = compute()
    finally:
        _RECORDING.probes = outer
    if outer is not None:  # a recorded load around this one depends on these files too
        outer.update(probes)
    _write(entry, key, probes, result)
    return result


def load_rules(names: Sequence[str | Path]) -> tuple[Ruleset, list[Diagnostic]]:
    """:func:`~asnrules.language.loader.load_rulesets` of ``names``, from the cache if it holds.

    Raises
    ------
    AsnRulesError
        When a file has a problem (nothing is cached then).
    """

    def compile_rules() -> tuple[Ruleset, list[Diagnostic]]:
        from asnrules.language.loader import load_rulesets

        return load_rulesets(names)

    return cached("rules", names, compile_rules, _rekeyed)


def _key(kind: str, names: Sequence[str | Path]) -> str:
    code = (__version__, sys.version, _code(), __file__)  # where: bundled files' paths
    parts = (FORMAT, kind, [str(n) for n in names], os.getcwd(), code, _hooks())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@cache
def _code() -> str:
    """A hash of the source of the asnrules package and of the expression grammar."""
    from asnrules.resources import data_dir

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    digest.update((data_dir("grammar") / "expr.lark").read_bytes())
    return digest.hexdigest()


def _hooks() -> tuple[list[tuple[str, str, str]], list[str]]:
    """The hook registry once the plugins are imported, as the checks of a load see it.

    Each hook's name, plugin and declared needs, and the plugins that failed to import.
    """
    from asnrules.engine import hooks

    failures = [str(failure) for failure in hooks.plugin_failures()]
    registered = sorted((e.name, e.plugin, repr(e.needs)) for e in hooks.HOOKS.values())
    return registered, failures


def _digest(path: Path) -> str | None:
    """The sha-256 of the file at ``path``; ``None`` when it is no readable file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


class _Envelope(pickle.Unpickler):
    """Unpickles an entry's envelope: plain data only, never a class or a function."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} in a cache envelope")


def _read(entry: Path, key: str) -> Any:
    """The payload of ``entry`` if it is ours, for ``key``, and every file is unchanged."""
    from asnrules.language import closurepickle

    try:
        with entry.open("rb") as handle:
            envelope = _Envelope(handle).load()
        if not isinstance(envelope, dict) or envelope.get("key") != key:
            return None
        for path, digest in envelope["files"]:
            if _digest(Path(path)) != digest:
                return None
        payload = closurepickle.loads(envelope["payload"])
    except Exception:  # a missing, unreadable, corrupt, foreign or stale entry is no entry
        return None
    try:
        os.utime(entry)  # recently used: pruned last
    except OSError:  # a cache folder that cannot be written is still read
        pass
    return payload


def _rekeyed(loaded: tuple[Ruleset, list[Diagnostic]]) -> tuple[Ruleset, list[Diagnostic]]:
    """The ruleset's ``reads`` keyed again by the ``id`` of each (unpickled) closure."""
    ruleset = loaded[0]
    ruleset.reads = {id(c): (c, columns) for c, columns in ruleset.reads.values()}
    return loaded


def _write(entry: Path, key: str, probes: dict[str, bool], result: object) -> None:
    """Write ``result`` with the files it came from; any failure leaves no entry."""
    from asnrules.language import closurepickle

    try:
        files = sorted(
            (path, _digest(Path(path)) if found else None) for path, found in probes.items()
        )
        data = {"key": key, "files": files, "payload": closurepickle.dumps(result)}
    except Exception:  # not picklable: the cache is an optimisation only
        return
    if parsecache.store(entry, data):
        try:
            _prune(entry.parent)
        except OSError:  # another process pruned at the same time
            pass


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries."""
    entries = sorted(folder.glob(f"{PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
