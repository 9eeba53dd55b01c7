"""Lint reports every problem of a file in one run, schema errors included."""

from __future__ import annotations

from pathlib import Path

import pytest

from asnrules.checks.lint import lint_paths
from asnrules.diagnostics import AsnRulesError
from asnrules.language.loader import load_rulesets

DATA = Path(__file__).parent / "data" / "lint"


def test_four_mistakes_in_one_run() -> None:
    found = lint_paths([DATA / "four_mistakes.yaml"])
    assert [(d.code, d.line, d.col) for d in found] == [
        ("ASN110", 13, 5),  # selct: the rest of the file is still compiled
        ("ASN201", 18, 36),
        ("ASN301", 21, 13),
        ("ASN203", 25, 9),
    ], [d.concise() for d in found]


def test_schema_error_still_stops_a_run() -> None:
    with pytest.raises(AsnRulesError) as info:
        load_rulesets([DATA / "four_mistakes.yaml"])
    assert {d.code for d in info.value.diagnostics} == {"ASN110", "ASN201", "ASN301", "ASN203"}


def test_other_keys_of_a_broken_rule_are_compiled(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "asnrules: 1.0\nrules:\n  R:\n    asn_type: image2\n    selct: [a]\n"
        "    member_fields:\n      expname: regx(filename, 'x')\n    document: {n: '1'}\n",
        encoding="utf-8",
    )
    assert [(d.code, d.line) for d in lint_paths([rules])] == [("ASN110", 5), ("ASN203", 7)]


def test_a_bad_key_inside_a_union_value_drops_only_that_key(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "asnrules: 1.0\nattributes:\n  program: {fromm: program}\n"
        "defaults: {member_fields: {expname: filename}, document: {program: program}}\n"
        "rules:\n  R:\n    asn_type: image2\n    share: [program]\n"
        "    members:\n      science:\n        limitt: 2\n",
        encoding="utf-8",
    )
    found = [(d.code, d.line, d.col) for d in lint_paths([rules])]
    # no "not a valid list" for the other alternatives, no "unknown attribute" at its uses
    assert found == [("ASN113", 3, 12), ("ASN110", 3, 13), ("ASN110", 11, 9)]
