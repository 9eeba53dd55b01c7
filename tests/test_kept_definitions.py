"""Named definitions are kept by the values of the columns they read (a scope's keeper)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from asnrules.engine.scope import MEMBER, Compiled, Scope
from asnrules.language import compiler, expressions
from asnrules.language.functions import ROW

DEFINITIONS = {
    "is_long": "exp_type in ['a', 'b'] and nints > 1",
    "suffix": "'ints' if is_long else 'rate'",
    "science": "member.exptype == 'science'",
}


def compiled(text: str, context: str = ROW) -> Compiled:
    definitions = compiler.Definitions(
        expressions={k: expressions.parse(v) for k, v in DEFINITIONS.items()}
    )
    return compiler.Compiler(definitions).compile(expressions.parse(text), context)


class Keeper:
    """Keeps values by the columns it is given, counting what it computes."""

    def __init__(self) -> None:
        self.table: dict[tuple[Any, ...], Any] = {}
        self.columns: set[tuple[str, ...]] = set()
        self.computed: Counter[tuple[str, ...]] = Counter()

    def __call__(self, compute: Compiled, columns: tuple[str, ...], scope: Scope) -> Any:
        self.columns.add(columns)
        key = (id(compute), *(scope.row.get(c) for c in columns))
        if key not in self.table:
            self.computed[columns] += 1
            self.table[key] = compute(Scope(scope.row, scope.not_set, kept=self))
        return self.table[key]


def test_a_definition_is_computed_once_per_distinct_value_of_its_columns() -> None:
    expname = compiled("filename + '_' + suffix")
    keeper = Keeper()
    rows = [{"filename": f"f{i}", "exp_type": "a", "nints": str(1 + i % 2)} for i in range(10)]
    got = [expname(Scope(row, kept=keeper)) for row in rows]
    assert got == [f"f{i}_{'ints' if i % 2 else 'rate'}" for i in range(10)]
    assert keeper.columns == {("exp_type", "nints")}
    # suffix (and is_long within it) computed for the two kinds of rows, not for ten
    assert keeper.computed[("exp_type", "nints")] == 4


def test_without_a_keeper_every_definition_is_computed() -> None:
    expname = compiled("filename + '_' + suffix")
    assert expname(Scope({"filename": "f", "exp_type": "b", "nints": "4"})) == "f_ints"


def test_a_definition_reading_member_fields_is_not_kept() -> None:
    check = compiled("science and is_long", MEMBER)
    keeper = Keeper()
    row = {"exp_type": "a", "nints": "2"}
    assert check(Scope(row, member={"exptype": "science"}, kept=keeper)) is True
    assert check(Scope(row, member={"exptype": "psf"}, kept=keeper)) is False
    assert keeper.columns == {("exp_type", "nints")}  # is_long only
