"""Indented JSON text, as ``json.dumps(data, indent=4, separators=(",", ": "))`` writes it.

With ``indent`` the standard library falls back to its pure-Python encoder, whose nested
closures refer to each other: every call leaves a reference cycle for the garbage
collector, and a run writing 100,000 associations spends seconds on them. This writer is one
plain recursive function over the shapes association documents hold (dicts with string
keys, lists, tuples, strings, numbers, booleans, ``None``); strings go through the C
escaper the standard library uses. Anything else falls back to :func:`json.dumps`.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

INDENT = 4


def dumps(data: Any) -> str:
    """Return ``data`` as 4-space-indented JSON text, byte for byte as :func:`json.dumps`."""
    parts: list[str] = []
    try:
        _write(data, parts, "\n")
    except (_UnusualError, RecursionError):
        return json.dumps(data, indent=INDENT, separators=(",", ": "))
    return "".join(parts)


class _UnusualError(Exception):
    """A value this writer leaves to :func:`json.dumps` (so its errors stay the same)."""


def _write(value: Any, parts: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        parts.append(encode_basestring_ascii(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + " " * INDENT
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _UnusualError
            parts.append(separator)
            parts.append(encode_basestring_ascii(key))
            parts.append(": ")
            if type(item) is str:  # most values: no call for them
                parts.append(encode_basestring_ascii(item))
            else:
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + " " * INDENT
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            if type(item) is str:
                parts.append(encode_basestring_ascii(item))
            else:
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        parts.append(float.__repr__(value))
    else:
        raise _UnusualError
