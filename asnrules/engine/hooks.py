"""Registry of named hooks: behaviour a rule refers to by name because it is not declarative.

A finalize hook (:class:`~asnrules.engine.hookapi.FinalizeHook`) receives one association,
through the API of :mod:`asnrules.engine.hookapi`, and returns the associations that
replace it (an empty list drops it). Hooks are registered with :func:`hook`, which also
takes what they read (:class:`~asnrules.engine.hookapi.Needs`), documented by their
docstring, and referred to from YAML as ``finalize: [name]``.

Modules of hooks are plugins, found through the entry-point group ``asnrules.hooks`` (the
JWST hooks of :mod:`asnrules.jwst.hooks` are registered that way): the engine itself knows
none of them. A plugin that fails to import is remembered (:func:`plugin_failures`), not
raised, so that the loader can name it where a rule asks for one of its hooks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

from asnrules.engine.association import Association
from asnrules.engine.hookapi import NO_NEEDS, FinalizeHook, HookAssociation, Needs
from asnrules.engine.scope import Compiled

GROUP = "asnrules.hooks"
"""The entry-point group naming the modules of hooks."""


@dataclass(frozen=True)
class HookEntry:
    """A registered hook.

    Parameters
    ----------
    name : str
        The name rules use.
    function : FinalizeHook
        The hook.
    summary : str
        The first line of its docstring.
    example : str
        A YAML fragment showing its use.
    needs : Needs
        What it reads.
    plugin : str
        The entry point that registered it (empty when registered otherwise).
    """

    name: str
    function: FinalizeHook
    summary: str
    example: str
    needs: Needs = NO_NEEDS
    plugin: str = ""


@dataclass(frozen=True)
class PluginFailure:
    """A hook plugin that could not be imported: its entry point and the error."""

    name: str
    value: str
    error: str

    def __str__(self) -> str:
        return f"hook plugin {self.name!r} ({self.value}) failed to import: {self.error}"


@dataclass(frozen=True)
class BoundHook:
    """A hook bound to one rule: its declared templates compiled in that rule.

    The engine calls it with an association and gets the associations that replace it.
    """

    entry: HookEntry
    templates: Mapping[str, Compiled] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The hook's name."""
        return self.entry.name

    def __call__(self, asn: Association) -> list[Association]:
        """Run the hook on ``asn``; return the associations that replace it."""
        view = HookAssociation(asn, self.entry.needs, self.entry.name, self.templates)
        return [made.unwrap() for made in self.entry.function(view)]


HOOKS: dict[str, HookEntry] = {}
_FAILURES: list[PluginFailure] = []


@dataclass
class _Loading:
    """Whether the plugins were looked up, and which one is importing."""

    done: bool = False
    running: bool = False
    plugin: str = ""


_LOADING = _Loading()
_LOCK = threading.RLock()


def hook(
    name: str, example: str, needs: Needs = NO_NEEDS
) -> Callable[[FinalizeHook], FinalizeHook]:
    """Register a finalize hook under ``name``.

    Parameters
    ----------
    name : str
        Name used in rule files (``finalize: [name]``).
    example : str
        A YAML fragment showing its use (checked by the tests).
    needs : Needs
        The attributes, member fields, templates and columns it reads.
    """

    def register(function: FinalizeHook) -> FinalizeHook:
        if name in HOOKS:
            raise ValueError(f"hook {name!r} registered twice")
        doc = (function.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        HOOKS[name] = HookEntry(name, function, summary, example, needs, _LOADING.plugin)
        return function

    return register


def get_hook(name: str) -> HookEntry | None:
    """Return the hook registered as ``name`` (loading the hook plugins first)."""
    load_plugins()
    return HOOKS.get(name)


def plugin_failures() -> tuple[PluginFailure, ...]:
    """The hook plugins that failed to import (after :func:`load_plugins`)."""
    load_plugins()
    return tuple(_FAILURES)


def load_plugins() -> None:
    """Import every module of the entry-point group ``asnrules.hooks`` once.

    Importing a hook module registers its hooks (:func:`hook`). A module that raises is
    recorded as a :class:`PluginFailure`; the others still load. Other threads wait for
    the loading to finish; a plugin asking for hooks while it is imported does not start
    it again.
    """
    if _LOADING.done:
        return
    with _LOCK:
        if _LOADING.done or _LOADING.running:
            return
        _LOADING.running = True
        try:
            for entry in entry_points(group=GROUP):
                _load(entry)
        finally:
            _LOADING.running = False
            _LOADING.done = True


def _load(entry: EntryPoint) -> None:
    """Import one plugin, noting it as the registrant of its hooks, or its failure."""
    _LOADING.plugin = entry.name
    try:
        entry.load()
    except Exception as exc:
        _FAILURES.append(PluginFailure(entry.name, entry.value, f"{type(exc).__name__}: {exc}"))
    finally:
        _LOADING.plugin = ""


def reload_plugins() -> None:
    """Forget the plugins' failures and look the entry points up again (for tests).

    Hooks already registered stay; modules already imported are not imported again.
    """
    _FAILURES.clear()
    _LOADING.done = False
    load_plugins()
