"""Lint diagnostics: code, line and column for deliberately broken rule files.

Every file in ``tests/data/broken`` holds exactly one problem. The expected positions
were worked out by hand from the files: 1-based, pointing at the offending token in the
file (for an expression, the token inside the expression, wherever YAML put it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.checks.lint import lint_paths
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError
from asnrules.language.loader import load_rulesets
from asnrules.resources import bundled_rulesets

BROKEN = Path(__file__).parent / "data" / "broken"
BUNDLED = sorted(bundled_rulesets().values())


@dataclass(frozen=True)
class Case:
    file: str
    code: str
    line: int
    col: int
    fragment: str = ""


CASES = [
    # YAML
    Case("yaml_syntax.yaml", "ASN101", 6, 4, "did not find expected key"),
    Case("yaml_mapping_values.yaml", "ASN101", 2, 11, "mapping values are not allowed"),
    Case("duplicate_key.yaml", "ASN102", 6, 5, "duplicate key 'asn_type'"),
    # schema
    Case("unknown_top_key.yaml", "ASN110", 3, 1, "did you mean 'rules'?"),
    Case("unknown_rule_key.yaml", "ASN110", 6, 5, "did you mean 'select'?"),
    Case("unknown_shared_role_key.yaml", "ASN110", 6, 5, "did you mean 'limit'?"),
    Case("missing_summarize_into.yaml", "ASN111", 5, 5, "missing required key 'into'"),
    Case("wrong_type.yaml", "ASN112", 6, 13, "valid list"),
    Case("not_a_mapping.yaml", "ASN112", 1, 1, "must be a mapping"),
    # includes
    Case("missing_include.yaml", "ASN002", 3, 11, "cannot find included file 'no-such-file.yaml'"),
    Case("self_include.yaml", "ASN003", 3, 11, "includes itself"),
    # expression syntax
    Case("expr_syntax.yaml", "ASN201", 6, 20, "unexpected token 'and'"),
    Case("expr_end.yaml", "ASN201", 6, 26, "unexpected end of expression"),
    Case("unexpected_character.yaml", "ASN201", 6, 24, "unexpected character '$'"),
    Case("block_scalar.yaml", "ASN201", 9, 13, "unexpected token 'and'"),
    Case("folded_scalar.yaml", "ASN203", 9, 13, "did you mean 'regex'?"),
    # names, functions, patterns, contexts
    Case("unknown_function.yaml", "ASN203", 7, 9, "unknown function 'regx'; did you mean 'regex'?"),
    Case("arity.yaml", "ASN204", 6, 15, "pad() takes 2 argument(s), 1 given"),
    Case("invalid_regex.yaml", "ASN205", 6, 25, "invalid pattern '[unclosed'"),
    Case("definition_error.yaml", "ASN205", 6, 26, "invalid pattern '(wfsc'"),
    Case("nonliteral_regex.yaml", "ASN206", 6, 24, "must be a literal string"),
    Case("unknown_column.yaml", "ASN202", 7, 14, "name 'exp_typ'; did you mean 'exp_type'?"),
    Case("unknown_column_included.yaml", "ASN202", 7, 63, "did you mean 'program'?"),
    Case("member_field.yaml", "ASN203", 7, 16, "regx"),
    Case("document_field.yaml", "ASN203", 7, 16, "regx"),
    Case("member_outside_member.yaml", "ASN207", 6, 14, "'member' is only known"),
    Case("count_in_row.yaml", "ASN207", 6, 15, "count() cannot be used in row context"),
    Case("row_name_in_association.yaml", "ASN207", 8, 13, "'is_science' is a row definition"),
    # rules
    Case("unknown_share.yaml", "ASN301", 8, 13, "attribute 'programme'; did you mean 'program'?"),
    Case("unknown_extends.yaml", "ASN306", 8, 15, "rule or base 'Bsae'; did you mean 'Base'?"),
    Case("circular_extends.yaml", "ASN307", 5, 15, "extends itself"),
    Case("unknown_role.yaml", "ASN305", 10, 29, "did you mean 'target_acquisition'?"),
    Case("unknown_hook.yaml", "ASN302", 6, 16, "did you mean 'jwst.nod_backgrounds_level3'?"),
    # templates
    Case("template_brace.yaml", "ASN304", 6, 17, "unbalanced '{'"),
    Case("template_expression.yaml", "ASN204", 6, 18, "pad() takes 2 argument(s)"),
    Case("template_empty_braces.yaml", "ASN304", 6, 15, "empty placeholder '{}' in template"),
    # an unclosed list at the end of the file: located at its last line, not past it
    Case("yaml_unclosed_eof.yaml", "ASN101", 6, 37, "did not find expected ',' or ']'"),
    Case("empty_asn_type.yaml", "ASN114", 4, 3, "rule 'R' has no asn_type"),
    Case("circular_definition.yaml", "ASN208", 4, 9, "(is_a -> is_b -> is_a)"),
    Case("complex_key.yaml", "ASN112", 2, 3, "mapping keys must be plain names"),
]

# Cases that once showed bugs in the loader (positions in multi-line and escaped
# scalars, nested definitions, union noise): each is the one problem of its file.
BUG_CASES = [
    pytest.param(
        Case("no_asn_type.yaml", "ASN114", 4, 3, "has no asn_type"),
        id="no_asn_type.yaml",
    ),
    pytest.param(
        Case("unknown_role_key.yaml", "ASN110", 8, 9, "did you mean 'when'?"),
        id="unknown_role_key.yaml",
    ),
    pytest.param(
        Case("plain_multiline.yaml", "ASN201", 8, 13, "unexpected token 'and'"),
        id="plain_multiline.yaml",
    ),
    pytest.param(
        Case("double_quoted_multiline.yaml", "ASN201", 8, 13, "unexpected token 'and'"),
        id="double_quoted_multiline.yaml",
    ),
    pytest.param(
        Case("literal_more_indented.yaml", "ASN201", 9, 15, "unexpected token 'and'"),
        id="literal_more_indented.yaml",
    ),
    pytest.param(
        Case("folded_more_indented.yaml", "ASN203", 9, 15, "did you mean 'regex'?"),
        id="folded_more_indented.yaml",
    ),
    pytest.param(
        Case("double_quoted_escape.yaml", "ASN201", 6, 37, "unexpected token 'and'"),
        id="double_quoted_escape.yaml",
    ),
    pytest.param(
        Case("single_quoted_escape.yaml", "ASN201", 6, 37, "unexpected token 'and'"),
        id="single_quoted_escape.yaml",
    ),
    pytest.param(
        Case("nested_definition_error.yaml", "ASN203", 4, 9, "did you mean 'regex'?"),
        id="nested_definition_error.yaml",
    ),
]


def _errors(paths: list) -> list:
    """The errors lint finds (the warnings some broken files also give are tested apart)."""
    return [d for d in lint_paths(paths) if d.severity.value == "error"]


@pytest.mark.parametrize("case", [*[pytest.param(c, id=c.file) for c in CASES], *BUG_CASES])
def test_broken_file(case: Case) -> None:
    path = BROKEN / case.file
    diagnostics = _errors([path])
    assert [(d.code, d.line, d.col) for d in diagnostics] == [(case.code, case.line, case.col)], [
        d.concise() for d in diagnostics
    ]
    (diagnostic,) = diagnostics
    assert case.fragment in diagnostic.message
    assert diagnostic.path == str(path)
    assert diagnostic.severity.value == "error"
    if diagnostic.line > 0:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert diagnostic.source_line == lines[diagnostic.line - 1]


SPECIAL = {"not_utf8.yaml"}  # its source line cannot be read as text


def test_every_broken_file_has_a_case() -> None:
    listed = {c.file for c in CASES} | {p.values[0].file for p in BUG_CASES} | SPECIAL
    assert {p.name for p in BROKEN.glob("*.yaml")} == listed


def test_null_value_is_none(tmp_path: Path) -> None:
    path = tmp_path / "null.yaml"
    path.write_text("asnrules: 1.0\nname: null-defaults\ndefaults: ~\n")
    assert _errors([path]) == []


def test_file_not_utf8_is_a_diagnostic() -> None:
    found = _errors([BROKEN / "not_utf8.yaml"])
    assert [(d.code, d.line, d.col) for d in found] == [("ASN101", 2, 10)]
    assert "not UTF-8" in found[0].message


@pytest.mark.parametrize("name", [p.name for p in sorted(BROKEN.glob("*.yaml"))])
def test_loading_a_broken_file_raises(name: str) -> None:
    with pytest.raises(AsnRulesError) as info:
        load_rulesets([BROKEN / name])
    assert info.value.diagnostics


@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_rulesets_are_clean(path: Path) -> None:
    assert _errors([path]) == []


def test_bundled_rulesets_by_name_are_clean() -> None:
    assert _errors(["stage2.yaml", "stage3"]) == []


def test_include_problems_have_one_code_each(tmp_path: Path) -> None:
    head = "asnrules: 1.0\nname: {}\ninclude: [{}]\n"
    (tmp_path / "a.yaml").write_text(head.format("a", "b.yaml"))
    (tmp_path / "b.yaml").write_text(head.format("b", "a.yaml"))
    # a cycle through another file: reported where it closes
    found = [(Path(d.path).name, d.code, d.line, d.col) for d in _errors([tmp_path / "a.yaml"])]
    assert found == [("b.yaml", "ASN003", 3, 11)]
    # an included file with errors: its own errors, and ASN004 at the include
    (tmp_path / "c.yaml").write_text(head.format("c", BROKEN / "yaml_syntax.yaml"))
    found = [(Path(d.path).name, d.code) for d in _errors([tmp_path / "c.yaml"])]
    assert sorted(found) == [("c.yaml", "ASN004"), ("yaml_syntax.yaml", "ASN101")]


def test_missing_file() -> None:
    (diagnostic,) = _errors(["no/such/rules.yaml"])
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("ASN001", 0, 0)
    assert diagnostic.path == "no/such/rules.yaml"


# -- command line ----------------------------------------------------------------------

runner = CliRunner()


def test_cli_clean_file() -> None:
    result = runner.invoke(app, ["lint", str(BUNDLED[0])])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "clean" in result.stderr


def test_cli_broken_file() -> None:
    path = BROKEN / "expr_syntax.yaml"
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 1
    assert f"{path}:6:20: ASN201 error unexpected token 'and'" in result.stdout.splitlines()[0]
    assert "1 problem in 1 file" in result.stderr


def test_cli_several_files() -> None:
    paths = [BROKEN / "expr_syntax.yaml", BUNDLED[0], BROKEN / "arity.yaml"]
    result = runner.invoke(app, ["lint", *map(str, paths)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{paths[2]}:6:15: ASN204 ")
    assert lines[1].startswith(f"{paths[0]}:6:20: ASN201 ")
    assert "2 problems in 3 files" in result.stderr


def test_cli_json() -> None:
    path = BROKEN / "unknown_top_key.yaml"
    result = runner.invoke(app, ["lint", "--format", "json", str(path)])
    assert result.exit_code == 1
    (item,) = json.loads(result.stdout)
    assert item == {
        "path": str(path),
        "line": 3,
        "col": 1,
        "code": "ASN110",
        "name": "schema-unknown-key",
        "severity": "error",
        "message": "unknown key 'rulez'; did you mean 'rules'?",
    }


def test_cli_json_clean() -> None:
    result = runner.invoke(app, ["lint", "--format", "json", str(BUNDLED[0])])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_cli_github() -> None:
    path = BROKEN / "arity.yaml"
    result = runner.invoke(app, ["lint", "--format", "github", str(path)])
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"::error file={path},line=6,col=15,title=ASN204 expr-arity::"
        "pad() takes 2 argument(s), 1 given"
    )


def test_cli_sarif() -> None:
    path = BROKEN / "invalid_regex.yaml"
    result = runner.invoke(app, ["lint", "--format", "sarif", str(path)])
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    assert "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "asnrules"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ASN205"]["name"] == "expr-invalid-regex"
    assert (
        rules["ASN205"]["shortDescription"]["text"] == "a regular expression that does not compile"
    )
    (res,) = run["results"]
    assert res["ruleId"] == "ASN205"
    assert res["level"] == "error"
    assert "[unclosed" in res["message"]["text"]
    (location,) = res["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == str(path)
    assert physical["region"] == {"startLine": 6, "startColumn": 25}


def test_cli_sarif_clean() -> None:
    result = runner.invoke(app, ["lint", "--format", "sarif", str(BUNDLED[0])])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["runs"][0]["results"] == []


def test_cli_missing_file() -> None:
    result = runner.invoke(app, ["lint", "no/such/rules.yaml"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # typer.Exit(1), no other exception
    assert result.stdout.startswith("no/such/rules.yaml:0:0: ASN001 error no such rule file")
    assert "Traceback" not in result.output


def test_cli_usage_error() -> None:
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["lint", "--format", "xml", str(BUNDLED[0])])
    assert result.exit_code == 2


def test_bundled_rulesets_load_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python YAML parser (used where libyaml is absent) reads them too."""
    import yaml

    from asnrules.language import positions
    from asnrules.language.loader import load_rulesets

    monkeypatch.setattr(positions, "_Loader", yaml.SafeLoader)
    ruleset, diagnostics = load_rulesets(["stage2.yaml", "stage3.yaml"], collect=True)
    assert diagnostics == []
    assert "Asn_Lv3Image" in ruleset


OVERLAY = """\
asnrules: 1.0
rules:
  Asn_Lv3Image:
    extends: [Asn_Lv3Image]
    select: [exp_type in 'nrc_image']
"""


def test_overlay_is_linted_after_the_files_before_it(tmp_path: Path) -> None:
    """An overlay linted after the ruleset it extends is checked like generate -r loads it."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(OVERLAY)
    (diagnostic,) = lint_paths(["stage3", overlay])
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("ASN221", 5, 26)
    (alone,) = lint_paths([overlay])
    assert (alone.code, alone.line, alone.col) == ("ASN307", 4, 15)
    assert "lint stage3 this.yaml" in alone.message


def test_a_flow_list_item_split_at_a_comma_gets_a_hint(tmp_path: Path) -> None:
    """YAML splits ``[first_set(a, b) == 'x']`` at the comma: the message says so."""
    path = tmp_path / "split.yaml"
    path.write_text(
        "asnrules: 1.0\nrules:\n  R:\n    asn_type: x\n"
        "    select: [first_set(a, b) != 'x', 'x == (1']\n"
    )
    first, second, third = [d for d in lint_paths([path]) if d.code == "ASN201"]
    assert (first.line, first.col) == (5, 25)
    assert "in a flow list [...] a comma ends the item" in first.message
    assert "flow list" not in second.message + third.message  # the rest, and a quoted item


def test_an_unknown_attribute_says_how_to_declare_one(tmp_path: Path) -> None:
    rules = tmp_path / "own.yaml"
    rules.write_text(
        "asnrules: 1.0\n"
        "rules:\n"
        "  Stack:\n"
        "    asn_type: stack\n"
        "    share: [airmass]\n"
        "    member_fields: {name: frame}\n"
    )
    (found,) = [d for d in lint_paths([rules]) if d.code == "ASN301"]
    assert (found.line, found.col) == (5, 13)
    assert "'airmass: airmass' to share the column of that name" in found.message
