"""Lint warnings (ASN701-703) and the hints in error messages."""

from __future__ import annotations

from pathlib import Path

from asnrules.checks.lint import lint_paths


def _lint(tmp_path: Path, text: str, name: str = "rules.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(text)
    return [d.concise().split(": ", 1)[1] for d in lint_paths([path])]


def test_rule_without_member_fields(tmp_path):
    found = _lint(tmp_path, "asnrules: 1.0\nrules:\n  R:\n    asn_type: image2\n")
    assert found == [
        "ASN701 warning rule 'R' has no member_fields and no document: every member "
        "is written as {}; its files hold only 'products' (extend a rule, a base or a "
        "defaults that gives them)"
    ]


def test_rule_without_member_fields_only(tmp_path):
    text = "asnrules: 1.0\nrules:\n  R:\n    asn_type: x\n    document: {products: products}\n"
    (found,) = _lint(tmp_path, text)
    assert found.startswith("ASN701 warning rule 'R' has no member_fields: every member is")


def test_template_shadowing_an_attribute(tmp_path):
    text = (
        "asnrules: 1.0\nattributes:\n  target: targetid\n"
        "templates:\n  target: t{target}\nrules: {}\n"
    )
    (found,) = _lint(tmp_path, text)
    assert found.startswith("ASN702 warning template 'target' shadows the attribute")


def test_included_defaults_are_ignored(tmp_path):
    (found,) = _lint(tmp_path, "asnrules: 1.0\ninclude: [stage3.yaml]\n")
    assert found.startswith(
        "ASN703 warning the defaults and final_pass of included 'stage3.yaml' are ignored"
    )


def test_name_hints(tmp_path):
    text = (
        "asnrules: 1.0\ninclude: [jwst-common.yaml]\nrules:\n  R:\n    asn_type: x\n"
        "    select: [exp_typ == 'a', lenn(filter) == 1]\n"
        "    member_fields: {expname: filename}\n    document: {x: filter}\n"
    )
    found = _lint(tmp_path, text)
    assert any(
        "unknown name 'exp_typ'; did you mean 'exp_type'? (in row context" in f for f in found
    )
    assert any("unknown function 'lenn'" in f and "known functions: " in f for f in found)
    assert any("'filter' is a pool column, visible in row and member context" in f for f in found)
