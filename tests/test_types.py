"""The static type checker: each type error with its code, position and message; the types
the checker gives; and the bundled rulesets, which must type-check clean."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from asnrules.checks.lint import lint_paths
from asnrules.language import expressions
from asnrules.language.compiler import (
    ASSOCIATION_BUILTINS,
    CompileError,
    Compiler,
    Definitions,
)
from asnrules.language.functions import ASSOCIATION, FUNCTIONS, ROW
from asnrules.language.types import Type

RULESETS = Path(__file__).resolve().parents[1] / "rulesets"


def _definitions() -> Definitions:
    return Definitions(
        lists={"image": ("nrc_image", "mir_image")},
        maps={"exptype_map": {"nrc_dark": "dark"}},
        tables={"pairs": frozenset({("a", "1")})},
        expressions={
            k: expressions.parse(v)
            for k, v in {
                "name_text": "'abc'",
                "name_number": "len(image)",
                "is_image": "exp_type in image",
            }.items()
        },
    )


def _compile(text: str, context: str = ROW) -> Type:
    compiler = Compiler(_definitions())
    node = expressions.parse(text)
    names = {"attributes": ("program", "obs_num"), "roles": ("science",)}
    compiler.compile(node, context, **names)
    return compiler.type_of(node, context, **names)


# expression, code, line, col, the message (a part of it)
ERRORS = [
    ("'01' == 1", "ASN220", 1, 1, "text '01' compared with number 1: write both as numbers"),
    ("1 != 'a'", "ASN220", 1, 6, "text 'a' compared with number 1"),
    ("'5' < 3", "ASN220", 1, 1, "text '5' compared with number 3"),
    ("x == 1 and 1.5 >= '2'", "ASN220", 1, 19, "text '2' compared with number 1.5"),
    ("len(image) == '2'", "ASN220", 1, 15, "text '2' compared with a number"),
    ("'a' == name_number", "ASN220", 1, 1, "text 'a' compared with a number"),
    ("x in 'abc'", "ASN221", 1, 6, "not text 'abc'; to look for a part of a text use contains"),
    ("x in ('abc')", "ASN221", 1, 7, "use contains(text, part)"),
    (
        "x in y",
        "ASN221",
        1,
        6,
        "'in' needs a list, tuple, set, map or table on its right, not text",
    ),
    ("x not in name_text", "ASN221", 1, 10, "not text; to look for a part"),
    ("x in exptype_map[y]", "ASN221", 1, 6, "not text"),
    ("x in 5", "ASN221", 1, 6, "not number 5"),
    ("x in -0.5", "ASN221", 1, 6, "not number -0.5"),
    ("x in len(image)", "ASN221", 1, 6, "not a number"),
    ("x in (a == b)", "ASN221", 1, 7, "not true/false"),
    ("x in is_image", "ASN221", 1, 6, "not true/false"),
    ("x in 'a' + y", "ASN221", 1, 6, "not text"),
    ("'a' < 'b'", "ASN222", 1, 1, "'<' between text 'a' and 'b'"),
    ("x or 'abc' >= 'b'", "ASN222", 1, 6, "'>=' between text 'abc' and 'b'"),
    ("pad(x, 'a')", "ASN223", 1, 8, "pad() argument 2 (width) must be number, not text 'a'"),
    ("pad(x, '3')", "ASN223", 1, 8, "pad() argument 2 (width) must be number, not text '3'"),
    ("pad(x, y)", "ASN223", 1, 8, "pad() argument 2 (width) must be number, not text"),
    (
        "pad(image, 3)",
        "ASN223",
        1,
        5,
        "pad() argument 1 (value) must be text|number|set, not a list",
    ),
    ("len(5)", "ASN223", 1, 5, "len() argument 1 (values) must be text|list|tuple|map|table|set"),
    ("len(a == b)", "ASN223", 1, 5, "not true/false"),
    ("regex(x, 5)", "ASN223", 1, 10, "regex() argument 2 (pattern) must be text, not number 5"),
    ("match(x, true)", "ASN223", 1, 10, "match() argument 2 (pattern) must be text, not bool true"),
    ("contains(image, 'x')", "ASN223", 1, 10, "contains() argument 1 (value)"),
    ("strip_suffix(x, 'rate')", "ASN223", 1, 17, "(suffixes) must be list|tuple|set, not text"),
    ("join(x, image)", "ASN223", 1, 9, "join() argument 2 (separator)"),
    ("stem(pairs)", "ASN223", 1, 6, "not a table"),
    ("resuffix(x, 'a', 1 == 1)", "ASN223", 1, 18, "resuffix() argument 3 (new)"),
    ("x == 'a'\n  and y in 'b'", "ASN221", 2, 12, "contains(text, part)"),
    ("any(a,\n    len(5) > 1)", "ASN223", 2, 9, "len() argument 1"),
    ("exptype_map[pad(x, 'w')]", "ASN223", 1, 20, "pad() argument 2"),
    ("'t' if x in 'abc' else 'u'", "ASN221", 1, 13, "contains(text, part)"),
]


ASSOCIATION_ERRORS = [
    ("pad(sequence, 'x')", "ASN223", 1, 15, "(width) must be number, not text 'x'"),
    ("asn_type in 'abc'", "ASN221", 1, 13, "contains(text, part)"),
    ("program in candidate.type", "ASN221", 1, 12, "not text"),
    ("obs_num in candidate", "ASN221", 1, 12, "not a candidate"),
    ("count(member.exptype in 'psf') > 0", "ASN221", 1, 25, "contains(text, part)"),
    ("len(count(true))", "ASN223", 1, 5, "not a number"),
    ("'2' <= len(obs_num)", "ASN220", 1, 1, "text '2' compared with a number"),
]


ALL_ERRORS = [(ROW, *e) for e in ERRORS] + [(ASSOCIATION, *e) for e in ASSOCIATION_ERRORS]


@pytest.mark.parametrize(
    ("context", "text", "code", "line", "col", "message"),
    ALL_ERRORS,
    ids=[f"{e[0]}: {e[1]}" for e in ALL_ERRORS],
)
def test_type_error(context: str, text: str, code: str, line: int, col: int, message: str) -> None:
    with pytest.raises(CompileError) as info:
        _compile(text, context)
    found = info.value
    assert (found.code, found.line, found.col) == (code, line, col)
    assert message in found.message, found.message


# expressions that are no type error, and the type each has
TYPED = [
    ("'abc'", ROW, Type.TEXT),
    ("x", ROW, Type.TEXT),
    ("1.5", ROW, Type.NUMBER),
    ("-2", ROW, Type.NUMBER),
    ("true", ROW, Type.BOOL),
    ("x == 1", ROW, Type.BOOL),
    ("nints >= 1.5", ROW, Type.BOOL),
    ("'01' == '1'", ROW, Type.BOOL),
    ("x < 'b'", ROW, Type.BOOL),
    ("x and y", ROW, Type.BOOL),
    ("not x", ROW, Type.BOOL),
    ("[x, 'a']", ROW, Type.LIST),
    ("(x, y)", ROW, Type.TUPLE),
    ("image", ROW, Type.LIST),
    ("image + ['a']", ROW, Type.LIST),
    ("(x,) + (y,)", ROW, Type.TUPLE),
    ("exptype_map", ROW, Type.MAP),
    ("exptype_map[x]", ROW, Type.TEXT),
    ("pairs", ROW, Type.TABLE),
    ("(x, '1') in pairs", ROW, Type.BOOL),
    ("x + 1", ROW, Type.TEXT),
    ("image[0]", ROW, Type.ANY),
    ("'a' if x else 'b'", ROW, Type.TEXT),
    ("'a' if x else 5", ROW, Type.ANY),
    ("first_set(x, y)", ROW, Type.TEXT),
    ("first_set(x, image)", ROW, Type.ANY),
    ("x in first_set(y, image)", ROW, Type.BOOL),
    ("pad(x, 5)", ROW, Type.TEXT),
    ("len(x) >= 2", ROW, Type.BOOL),
    ("len(image)", ROW, Type.NUMBER),
    ("name_text", ROW, Type.TEXT),
    ("is_image", ROW, Type.BOOL),
    ("regex(x, 'a.+')", ROW, Type.BOOL),
    ("program", ASSOCIATION, Type.SET),
    ("science", ASSOCIATION, Type.MEMBER),
    ("science.expname", ASSOCIATION, Type.ANY),
    ("first_member", ASSOCIATION, Type.MEMBER),
    ("candidate", ASSOCIATION, Type.CANDIDATE),
    ("candidate.type", ASSOCIATION, Type.TEXT),
    ("sequence", ASSOCIATION, Type.NUMBER),
    ("asn_type", ASSOCIATION, Type.TEXT),
    ("'x' in program", ASSOCIATION, Type.BOOL),
    ("count(member.exptype == 'psf')", ASSOCIATION, Type.NUMBER),
    ("distinct(obs_num) >= 2", ASSOCIATION, Type.BOOL),
    ("pad(sequence, 5)", ASSOCIATION, Type.TEXT),
    ("join(program)", ASSOCIATION, Type.TEXT),
]


@pytest.mark.parametrize(("text", "context", "kind"), TYPED, ids=[t[0] for t in TYPED])
def test_type_of(text: str, context: str, kind: Type) -> None:
    assert _compile(text, context) is kind


def test_every_association_builtin_has_a_type() -> None:
    for name in ASSOCIATION_BUILTINS:
        assert _compile(name, ASSOCIATION) is not Type.ANY, name


def test_every_function_declares_its_types() -> None:
    for function in FUNCTIONS.values():
        assert function.params, function.name
        fixed = [p for p in function.params if not p.repeated]
        repeated = [p for p in function.params if p.repeated]
        assert len(repeated) <= 1 and (not repeated or function.params[-1].repeated)
        assert function.min_args <= len(function.params), function.name
        assert (function.max_args == -1) == bool(repeated), function.name
        if function.max_args >= 0:
            assert function.max_args == len(fixed), function.name
        assert function.result is not Type.ANY or function.result_of_arguments, function.name


def test_arity_is_reported_before_types() -> None:
    with pytest.raises(CompileError) as info:
        _compile("pad(x, 'a', 'b')")
    assert info.value.code == "ASN204"


def test_unknown_function_is_reported_before_types() -> None:
    with pytest.raises(CompileError) as info:
        _compile("padd(x, 'a')")
    assert info.value.code == "ASN203"


def test_pattern_that_is_text_but_not_a_literal_is_asn206() -> None:
    with pytest.raises(CompileError) as info:
        _compile("regex(x, y)")
    assert info.value.code == "ASN206"


# -- in rule files: located in the file, conditions must be boolean --------------------------


def _lint(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return [(d.line, d.col, d.code, d.message) for d in lint_paths([path])]


CONDITIONS = """\
asnrules: 1.0
conditions:
  ok: bkgdtarg and is_psf
  flag: bkgdtarg
  label: "'a' if bkgdtarg else 'b'"
  fallback: first_set(pupil, grating)
  counted: len(image)
  via_value: some_value
  via_condition: ok
  unknown: first_set(pupil, image)
values:
  some_value: bkgdtarg
lists:
  image: [a]
"""


def test_conditions_must_be_boolean(tmp_path: Path) -> None:
    found = _lint(tmp_path, CONDITIONS)
    assert [(line, col, code) for line, col, code, _ in found] == [
        (4, 9, "ASN224"),
        (5, 11, "ASN224"),
        (6, 13, "ASN224"),
        (7, 12, "ASN224"),
        (8, 14, "ASN224"),
    ]
    messages = [message for *_, message in found]
    assert messages[0] == (
        "condition 'flag' gives text, not true/false: to test that it is set write is_set(bkgdtarg)"
    )
    assert messages[1] == (
        "condition 'label' gives text, not true/false; values that are not conditions go "
        "under 'values'"
    )
    assert "gives number" in messages[3]
    assert "is_set(some_value)" in messages[4]


def test_type_errors_are_located_in_the_file(tmp_path: Path) -> None:
    found = _lint(
        tmp_path,
        """\
asnrules: 1.0
conditions:
  a: exp_type in 'nrc_image'
rules:
  R:
    asn_type: image3
    select:
      - exp_type == 'x' and nints == '1' or pad(program, 'w') == 'x'
    product: "p{pad(program, 'w')}"
""",
    )
    assert [(line, col, code) for line, col, code, _ in found if code.startswith("ASN22")] == [
        (3, 18, "ASN221"),
        (8, 58, "ASN223"),
        (9, 30, "ASN223"),
    ]


def test_a_failed_definition_raises_no_second_error(tmp_path: Path) -> None:
    found = _lint(tmp_path, "asnrules: 1.0\nconditions:\n  a: x == 'y' and b\n  b: a\n")
    assert [code for _, _, code, _ in found] == ["ASN208"]


def test_bundled_rulesets_type_check_clean() -> None:
    found = lint_paths(sorted(RULESETS.glob("*.yaml")))
    assert [d.concise() for d in found if d.code.startswith("ASN22")] == []
    assert [d.concise() for d in found] == []


def test_bundled_conditions_are_boolean_and_values_text() -> None:
    common = yaml.safe_load((RULESETS / "jwst-common.yaml").read_text())
    defs = Definitions(
        lists={k.lower(): tuple(v) for k, v in common["lists"].items()},
        maps={k.lower(): dict(v) for k, v in common["maps"].items()},
        tables={k.lower(): frozenset(map(tuple, t)) for k, t in common["tables"].items()},
        expressions={
            k: expressions.parse(v) for k, v in {**common["conditions"], **common["values"]}.items()
        },
        conditions=frozenset(common["conditions"]),
    )
    compiler = Compiler(defs)
    for name in common["conditions"]:
        assert compiler.type_of(expressions.parse(name)) is Type.BOOL
    for name in common["values"]:
        context = "member" if name == "level3_suffix" else ROW
        kind = compiler.type_of(expressions.parse(name), context)
        assert kind is Type.TEXT, name


def test_upper_case_keywords_in_a_rule_file_name_the_fix(tmp_path: Path) -> None:
    found = _lint(tmp_path, "asnrules: 1.0\nconditions:\n  a: x == 'y' AND True\n")
    assert found == [
        (
            3,
            15,
            "ASN201",
            "unexpected character 'A'; keywords are lower-case: write 'and', not 'AND'",
        )
    ]
