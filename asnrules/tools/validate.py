"""``asnrules validate``: check association files against the shipped JSON Schema.

The schema (``association.schema.json`` beside this module) uses a small subset of JSON
Schema: ``type``, ``required``, ``properties``, ``items``, ``minItems`` and ``minLength``
(plus annotations). :func:`check` implements exactly that subset, so no JSON Schema library
is needed at run time; :func:`load_schema` refuses a schema using any other keyword.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, Severity
from asnrules.tools.jsonpos import JsonDocument, JsonPath, load_json

SCHEMA_FILE = Path(__file__).with_name("association.schema.json")
"""The JSON Schema of association files shipped with asnrules."""

ANNOTATIONS = frozenset({"$schema", "$id", "title", "description"})
KEYWORDS = frozenset({"type", "required", "properties", "items", "minItems", "minLength"})

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "null": (type(None),),
}


def _json_type(value: Any) -> str:
    """Name of the JSON type of a parsed value."""
    if isinstance(value, bool):
        return "boolean"
    for name in ("object", "array", "string", "integer", "number", "null"):
        if isinstance(value, _TYPES[name]):
            return name
    return type(value).__name__


def _unsupported(schema: Any, where: str) -> list[str]:
    """Keywords of ``schema`` (recursively) that the validator does not implement."""
    if not isinstance(schema, dict):
        return [f"{where}: a schema must be an object"]
    found = [f"{where}/{k}" for k in schema if k not in KEYWORDS | ANNOTATIONS]
    for name, sub in schema.get("properties", {}).items():
        found += _unsupported(sub, f"{where}/properties/{name}")
    if "items" in schema:
        found += _unsupported(schema["items"], f"{where}/items")
    return found


@cache
def load_schema(path: Path = SCHEMA_FILE) -> dict[str, Any]:
    """Read a schema and check that it uses only the supported keywords.

    Raises
    ------
    ValueError
        Naming the first unsupported keywords.
    """
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    bad = _unsupported(schema, "#")
    if bad:
        raise ValueError(f"{path}: unsupported JSON Schema keywords: {', '.join(bad[:5])}")
    return dict(schema)


def _where(loc: JsonPath) -> str:
    """Readable path of a value: ``products[0].members[2].expname``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the document"


def check(
    value: Any, schema: dict[str, Any], loc: JsonPath = ()
) -> Iterable[tuple[JsonPath, str, str]]:
    """Yield ``(path, code, message)`` for every way ``value`` breaks ``schema``.

    Parameters
    ----------
    value : Any
        A parsed JSON value.
    schema : dict
        A schema of the supported subset.
    loc : tuple
        Path of ``value`` in its document.
    """
    expected = schema.get("type")
    if expected is not None:
        names = [expected] if isinstance(expected, str) else list(expected)
        actual = _json_type(value)
        if not any(actual == n or (n == "number" and actual == "integer") for n in names):
            wanted = " or ".join(names)
            yield loc, "ASN903", f"{_where(loc)} must be {wanted}, found {actual}"
            return
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                yield loc, "ASN904", f"{_where(loc)} lacks the required key {key!r}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                yield from check(value[key], sub, (*loc, key))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            yield loc, "ASN905", f"{_where(loc)} must not be empty"
        if "items" in schema:
            for index, item in enumerate(value):
                yield from check(item, schema["items"], (*loc, index))
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        yield loc, "ASN905", f"{_where(loc)} must not be empty"


def validate_document(doc: JsonDocument, schema: dict[str, Any] | None = None) -> list[Diagnostic]:
    """Check a parsed association file; return its located problems."""
    problems = []
    for loc, code, message in check(doc.data, schema or load_schema()):
        line, col = doc.position(loc)
        problems.append(
            Diagnostic(doc.path, line, col, code, message, source_line=doc.line_text(line))
        )
    return problems


def validate_files(paths: Sequence[Path]) -> tuple[list[Diagnostic], int]:
    """Check association files; folders stand for their ``*_asn.json`` files.

    Returns
    -------
    diagnostics, count
        Every problem found (unreadable files included) and how many files were checked.
    """
    problems: list[Diagnostic] = []
    count = 0
    for path in expand(paths, problems):
        count += 1
        try:
            doc = load_json(path)
        except AsnRulesError as exc:
            problems += exc.diagnostics
            continue
        problems += validate_document(doc)
    return problems, count


def expand(paths: Sequence[Path], problems: list[Diagnostic]) -> list[Path]:
    """Files as given, folders replaced by their ``*_asn.json`` files (sorted).

    A folder holding no association file adds an ASN906 warning to ``problems``.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(path.glob("*_asn.json"))
        if not found:
            message = "folder holds no *_asn.json file"
            problems.append(Diagnostic(str(path), 0, 0, "ASN906", message, Severity.WARNING))
        files += found
    return files
