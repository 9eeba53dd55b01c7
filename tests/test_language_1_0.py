"""The constructs of rule language 1.0 and the errors that point 0.x spellings to them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asnrules.api import run
from asnrules.checks.lint import lint_paths
from asnrules.diagnostics import Diagnostic
from asnrules.engine.ruleset import Role, Ruleset
from asnrules.engine.scope import Scope
from asnrules.language.compiler import columns_read
from asnrules.language.loader import load_rulesets

from .conftest import write_pool

HEADER = "filename|kind|band|visit|asn_candidate"
CANDIDATE = "[('o001', 'observation')]"


def _write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(tmp_path: Path, text: str) -> Ruleset:
    ruleset, diagnostics = load_rulesets([_write(tmp_path, text)], collect=True)
    errors = [d for d in diagnostics if d.severity.value == "error"]
    assert errors == []
    return ruleset


def _problems(tmp_path: Path, text: str, name: str = "rules.yaml") -> list[Diagnostic]:
    return [d for d in lint_paths([_write(tmp_path, text, name)]) if d.severity.value == "error"]


def _role(ruleset: Ruleset, rule: str, role: str) -> Role:
    (found,) = [r for r in ruleset.rules[rule].roles if r.name == role]
    return found


BASE = """\
asnrules: 1.0
candidates: {column: asn_candidate}
attributes:
  band: band
  visit: visit
defaults:
  member_fields: {expname: filename, exptype: "'science'"}
  product: "{candidate.id}-{band}"
  document: {asn_type: asn_type, products: products}
"""


# -- members merged by role name -------------------------------------------------------------
MERGED = (
    BASE
    + """\
bases:
  Paired:
    members:
      main: {when: kind == 'sci', record: [visit], rejoin: true}
      calibrator: {when: kind == 'cal', link: [visit]}
rules:
  R:
    extends: [Paired]
    asn_type: pair
    members:
      main: {share: [band]}
      extra: {when: kind == 'extra'}
"""
)


def test_members_merge_by_role_name_keeping_the_inherited_place_and_keys(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, MERGED)
    assert [r.name for r in ruleset.rules["R"].roles] == ["main", "calibrator", "extra"]
    main = _role(ruleset, "R", "main")
    assert [a.name for a in main.share] == ["band"]
    assert [a.name for a in main.record] == ["visit"]
    assert main.rejoin and main.when is not None


def test_a_key_given_again_replaces_the_inherited_one(tmp_path: Path) -> None:
    text = MERGED.replace("main: {share: [band]}", "main: {record: [band]}")
    main = _role(_load(tmp_path, text), "R", "main")
    assert [a.name for a in main.record] == ["band"]


# -- role extends and role member_fields --------------------------------------------------------
SHARED = (
    BASE
    + """\
roles:
  calibrator: {when: kind == 'cal', limit: 1, member_fields: {exptype: "'calibrator'"}}
rules:
  R:
    asn_type: pair
    share: [band]
    members:
      main: {when: kind == 'sci'}
      cal: {extends: calibrator, limit: 2, member_fields: {exptype: "'cal'", note: "'x'"}}
"""
)


def test_a_role_extends_a_shared_role_key_by_key(tmp_path: Path) -> None:
    cal = _role(_load(tmp_path, SHARED), "R", "cal")
    assert cal.when is not None and cal.limit == 2
    assert [name for name, _ in cal.member_fields] == ["exptype", "note"]


def test_role_member_fields_are_merged_over_the_rule_member_fields(tmp_path: Path) -> None:
    pool = write_pool(
        tmp_path / "pool.csv",
        [f"a.fits|sci|f1|1|{CANDIDATE}", f"b.fits|cal|f1|1|{CANDIDATE}"],
        HEADER,
    )
    result = run(pool, [_write(tmp_path, SHARED)], ignore_default=True)
    (doc,) = [json.loads(text) for _, text in result.files]
    members = doc["products"][0]["members"]
    assert members == [
        {"expname": "a.fits", "exptype": "science"},
        {"expname": "b.fits", "exptype": "cal", "note": "x"},
    ]


def test_an_unknown_shared_role_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = SHARED.replace("extends: calibrator", "extends: calibratr")
    (problem,) = _problems(tmp_path, text)
    assert problem.code == "ASN305" and "did you mean 'calibrator'?" in problem.message
    assert (problem.line, problem.col) == (18, 22)


# -- bases and defaults.extends across include --------------------------------------------------
COMMON = """\
asnrules: 1.0
attributes:
  band: band
bases:
  FileKeys:
    document: {asn_type: asn_type, asn_rule: asn_rule, products: products}
    valid: ["count(member.role == 'main') > 0"]
"""

STAGE = """\
include: [common.yaml]
candidates: {column: asn_candidate}
defaults:
  extends: [FileKeys]
  member_fields: {expname: filename}
  product: "{candidate.id}-{band}"
rules:
  R:
    asn_type: single
    members: {main: {when: kind == 'sci', limit: 1}}
"""


def test_defaults_extend_a_base_of_an_included_file(tmp_path: Path) -> None:
    _write(tmp_path, COMMON, "common.yaml")
    ruleset = _load(tmp_path, STAGE)
    rule = ruleset.rules["R"]
    assert [key for key, _ in rule.document] == ["asn_type", "asn_rule", "products"]
    assert len(rule.valid) == 1


def test_bases_never_run_and_need_no_asn_type(tmp_path: Path) -> None:
    _write(tmp_path, COMMON, "common.yaml")
    assert list(_load(tmp_path, STAGE).rules) == ["R"]


def test_an_unknown_base_is_named_with_a_suggestion(tmp_path: Path) -> None:
    _write(tmp_path, COMMON, "common.yaml")
    (problem,) = _problems(tmp_path, STAGE.replace("[FileKeys]", "[FileKey]"))
    assert problem.code == "ASN306" and "did you mean 'FileKeys'?" in problem.message
    assert (problem.line, problem.col) == (4, 13)


def test_final_pass_offers_matching_rows_once_more(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, BASE + "final_pass: [kind == 'cal']\nrules: {}\n")
    (condition,) = ruleset.final_pass
    assert condition(Scope({"kind": "cal"}, ruleset.not_set)) is True


# -- attributes are expressions ------------------------------------------------------------------
def test_a_bare_column_and_a_column_fallback_compile_to_column_readers(tmp_path: Path) -> None:
    text = (
        BASE.replace("  visit: visit\n", "  visit: visit\n  optics: first_set(band, visit)\n")
        + "rules:\n  R:\n    asn_type: x\n    share: [band, optics]\n"
    )
    ruleset = _load(tmp_path, text)
    band, optics = ruleset.rules["R"].share
    assert columns_read(ruleset.reads, band.value) == frozenset({"band"})
    assert columns_read(ruleset.reads, optics.value) == frozenset({"band", "visit"})
    scope = Scope({"band": "null", "visit": "v1"}, ruleset.not_set)
    assert optics.value(scope) == "v1"


def test_an_attribute_expression_is_computed(tmp_path: Path) -> None:
    text = (
        BASE.replace("  visit: visit\n", "  visit: visit\n  tag: \"'t' + band\"\n")
        + "rules:\n  R:\n    asn_type: x\n    share: [tag]\n"
    )
    (tag,) = _load(tmp_path, text).rules["R"].share
    assert tag.value(Scope({"band": "f1"}, frozenset())) == "tf1"


# -- one namespace -----------------------------------------------------------------------------
def test_a_name_defined_as_two_kinds_is_an_error(tmp_path: Path) -> None:
    text = "asnrules: 1.0\nlists:\n  bright: [a, b]\nconditions:\n  bright: kind == 'sci'\n"
    (problem,) = _problems(tmp_path, text)
    assert problem.code == "ASN117"
    assert (problem.line, problem.col) == (5, 3)
    assert "a condition and as a list" in problem.message


def test_a_name_clash_across_included_files_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "asnrules: 1.0\nvalues:\n  level: kind\n", "common.yaml")
    text = "include: [common.yaml]\nlists:\n  level: [a]\n"
    (problem,) = _problems(tmp_path, text)
    assert problem.code == "ASN117" and "common.yaml:3" in problem.message


def test_a_later_file_may_redefine_a_name_of_the_same_kind(tmp_path: Path) -> None:
    _write(tmp_path, "asnrules: 1.0\nlists:\n  level: [a]\n", "common.yaml")
    assert _problems(tmp_path, "include: [common.yaml]\nlists:\n  level: [b]\n") == []


def test_a_base_and_a_rule_of_one_name_are_an_error(tmp_path: Path) -> None:
    text = BASE + "bases:\n  R: {select: [kind]}\nrules:\n  R: {asn_type: x}\n"
    assert "ASN117" in {d.code for d in _problems(tmp_path, text)}


# -- 0.x files -----------------------------------------------------------------------------------
def test_a_0x_file_is_named_as_such(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "asnrules: 1\nrules: {}\n")
    assert (problem.code, problem.line, problem.col) == ("ASN116", 1, 11)
    assert "rule language 0.x" in problem.message


def test_an_unknown_version_is_a_schema_error(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, "asnrules: 2.0\n")
    assert problem.code == "ASN112" and "'2.0'" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "col", "hint"),
    [
        ("rules:\n  R:\n    asn_type: x\n    member: {a: b}\n", 4, 5, "'member_fields'"),
        ("rules:\n  R:\n    abstract: true\n", 3, 5, "'bases' section"),
        ("defaults:\n  member: {a: b}\n", 2, 3, "'member_fields'"),
        ("rules:\n  R:\n    members:\n      s: {reoffer: existing}\n", 4, 11, "'rejoin: true'"),
        ("rules:\n  R:\n    members:\n      s: {exptype: x}\n", 4, 11, "member_fields"),
        ("roles:\n  s:\n    role: science\n", 3, 5, "maps each role's name"),
        ("reoffer: [{when: x}]\n", 1, 1, "'final_pass'"),
        ("attributes:\n  a: {from: b}\n", 2, 7, "first_set(a, b)"),
        ("attributes:\n  a: {value: b, optional: true}\n", 2, 17, "'name?'"),
        ("attributes:\n  a: [b, c]\n", 2, 6, "'first_set(b, c)'"),
        ("rules:\n  R:\n    members: [science]\n", 3, 14, "'members' is a map"),
    ],
)
def test_a_0x_key_gets_its_1_0_spelling(
    tmp_path: Path, text: str, line: int, col: int, hint: str
) -> None:
    problems = [d for d in _problems(tmp_path, text) if d.code == "ASN115"]
    assert [(d.line, d.col) for d in problems] == [(line, col)]
    assert hint in problems[0].message and "rule language 1.0" in problems[0].message


def test_a_shared_role_may_extend_another(tmp_path: Path) -> None:
    text = SHARED.replace(
        "roles:\n", "roles:\n  cal2: {extends: calibrator, when: kind == 'cal2'}\n"
    ).replace("extends: calibrator, limit: 2", "extends: cal2, limit: 2")
    cal = _role(_load(tmp_path, text), "R", "cal")
    assert cal.limit == 2 and [n for n, _ in cal.member_fields] == ["exptype", "note"]


def test_a_shared_role_extending_itself_is_an_error(tmp_path: Path) -> None:
    text = SHARED.replace("calibrator: {when", "calibrator: {extends: calibrator, when")
    assert "ASN305" in {d.code for d in _problems(tmp_path, text)}


def test_a_rule_extends_a_rule_of_another_name_of_an_earlier_file(tmp_path: Path) -> None:
    """language.md 1.5: rules of an earlier ``-r`` file can be extended by any rule."""
    first = _write(tmp_path, BASE + "rules:\n  R: {asn_type: one, share: [band]}\n", "a.yaml")
    later = "rules:\n  S: {extends: [R], asn_type: two}\n  T: {extends: [Q], asn_type: x}\n"
    second = _write(tmp_path, later, "b.yaml")
    ruleset, diagnostics = load_rulesets([first, second], collect=True)
    (problem,) = diagnostics
    assert (problem.code, problem.line, problem.col) == ("ASN306", 3, 17)
    assert ruleset.rules["S"].asn_type == "two"
    assert [d.code for d in lint_paths([first, second])] == ["ASN306"]
    assert "comes after it (generate -r stage3 -r this.yaml" in problem.message


def test_a_new_role_named_like_an_inherited_one_is_a_warning(tmp_path: Path) -> None:
    """A misspelled inherited role silently adds a role: lint says so (ASN704)."""
    text = MERGED.replace("      extra: {when: kind == 'extra'}", "      calibratr: {limit: 1}")
    (found,) = [d for d in lint_paths([_write(tmp_path, text)]) if d.code == "ASN704"]
    assert (found.line, found.col, found.severity.value) == (21, 7, "warning")
    assert "'calibratr'" in found.message and "did you mean 'calibrator'?" in found.message
    assert not [d for d in lint_paths([_write(tmp_path, MERGED)]) if d.code == "ASN704"]


def test_the_0x_name_first_is_told_its_1_0_spelling(tmp_path: Path) -> None:
    text = BASE + "rules:\n  R:\n    asn_type: x\n    valid: [first.band == 'r']\n"
    (problem,) = _problems(tmp_path, text)
    assert (problem.code, problem.line, problem.col) == ("ASN202", 13, 13)
    assert "the first member is 'first_member' in rule language 1.0" in problem.message
