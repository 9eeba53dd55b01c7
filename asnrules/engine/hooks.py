"""Registry of named hooks: behaviour a rule refers to by name because it is not declarative.

A finalize hook receives one association and returns the associations that replace it
(an empty list drops it). Hooks are registered with :func:`hook`, documented by their
docstring, and referred to from YAML as ``finalize: [name]``. Modules of hooks are
plugins, found through the entry-point group ``asnrules.hooks`` (the JWST hooks of
:mod:`asnrules.jwst.hooks` are registered that way): the engine itself knows none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FinalizeHook = Callable[[Any], list[Any]]


@dataclass(frozen=True)
class HookEntry:
    """A registered hook: its name, function, one-line summary and YAML example."""

    name: str
    function: FinalizeHook
    summary: str
    example: str


HOOKS: dict[str, HookEntry] = {}


def hook(name: str, example: str) -> Callable[[FinalizeHook], FinalizeHook]:
    """Register a finalize hook under ``name``.

    Parameters
    ----------
    name : str
        Name used in rule files (``finalize: [name]``).
    example : str
        A YAML fragment showing its use (checked by the tests).
    """

    def register(function: FinalizeHook) -> FinalizeHook:
        if name in HOOKS:
            raise ValueError(f"hook {name!r} registered twice")
        summary = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        HOOKS[name] = HookEntry(name, function, summary, example)
        return function

    return register


def get_hook(name: str) -> HookEntry | None:
    """Return the hook registered as ``name`` (loading the hook plugins first)."""
    load_plugins()
    return HOOKS.get(name)


_PLUGINS_LOADED = False


def load_plugins() -> None:
    """Import every module of the entry-point group ``asnrules.hooks`` once.

    Importing a hook module registers its hooks (:func:`hook`).
    """
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED = True
    from importlib.metadata import entry_points

    for entry in entry_points(group="asnrules.hooks"):
        entry.load()
