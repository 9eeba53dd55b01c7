"""The functions of the expression language, in one documented registry.

Each entry says how many arguments it takes and of which types (checked by
:mod:`asnrules.language.typecheck`), what type it gives, in which contexts it may be
used, which arguments must be literal patterns (compiled once, when the rule is loaded),
and carries its documentation and an example that ``tests/test_functions.py`` parses and
checks.
"""

from __future__ import annotations

import fnmatch
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from asnrules.engine.values import as_number, as_text
from asnrules.language.types import COLLECTION, CONTAINER, EVERYTHING, VALUE, Param, Type

ROW = "row"
ASSOCIATION = "association"


@dataclass(frozen=True)
class Function:
    """A function of the expression language.

    Parameters
    ----------
    name : str
        Name as written in expressions.
    min_args, max_args : int
        Arity bounds (``max_args`` -1: any number).
    doc : str
        One-paragraph documentation.
    example : str
        An expression using the function.
    impl : callable
        For eager functions, called with the evaluated arguments; for lazy ones
        (``lazy=True``), with the scope and the compiled argument closures.
    lazy : bool
        Whether the arguments are passed unevaluated.
    contexts : tuple of str
        Contexts in which the function may be used.
    pattern_arg : int or None
        Index of an argument that must be a literal pattern, compiled by ``compile_pattern``.
    compile_pattern : callable or None
        Turns the literal into the object passed to ``impl`` instead of the string.
    params : tuple of Param
        The parameters and the types each accepts, in order (a ``repeated`` last one
        takes the remaining arguments).
    result : Type
        The type of the result.
    result_of_arguments : bool
        Whether the result has instead the type the arguments have in common (``any``
        when they differ).
    """

    name: str
    min_args: int
    max_args: int
    doc: str
    example: str
    impl: Callable[..., Any]
    lazy: bool = False
    contexts: tuple[str, ...] = (ROW, ASSOCIATION)
    pattern_arg: int | None = None
    compile_pattern: Callable[[str], Any] | None = None
    params: tuple[Param, ...] = ()
    result: Type = Type.ANY
    result_of_arguments: bool = False


FUNCTIONS: dict[str, Function] = {}


def register(function: Function) -> Function:
    """Add ``function`` to the registry (names are unique)."""
    if function.name in FUNCTIONS:
        raise ValueError(f"function {function.name!r} registered twice")
    FUNCTIONS[function.name] = function
    return function


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE)


def _fullmatch(value: Any, pattern: re.Pattern[str]) -> bool:
    return value is not None and pattern.fullmatch(as_text(value)) is not None


def _join(items: Any, sep: str = "-") -> str:
    """Sort (case-insensitively) and join the set parts of ``items``, dropping empty ones."""
    if isinstance(items, (set, frozenset, list, tuple)):
        parts = [
            _join(item, sep) if isinstance(item, (set, frozenset)) else as_text(item)
            for item in items
        ]
    else:
        parts = [as_text(items)]
    return sep.join(sorted((p for p in parts if p), key=str.lower))


def _pad(value: Any, width: Any) -> str:
    number = as_number(width if isinstance(width, (int, float)) else as_text(width))
    size = int(number) if number is not None and math.isfinite(number) else 0
    return as_text(value).rjust(size, "0")


def _strip_suffix(name: Any, suffixes: Any) -> str:
    text = as_text(name)
    for suffix in _longest_first(tuple(as_text(s) for s in suffixes)):
        for sep in ("_", "-"):
            if text.endswith(sep + suffix) and len(text) > len(suffix) + 1:
                return text[: -len(suffix) - 1]
    return text


@functools.lru_cache(maxsize=64)
def _longest_first(suffixes: tuple[str, ...]) -> list[str]:
    """Suffixes by length, longest first (a named list is sorted once)."""
    return sorted(suffixes, key=len, reverse=True)


def _resuffix(name: Any, old: Any, new: Any) -> str:
    text = as_text(name)
    match = _suffixed(as_text(old)).fullmatch(text)
    if match is None:
        return text
    return f"{match['root']}_{as_text(new)}{match['ext']}"


@functools.lru_cache(maxsize=64)
def _suffixed(old: str) -> re.Pattern[str]:
    """A file name ending in ``_{old}`` and an extension."""
    return re.compile(rf"(?P<root>.+)_{re.escape(old)}(?P<ext>\..+)")


def _stem(name: Any) -> str:
    text = as_text(name)
    if not text:
        return ""
    if "/" not in text:  # a plain name: what PurePosixPath would give, without it
        dot = text.rfind(".")
        return text[:dot] if 0 < dot < len(text) - 1 else text
    path = PurePosixPath(text)
    return str(path.with_suffix("")) if path.suffix else str(path)


for _fn in (
    Function(
        "any",
        1,
        -1,
        "True when at least one argument is true (set). Groups alternative conditions.",
        "any(bkgdtarg, is_psf)",
        lambda scope, *args: any(scope.truth(a(scope)) for a in args),
        lazy=True,
        params=(Param("conditions", EVERYTHING, repeated=True),),
        result=Type.BOOL,
    ),
    Function(
        "all",
        1,
        -1,
        "True when every argument is true (set).",
        "all(bkgdtarg, is_psf)",
        lambda scope, *args: all(scope.truth(a(scope)) for a in args),
        lazy=True,
        params=(Param("conditions", EVERYTHING, repeated=True),),
        result=Type.BOOL,
    ),
    Function(
        "notany",
        1,
        -1,
        "True when no argument is true: ``not any(...)``.",
        "notany(bkgdtarg, is_psf)",
        lambda scope, *args: not any(scope.truth(a(scope)) for a in args),
        lazy=True,
        params=(Param("conditions", EVERYTHING, repeated=True),),
        result=Type.BOOL,
    ),
    Function(
        "notall",
        1,
        -1,
        "True when at least one argument is false: ``not all(...)``.",
        "notall(bkgdtarg, is_psf)",
        lambda scope, *args: not all(scope.truth(a(scope)) for a in args),
        lazy=True,
        params=(Param("conditions", EVERYTHING, repeated=True),),
        result=Type.BOOL,
    ),
    Function(
        "regex",
        2,
        2,
        "Whole-value, case-insensitive regular-expression match. The pattern must be a "
        "literal string; it is compiled when the rules are loaded.",
        "regex(visitype, '.+wfsc.+')",
        _fullmatch,
        pattern_arg=1,
        compile_pattern=_regex,
        params=(Param("value", VALUE), Param("pattern", frozenset({Type.TEXT}))),
        result=Type.BOOL,
    ),
    Function(
        "match",
        2,
        2,
        "Whole-value, case-insensitive shell-style wildcard match (``*``, ``?``, ``[abc]``). "
        "The pattern must be a literal string.",
        "match(exp_type, 'nrc_*')",
        _fullmatch,
        pattern_arg=1,
        compile_pattern=_glob,
        params=(Param("value", VALUE), Param("pattern", frozenset({Type.TEXT}))),
        result=Type.BOOL,
    ),
    Function(
        "contains",
        2,
        2,
        "Case-insensitive substring test.",
        "contains(visitype, 'wfsc')",
        lambda value, text: value is not None and as_text(text).lower() in as_text(value).lower(),
        params=(Param("value", VALUE), Param("part", VALUE)),
        result=Type.BOOL,
    ),
    Function(
        "is_set",
        1,
        1,
        "True when the value is present (not one of the ruleset's not-set values). A bare "
        "column used as a condition (select, when) means the same; a named condition says "
        "is_set(column).",
        "is_set(bkgdtarg)",
        lambda scope, arg: scope.truth(arg(scope)),
        lazy=True,
        params=(Param("value", EVERYTHING),),
        result=Type.BOOL,
    ),
    Function(
        "first_set",
        1,
        -1,
        "The first argument that is set, else null: a column fallback (pupil, else grating).",
        "first_set(pupil, grating)",
        lambda scope, *args: next((v for v in (a(scope) for a in args) if scope.truth(v)), None),
        lazy=True,
        params=(Param("values", EVERYTHING, repeated=True),),
        result_of_arguments=True,
    ),
    Function(
        "pad",
        2,
        2,
        "The value as text, zero-padded on the left to the given width.",
        "pad(program, 5)",
        _pad,
        params=(Param("value", VALUE), Param("width", frozenset({Type.NUMBER}))),
        result=Type.TEXT,
    ),
    Function(
        "join",
        1,
        2,
        "Sort the parts case-insensitively and join them with the separator (default '-'), "
        "dropping empty parts; a part that is a set of values is joined first.",
        "join([opt_elem, opt_elem2])",
        _join,
        params=(Param("items", COLLECTION | VALUE), Param("separator", VALUE)),
        result=Type.TEXT,
    ),
    Function(
        "prefix",
        2,
        2,
        "The text followed by the value when the value is set, else the empty string.",
        "prefix('-', fxd_slit)",
        lambda scope, text, value: (
            (as_text(text(scope)) + as_text(v)) if scope.truth(v := value(scope)) else ""
        ),
        lazy=True,
        params=(Param("text", VALUE), Param("value", VALUE)),
        result=Type.TEXT,
    ),
    Function(
        "stem",
        1,
        1,
        "A file name without its extension.",
        "stem(filename)",
        _stem,
        params=(Param("name", VALUE),),
        result=Type.TEXT,
    ),
    Function(
        "strip_suffix",
        2,
        2,
        "A name without its trailing '_suffix' or '-suffix' when the suffix is in the list.",
        "strip_suffix('jw_00001_rate', ['rate', 'cal'])",
        _strip_suffix,
        params=(Param("name", VALUE), Param("suffixes", COLLECTION)),
        result=Type.TEXT,
    ),
    Function(
        "resuffix",
        3,
        3,
        "Replace the '_old' suffix before the extension with '_new'; names without it are "
        "returned unchanged.",
        "resuffix(filename, 'uncal', 'rate')",
        _resuffix,
        params=(Param("name", VALUE), Param("old", VALUE), Param("new", VALUE)),
        result=Type.TEXT,
    ),
    Function(
        "len",
        1,
        1,
        "The number of values in a list or set (association context: how many distinct "
        "values the members recorded or share).",
        "len(obs_num) >= 2",
        lambda value: (
            len(value)
            if isinstance(value, (list, tuple, set, frozenset, dict))
            else int(value is not None)
        ),
        params=(Param("values", CONTAINER | {Type.TEXT}),),
        result=Type.NUMBER,
    ),
    Function(
        "count",
        1,
        1,
        "Association context: how many members satisfy the condition (member context).",
        "count(member.exptype == 'science') > 0",
        lambda scope, cond: scope.count(cond),
        lazy=True,
        contexts=(ASSOCIATION,),
        params=(Param("condition", EVERYTHING),),
        result=Type.NUMBER,
    ),
    Function(
        "distinct",
        1,
        1,
        "Association context: how many distinct set values the members have for a column.",
        "distinct(obs_num) >= 2",
        lambda scope, value: scope.distinct(value),
        lazy=True,
        contexts=(ASSOCIATION,),
        params=(Param("value", EVERYTHING),),
        result=Type.NUMBER,
    ),
):
    register(_fn)
