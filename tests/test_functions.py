"""Every function of the expression language and every hook is documented with a working example."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from asnrules.engine import hooks
from asnrules.engine.scope import Scope
from asnrules.language import compiler, expressions
from asnrules.language.functions import ASSOCIATION, FUNCTIONS, ROW

ROW_FUNCTIONS = sorted(name for name, f in FUNCTIONS.items() if ROW in f.contexts)
ASSOCIATION_ONLY = sorted(name for name, f in FUNCTIONS.items() if ROW not in f.contexts)


def _calls(node: object) -> set[str]:
    """Names of the functions called anywhere in ``node``."""
    found: set[str] = set()
    if isinstance(node, expressions.Call):
        found.add(node.function)
    for value in vars(node).values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, expressions.Node):
                found |= _calls(item)
    return found


def test_registry_is_not_empty() -> None:
    assert ROW_FUNCTIONS
    assert ASSOCIATION_ONLY == ["count", "distinct"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_is_documented(name: str) -> None:
    function = FUNCTIONS[name]
    assert function.name == name
    assert function.doc.strip()
    assert function.example.strip()
    assert function.contexts
    assert set(function.contexts) <= {ROW, ASSOCIATION}
    assert function.min_args >= 0
    assert function.max_args == -1 or function.max_args >= function.min_args
    assert name in _calls(expressions.parse(function.example)), "the example must use the function"


EXAMPLE_ROW = {
    "filename": "jw1_uncal.fits",
    "program": "42",
    "bkgdtarg": "t",
    "is_psf": "f",
    "pupil": "clear",
    "grating": "g140m",
    "visitype": "prime_wfsc_x",
    "opt_elem": "f150w",
    "opt_elem2": "clear",
    "obs_num": "001",
    "exp_type": "nrc_image",
    "fxd_slit": "s200a1",
}
"""A row holding every column the examples read ('f' counts as set: no ruleset says not)."""

EXAMPLE_RESULTS = {
    # function: (value on a row lacking every column, value on EXAMPLE_ROW)
    "all": (False, True),
    "any": (False, True),
    "contains": (False, True),
    "first_set": (None, "clear"),
    "is_set": (False, True),
    "join": ("", "clear-f150w"),
    "len": (False, False),  # a single value counts 1
    "match": (False, True),
    "notall": (True, False),
    "notany": (True, False),
    "pad": ("00000", "00042"),
    "prefix": ("", "-s200a1"),
    "regex": (False, True),
    "resuffix": ("", "jw1_rate.fits"),
    "stem": ("", "jw1_uncal"),
    "strip_suffix": ("jw_00001", "jw_00001"),
}


def test_every_row_function_has_an_expected_example_result() -> None:
    assert sorted(EXAMPLE_RESULTS) == ROW_FUNCTIONS


@pytest.mark.parametrize("name", ROW_FUNCTIONS)
def test_row_example_gives_its_result(name: str) -> None:
    node = expressions.parse(FUNCTIONS[name].example)
    fn = compiler.Compiler(compiler.Definitions()).compile(node, ROW)
    absent, present = EXAMPLE_RESULTS[name]
    assert fn(Scope({})) == absent
    assert fn(Scope(dict(EXAMPLE_ROW))) == present
    assert type(fn(Scope(dict(EXAMPLE_ROW)))) is type(present)


@pytest.mark.parametrize("name", ASSOCIATION_ONLY)
def test_association_example(name: str) -> None:
    node = expressions.parse(FUNCTIONS[name].example)
    compiler.Compiler(compiler.Definitions()).compile(node, ASSOCIATION)
    with pytest.raises(compiler.CompileError) as info:
        compiler.Compiler(compiler.Definitions()).compile(node, ROW)
    assert info.value.code == "ASN207"
    assert f"{name}()" in info.value.message


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_arity_is_checked(name: str) -> None:
    function = FUNCTIONS[name]
    context = ROW if ROW in function.contexts else ASSOCIATION
    too_many = function.max_args + 1 if function.max_args >= 0 else None
    for n in (function.min_args - 1, too_many):
        if n is None or n < 0:
            continue
        node = expressions.parse(f"{name}({', '.join(['a'] * n)})")
        with pytest.raises(compiler.CompileError) as info:
            compiler.Compiler(compiler.Definitions()).compile(node, context)
        assert info.value.code == "ASN204"


def _hooks() -> dict[str, hooks.HookEntry]:
    assert hooks.get_hook("x") is None  # loads the bundled hooks
    return dict(hooks.HOOKS)


def test_hooks_are_registered() -> None:
    assert _hooks()


@pytest.mark.parametrize("name", sorted(_hooks()))
def test_hook_is_documented(name: str) -> None:
    entry = hooks.HOOKS[name]
    assert entry.name == name
    assert entry.summary.strip()
    assert entry.example.strip()
    assert callable(entry.function)
    example = yaml.safe_load(entry.example)
    assert name in example["finalize"]
    assert hooks.get_hook(name) is entry


@given(st.text(alphabet="ab._-/", max_size=12))
def test_stem_of_a_plain_name_is_what_a_posix_path_gives(name: str) -> None:
    path = PurePosixPath(name)
    expected = "" if not name else str(path.with_suffix("")) if path.suffix else str(path)
    assert FUNCTIONS["stem"].impl(name) == expected


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("jw1_00001_uncal.fits", "uncal", "rate", "jw1_00001_rate.fits"),
        ("jw1_00001_uncal", "uncal", "rate", "jw1_00001_uncal"),  # no extension
        ("jw1_uncal.x_uncal.fits", "uncal", "cal", "jw1_uncal.x_cal.fits"),
        ("a_(b).fits", "(b)", "c", "a_c.fits"),  # the old suffix is text, not a pattern
    ],
)
def test_resuffix(name: str, old: str, new: str, expected: str) -> None:
    assert FUNCTIONS["resuffix"].impl(name, old, new) == expected
