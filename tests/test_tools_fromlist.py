"""``asnrules from-list``: documents as the reference's asn_from_list writes them.

The expected documents are facts observed by running jwst 3.0.0's ``asn_from_list`` (and,
for per-file exposure types, its Python ``asn_from_list(..., with_exptype=True)``) on the
same file lists; ``bench/toolbox_reference.py`` repeats the check by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules import __version__
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError
from asnrules.tools.fromlist import from_list

runner = CliRunner()

TOP = {
    "asn_type": "None",
    "version_id": None,
    "code_version": __version__,
    "degraded_status": "No known degraded exposures in association.",
    "program": "noprogram",
    "constraints": "No constraints",
    "asn_id": "a3001",
}


def test_level3_default_rule_one_product() -> None:
    doc = from_list(["a_cal.fits", "b_cal.fits"], product_name="mosaic")
    assert doc == {
        **TOP,
        "asn_rule": "DMS_Level3_Base",
        "target": "none",
        "asn_pool": "none",
        "products": [
            {
                "name": "mosaic",
                "members": [
                    {"expname": "a_cal.fits", "exptype": "science"},
                    {"expname": "b_cal.fits", "exptype": "science"},
                ],
            }
        ],
    }
    assert list(doc) == [
        "asn_type", "asn_rule", "version_id", "code_version", "degraded_status", "program",
        "constraints", "asn_id", "target", "asn_pool", "products",
    ]  # fmt: skip


def test_level2_one_product_per_file_named_by_stem_without_suffix() -> None:
    files = ["sub/jw1_01101_00001_nrca1_cal.fits", "plain.fits", "a-rate.fits", "x_y_z.fits",
             "noext"]  # fmt: skip
    doc = from_list(files, rule="Asn_Lv2Image")
    assert "target" not in doc
    assert list(doc)[-3:] == ["asn_id", "asn_pool", "products"]
    assert doc["asn_rule"] == "Asn_Lv2Image"
    assert [(p["name"], p["members"]) for p in doc["products"]] == [
        ("sub/jw1_01101_00001_nrca1", [{"expname": files[0], "exptype": "science"}]),
        ("plain", [{"expname": "plain.fits", "exptype": "science"}]),
        ("a", [{"expname": "a-rate.fits", "exptype": "science"}]),
        ("x_y_z", [{"expname": "x_y_z.fits", "exptype": "science"}]),
        ("noext", [{"expname": "noext", "exptype": "science"}]),
    ]


def test_member_types_level2_names_a_non_science_product_undefined() -> None:
    doc = from_list(
        ["a_cal.fits", "b_cal.fits"],
        rule="Asn_Lv2Spec",
        members=[("a_cal.fits", "background")],
        acid="c1000",
    )
    assert [(p["name"], p["members"][0]["exptype"]) for p in doc["products"]] == [
        ("undefined", "background"),
        ("b", "science"),
    ]


def test_member_types_level3_and_appended_member() -> None:
    doc = from_list(["b_cal.fits"], product_name="p", members=[("a_cal.fits", "background")])
    assert doc["products"][0]["members"] == [
        {"expname": "b_cal.fits", "exptype": "science"},
        {"expname": "a_cal.fits", "exptype": "background"},
    ]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"rule": "Asn_NoSuchRule", "product_name": "p"}, "ASN920"),
        ({}, "ASN922"),  # Level 3 needs a product name
        ({"rule": "Asn_Lv2Image", "acid": "x1"}, "ASN923"),
        ({"rule": "Asn_Lv2Image", "acid": "c1000"}, "ASN924"),  # no background member
        ({"product_name": "p", "members": [("a_cal.fits", "background")]}, "ASN924"),
    ],
)
def test_refused_as_the_reference_refuses(kwargs: dict, code: str) -> None:
    with pytest.raises(AsnRulesError) as caught:
        from_list(["a_cal.fits"], **kwargs)
    assert caught.value.diagnostics[0].code == code


def test_cli_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "mosaic_asn.json"
    result = runner.invoke(
        app,
        ["from-list", "-o", str(out), "--product-name", "m", "a_cal.fits", "--member",
         "b_cal.fits:background"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert [m["exptype"] for m in doc["products"][0]["members"]] == ["science", "background"]
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_cli_bad_member_spec_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["from-list", "-o", str(tmp_path / "x.json"), "a.fits", "--member", "b.fits"]
    )
    assert result.exit_code == 2
    assert "ASN921" in result.output
    assert not (tmp_path / "x.json").exists()
