"""Compiled rules to bytes and back: closures kept as code, cells and the globals they read.

A compiled expression is a closure (:mod:`asnrules.language.build`). :class:`RulePickler`
writes each closure that cannot be imported by name, and each function of
:mod:`asnrules.language` (so that reading the rules back imports none of the compiler's
modules), as its code object (``marshal``), its cells and a dictionary of just the
globals its code names; unpickling makes a plain function of the same code, so a cached
ruleset runs exactly as fast as a freshly compiled one. The globals may be functions and
classes (other packages' by reference: their modules are imported, none of which needs
Lark, pydantic or YAML), modules, or immutable constants; a closure reading anything
else, or assigning a global, is refused (:class:`Unpicklable`; a function that can be
imported is then pickled by reference) and the ruleset is then simply not cached.

Hooks are pickled by name: unpickling looks each one up in the hook registry, as loading
does, and raises :class:`StaleError` when it is gone or now declares other needs (a plugin
was removed or changed), so that the ruleset is compiled again.
"""

from __future__ import annotations

import builtins
import dis
import gc
import importlib
import io
import marshal
import pickle
import re
import sys
import types
from collections.abc import Mapping
from functools import cache
from typing import Any

from asnrules.engine.hookapi import Needs
from asnrules.engine.hooks import BoundHook, HookEntry, get_hook

_CONSTANTS = (str, bytes, int, float, complex, bool, type(None), re.Pattern)
_STORES = {"STORE_GLOBAL", "DELETE_GLOBAL"}
_CELL_STORES = {"STORE_DEREF", "DELETE_DEREF"}
_BY_VALUE = "asnrules.language."


class Unpicklable(pickle.PicklingError):
    """A closure whose globals cannot be kept safely by value."""


class StaleError(Exception):
    """A pickled ruleset that no longer holds: one of its hooks is gone or changed."""


def dumps(payload: object) -> bytes:
    """Pickle ``payload`` (compiled rules, diagnostics) with :class:`RulePickler`."""
    buffer = io.BytesIO()
    RulePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(payload)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    """The object :func:`dumps` pickled (raises :class:`StaleError` when a hook changed).

    The collector is paused meanwhile: the thousands of functions made would otherwise
    start it again and again, for nothing (it is twice as fast so).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if paused:
            gc.enable()


class RulePickler(pickle.Pickler):
    """A pickler that keeps closures, code objects, modules and bound hooks (see module doc)."""

    def reducer_override(self, obj: Any) -> Any:
        """Reduce the objects plain pickle refuses; the others as pickle does."""
        if isinstance(obj, types.FunctionType):
            return _reduce_function(obj)
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, types.CodeType):
            return marshal.loads, (marshal.dumps(obj),)
        if isinstance(obj, BoundHook):
            entry = obj.entry
            return _bound_hook, (entry.name, entry.needs, entry.plugin, dict(obj.templates))
        if isinstance(obj, HookEntry):
            return _hook_entry, (obj.name, obj.needs, obj.plugin)
        return NotImplemented


def _importable(function: types.FunctionType) -> bool:
    """Whether ``function`` is found again by its module and qualified name."""
    module = sys.modules.get(function.__module__)
    found: Any = module
    for part in function.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is function


def _reduce_function(function: types.FunctionType) -> Any:
    """A closure by value; a function of another package by reference (pickle's way).

    Functions of :mod:`asnrules.language` are kept by value when they can be, so that
    reading the ruleset back imports none of the compiler's modules.
    """
    importable = _importable(function)
    module = function.__module__
    if importable and (module == __name__ or not module.startswith(_BY_VALUE)):
        return NotImplemented  # this module's own functions rebuild the others
    try:
        return _by_value(function)
    except Unpicklable:
        if importable:
            return NotImplemented
        raise


def _by_value(function: types.FunctionType) -> tuple[Any, ...]:
    """Reduce ``function`` to its code and module; its globals and cells come as state."""
    code = function.__code__
    if function.__dict__:
        raise Unpicklable(f"{function.__qualname__} carries attributes")
    module = sys.modules.get(function.__module__)
    if module is None:
        raise Unpicklable(f"the module of {function.__qualname__} is not imported")
    namespace = vars(module)
    used = {name: namespace[name] for name in _global_names(code) if name in namespace}
    for name, value in used.items():
        if not _kept_by_reference_or_value(value):
            raise Unpicklable(f"{function.__qualname__} reads the global {name!r} by value")
    cells = function.__closure__ or ()
    contents = tuple(_contents(cell) for cell in cells)
    extras = (
        function.__name__,
        function.__qualname__,
        function.__defaults__,
        function.__kwdefaults__,
    )
    # Python 3.10's code has no co_qualname: a function made of it is named co_name
    plain = extras == (code.co_name, getattr(code, "co_qualname", None), None, None)
    state = (used, contents, None if plain else extras)
    return _function, (code, function.__module__, len(cells)), state, None, None, _complete


def _contents(cell: types.CellType) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # a variable not yet bound when the closure was made
        return _Empty


class _Empty:
    """Marks an empty cell in a pickled closure."""


@cache
def _global_names(code: types.CodeType) -> frozenset[str]:
    """The global names ``code`` (with the code nested in it) may read.

    Remembered by code object: the closures of one kind share their code. Code that
    assigns a global, or a variable of an enclosing function (``nonlocal``: the cell
    may be shared with other closures, which unpickled closures would not be), is refused.
    """
    names: set[str] = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in _STORES:
            raise Unpicklable(f"{code.co_name} assigns the global {instruction.argval!r}")
        if instruction.opname in _CELL_STORES and instruction.argval in code.co_freevars:
            raise Unpicklable(f"{code.co_name} assigns {instruction.argval!r} of its closure")
        if instruction.opname == "LOAD_GLOBAL":
            names.add(str(instruction.argval))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return frozenset(names)


def _kept_by_reference_or_value(value: object) -> bool:
    """Whether a global can be pickled without changing what the closure sees."""
    if isinstance(value, (type, types.ModuleType, types.BuiltinFunctionType)):
        return True
    if isinstance(value, types.FunctionType):
        return True  # by reference, or by value as a closure of its own
    if isinstance(value, (tuple, frozenset)):
        return all(_kept_by_reference_or_value(v) for v in value)
    return isinstance(value, _CONSTANTS)


def _function(code: types.CodeType, module: str, cells: int) -> types.FunctionType:
    """A function of ``code`` with empty cells; :func:`_complete` fills it next."""
    namespace = {"__builtins__": builtins, "__name__": module}
    closure = tuple(types.CellType() for _ in range(cells)) if cells else None
    return types.FunctionType(code, namespace, None, None, closure)


def _complete(function: types.FunctionType, state: tuple[Any, ...]) -> None:
    """Give ``function`` its globals and cells (after it exists: they may hold it)."""
    used, contents, extras = state
    function.__globals__.update(used)
    for cell, value in zip(function.__closure__ or (), contents, strict=True):
        if value is not _Empty:
            cell.cell_contents = value
    if extras is not None:
        function.__name__, function.__qualname__, function.__defaults__ = extras[:3]
        function.__kwdefaults__ = extras[3]


def _hook_entry(name: str, needs: Needs, plugin: str) -> HookEntry:
    """The hook registered as ``name`` now, if it is still the one that was compiled."""
    entry = get_hook(name)
    if entry is None or entry.needs != needs or entry.plugin != plugin:
        raise StaleError(f"hook {name!r} is gone or changed")
    return entry


def _bound_hook(name: str, needs: Needs, plugin: str, templates: Mapping[str, Any]) -> BoundHook:
    return BoundHook(_hook_entry(name, needs, plugin), templates)
