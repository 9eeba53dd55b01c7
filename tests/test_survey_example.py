"""The survey example (examples/survey): a ruleset that owes nothing to JWST.

No candidate column, values kept as the pool writes them, orphans by where members came
from, the engine's neutral file names; and the settings that change each of these.
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.checks.ruletests import run_files
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError

from .conftest import REPO

SURVEY = REPO / "examples" / "survey"
RULES = SURVEY / "survey.yaml"
POOL = SURVEY / "survey_pool.csv"


def _members(result) -> dict[str, list[str]]:
    """File name -> member files, for every association written."""
    return {
        name: [m["file"] for p in json.loads(text)["products"] for m in p["members"]]
        for name, text in result.files
    }


def _with(tmp_path: Path, extra: str, rules: str | None = None) -> Path:
    """The survey ruleset with top-level settings added."""
    path = tmp_path / "survey.yaml"
    path.write_text((rules or RULES.read_text()).replace("identity: filename\n", extra, 1))
    return path


def test_generate_writes_the_survey_associations() -> None:
    result = run(POOL, [RULES], ignore_default=True)
    night1, night2 = "srv_20261101_", "srv_20261102_"
    assert _members(result) == {
        "biases_001.json": [f"{night1}0001.fits", f"{night1}0002.fits"],
        "flats_001.json": [f"{night1}0003.fits", f"{night1}0004.fits"],
        "flats_002.json": [f"{night1}0005.fits"],
        "stack_001.json": [f"{night1}0040.fits", f"{night1}0041.fits"],
        "colour_001.json": [f"{night1}0040.fits", f"{night1}0041.fits", f"{night1}0042.fits"],
        "stack_002.json": [f"{night1}0044.fits", f"{night2}0050.fits"],
        "biases_002.json": [f"{night2}0001.fits", f"{night2}0002.fits"],
        "flats_003.json": [f"{night2}0003.fits"],
    }
    # bad seeing (0043, 0051), no rule (the dark 0045), a field seen once (0052): the
    # orphans of both nights, though their names share the night's prefix
    orphans = [result.rows[i]["filename"] for i in result.orphans]
    assert orphans == [f"{night1}0043.fits", f"{night1}0045.fits", f"{night2}0051.fits",
                       f"{night2}0052.fits"]  # fmt: skip


def test_values_come_back_as_the_pool_writes_them() -> None:
    result = run(POOL, [RULES], ignore_default=True)
    docs = {name: json.loads(text) for name, text in result.files}
    stack = docs["stack_002.json"]
    assert stack["products"][0]["name"] == "F042_r"
    assert stack["asn_rule"] == "Stack"  # no run prefix: the rule's name
    assert docs["biases_001.json"]["products"][0]["members"][0]["kind"] == "BIAS"
    assert docs["colour_001.json"]["products"][0]["name"] == "F017_colour"


def test_case_fold_lower_cases_what_is_read(tmp_path: Path) -> None:
    rules = _with(tmp_path, "identity: filename\ncase: fold\n")
    docs = {n: json.loads(t) for n, t in run(POOL, [rules], ignore_default=True).files}
    assert docs["stack_002.json"]["products"][0]["name"] == "f042_r"
    assert docs["biases_001.json"]["products"][0]["members"][0]["kind"] == "bias"


def test_orphans_by_exposure_roots_hide_a_night(tmp_path: Path) -> None:
    # the JWST rule (root: the name up to the last '_') is wrong for these names: every
    # row of a night with one member is taken for a member
    roots = "orphans: {column: filename, member_field: file, separator: _}\n"
    rules = _with(tmp_path, "identity: filename\n" + roots)
    assert run(POOL, [rules], ignore_default=True).orphans == []


def test_candidates_declared_name_their_files_by_candidate(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    lines = POOL.read_text().splitlines()
    pool.write_text(
        "\n".join([lines[1] + "|CAND", *(f"{line}|[('n1', 'night')]" for line in lines[2:])])
    )
    rules = _with(tmp_path, "identity: filename\ncandidates: {column: cand}\n")
    names = [n for n, _ in run(pool, [rules], ignore_default=True).files]
    assert "n1_stack_001.json" in names
    # the discovered duplicates are dropped (same members), the discovered colour set too
    assert not any(n.startswith("stack") for n in names)


def test_a_rule_without_an_identity_field_is_a_located_error(tmp_path: Path) -> None:
    text = RULES.read_text().replace("member_identity: [file, kind]", "member_identity: [file, id]")
    rules = _with(tmp_path, "identity: filename\n", text)
    with pytest.raises(AsnRulesError) as caught:
        run(POOL, [rules], ignore_default=True)
    found = caught.value.diagnostics
    assert [d.code for d in found] == ["ASN118"] * 4
    assert "'NightlyBiases'" in found[0].message and "'id'" in found[0].message
    # located at the member fields the rule has (here, from the defaults)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "member_fields: {file" in t)
    assert {(d.path, d.line) for d in found} == {(str(rules), line)}


DOUBLED = """
  StackAgain:
    asn_type: stack
    select: [good_seeing]
    share: [field, band]
    product: "{field}_{band}"
    valid: ["count(member.kind == 'science') >= 2"]
"""


def test_duplicates_are_dropped_and_counted(tmp_path: Path) -> None:
    rules = _with(tmp_path, "identity: filename\n", RULES.read_text() + DOUBLED)
    result = run(POOL, [rules], ignore_default=True)
    assert [n for n, _ in result.files].count("stack_001.json") == 1
    assert sum(1 for a in result.associations if a.rule.asn_type == "stack") == 2
    assert dict(result.deduplicated) == {"same_members": 2}
    cli = CliRunner().invoke(
        app, ["generate", str(POOL), "-r", str(rules), "--ignore-default", "--dry-run", "-v"]
    )
    assert cli.exit_code == 0, cli.output
    assert "de-duplication dropped 2 association(s): 2 by same_members" in cli.output


def test_without_deduplication_nothing_is_dropped(tmp_path: Path) -> None:
    rules = _with(tmp_path, "identity: filename\ndeduplicate: false\n", RULES.read_text() + DOUBLED)
    result = run(POOL, [rules], ignore_default=True)
    assert sum(1 for a in result.associations if a.rule.asn_type == "stack") == 4
    assert not result.deduplicated


def test_same_product_is_declared_not_default(tmp_path: Path) -> None:
    # the colour set and a stack of F017 named alike: only same_product drops the smaller
    text = RULES.read_text().replace('product: "{field}_colour"', 'product: "{field}_r"')
    plain = run(POOL, [_with(tmp_path, "identity: filename\n", text)], ignore_default=True)
    assert "stack_001.json" in dict(plain.files)
    both = _with(tmp_path, "identity: filename\ndeduplicate: [same_members, same_product]\n", text)
    result = run(POOL, [both], ignore_default=True)
    assert dict(result.deduplicated) == {"same_product": 1}
    assert sum(1 for a in result.associations if a.rule.asn_type == "stack") == 1


def test_the_example_rule_tests_pass() -> None:
    outcomes, broken = run_files([SURVEY / "tests.yaml"])
    assert not broken
    assert len(outcomes) == 5 and all(o.passed for o in outcomes), [
        f.message for o in outcomes for f in o.failures
    ]


def test_explain_names_the_duplicate_and_the_discovery_run(tmp_path: Path) -> None:
    from asnrules.checks.explain import explain, render_text

    rules = _with(tmp_path, "identity: filename\n", RULES.read_text() + DOUBLED)
    found = explain(POOL, ["srv_20261101_0040.fits", "srv_20261101_0043"], [str(rules)],
                    ignore_default=True)  # fmt: skip
    text = render_text(found)
    assert "stack_001.json  rule StackAgain (stack)  role member  kind science" in text
    assert (
        "its association (field='F017' band='r') was dropped, de-duplication: the same members "
        "are kept in stack_001.json\n"
    ) in text
    assert "select condition is false [discovery]" in text


def test_all_candidates_of_rules_without_candidates_warns() -> None:
    result = run(POOL, [RULES], ignore_default=True, all_candidates=True)
    assert result.files == []
    assert [w.code for w in result.warnings if w.code == "ASN030"] == ["ASN030"]


def test_candidates_without_a_column_is_a_located_error(tmp_path: Path) -> None:
    rules = _with(tmp_path, "identity: filename\ncandidates: {discovered_id: d1}\n")
    with pytest.raises(AsnRulesError) as caught:
        run(POOL, [rules], ignore_default=True)
    (found,) = caught.value.diagnostics
    assert found.code == "ASN111" and "column" in found.message
    line = next(n for n, t in enumerate(rules.read_text().splitlines(), 1) if "candidates:" in t)
    assert found.line == line


ROLES_GIVE_KIND = """
asnrules: 1.0
name: roles
member_identity: [file, kind]
defaults:
  member_fields: {file: filename}
rules:
  Calibrations:
    asn_type: calibrations
    share: [night]
    members:
      bias: {when: "kind == 'bias'", member_fields: {kind: "'bias'"}}
      flat: {when: "kind == 'flat'", member_fields: {kind: "'flat'"}}
  Mixed:
    asn_type: mixed
    members:
      bias: {when: "kind == 'bias'", member_fields: {kind: "'bias'"}}
      other: {when: "kind != 'bias'"}
"""


def test_an_identity_field_every_role_writes_counts(tmp_path: Path) -> None:
    from asnrules.checks.lint import lint_paths

    path = tmp_path / "roles.yaml"
    path.write_text(ROLES_GIVE_KIND)
    found = [(d.code, d.message) for d in lint_paths([path]) if d.code == "ASN118"]
    assert len(found) == 1 and "'Mixed'" in found[0][1] and "'kind'" in found[0][1]


# -- without an identity column: rows are followed by their pool row ---------------------


def test_without_identity_generate_and_orphans_are_the_same(tmp_path: Path) -> None:
    with_identity = run(POOL, [RULES], ignore_default=True)
    result = run(POOL, [_with(tmp_path, "")], ignore_default=True)
    assert result.files == with_identity.files
    assert result.orphans == with_identity.orphans == [8, 10, 15, 16]


def test_without_identity_explain_names_rows_by_number(tmp_path: Path) -> None:
    from asnrules.checks.explain import explain, render_text

    rules = _with(tmp_path, "", RULES.read_text() + DOUBLED)
    found = explain(POOL, ["6", "9"], [str(rules)], ignore_default=True)
    assert [(e.exposure, e.row) for e in found] == [("", 6), ("", 9)]
    text = render_text(found)
    assert text.startswith("row 6\n  in:\n    colour_001.json  rule ColourSet (colour)  role")
    assert "stack_001.json  rule StackAgain (stack)  role member  kind science" in text
    # the dropped duplicate is found by the pool row of its members
    assert (
        "its association (field='F017' band='r') was dropped, de-duplication: the same members "
        "are kept in stack_001.json\n"
    ) in text
    assert "row 9\n  in no association\n" in text
    assert "seeing = '2.4'" in text


def test_without_identity_explain_by_name_is_a_located_error(tmp_path: Path) -> None:
    from asnrules.checks.explain import explain

    with pytest.raises(AsnRulesError) as caught:
        explain(POOL, ["srv_20261101_0040.fits"], [str(_with(tmp_path, ""))], ignore_default=True)
    (found,) = caught.value.diagnostics
    assert found.code == "ASN605" and "no identity column: name rows by number" in found.message


def test_without_identity_the_rule_tests_name_orphans_by_file(tmp_path: Path) -> None:
    _with(tmp_path, "")
    tests = tmp_path / "tests.yaml"
    tests.write_text((SURVEY / "tests.yaml").read_text())
    outcomes, broken = run_files([tests])
    assert not broken and len(outcomes) == 5
    assert all(o.passed for o in outcomes), [f.message for o in outcomes for f in o.failures]


def test_without_identity_the_report_links_members_to_their_rows(tmp_path: Path) -> None:
    from asnrules.tools.report import render_report

    result = run(POOL, [_with(tmp_path, "")], ignore_default=True)
    page = render_report(result, pool_name="survey", columns=["filename", "night"])
    assert page.count('<span class="tag none">orphan</span>') == len(result.orphans) == 4
    assert "<th>#</th><th>filename</th><th>reason</th>" in page
    # 0040 (row 6) is in the stack and the colour set
    row = page[page.index('<tr id="row-5"') :].split("</tr>")[0]
    assert row.count('class="tag"') == 2
