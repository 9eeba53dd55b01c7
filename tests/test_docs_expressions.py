"""docs/expressions.md stays in step with the code: the function table is the registry's,
and every type error code is documented."""

from __future__ import annotations

import re
from pathlib import Path

from asnrules.diagnostics import CODES
from asnrules.language.functions import FUNCTIONS
from asnrules.language.reference import function_table
from asnrules.language.typecheck import (
    ARGUMENT_TYPE,
    CONDITION_NOT_BOOL,
    IN_NOT_CONTAINER,
    TEXT_NUMBER,
    TEXT_ORDER,
)
from asnrules.language.types import Type

DOC = Path(__file__).resolve().parents[1] / "docs" / "expressions.md"
TABLE = re.compile(r"<!-- functions: generated.*?-->\n(.*?)<!-- end of functions -->", re.S)

RENAMED_IN_1_0 = {"first": "first_set"}
"""Functions the docs already call by their 1.0 name while the registry has the 0.x one."""


def _expected() -> str:
    table = function_table()
    for old, new in RENAMED_IN_1_0.items():
        if old in FUNCTIONS:
            table = table.replace(f"`{old}`", f"`{new}`").replace(f"{old}(", f"{new}(")
    return table


def test_the_function_table_is_the_registry() -> None:
    found = TABLE.search(DOC.read_text())
    assert found, "docs/expressions.md has no generated function table"
    assert found.group(1) == _expected(), "regenerate: asnrules.language.reference.function_table()"


def test_every_type_error_is_documented() -> None:
    text = DOC.read_text()
    codes = (TEXT_NUMBER, IN_NOT_CONTAINER, TEXT_ORDER, ARGUMENT_TYPE, CONDITION_NOT_BOOL)
    for code in codes:
        assert f"| {code} | {CODES[code].name} |" in text, code


def test_every_type_is_documented() -> None:
    text = DOC.read_text()
    for kind in Type:
        assert f"| `{kind.value}` |" in text, kind
