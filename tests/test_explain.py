"""``asnrules explain``: where an exposure went, and the engine's own reasons elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from asnrules.api import run
from asnrules.checks.explain import ABSENT, explain, render_text
from asnrules.cli.main import app

from .conftest import EXAMPLE_POOL, HEADER, corpus_or_skip, image_row, write_pool

runner = CliRunner()


def _rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text("asnrules: 1.0\ninclude: [jwst-common.yaml]\nrules:\n" + body)
    return path


MEMBER = """\
    member_fields:
      expname: filename
      exptype: "'science'"
"""


def _roots_in_files(folder: Path, root: str) -> set[str]:
    """Association files of ``folder`` with a member whose expname starts with ``root``."""
    found = set()
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        for product in data["products"]:
            if any(m["expname"].startswith(root) for m in product["members"]):
                found.add(path.name)
    return found


def test_pool_018_msa_exposure_names_the_absent_column() -> None:
    pool = corpus_or_skip() / "pools" / "pool_018_all_exptypes_realized.csv"
    result = run(pool)
    msa = [i for i in result.orphans if result.rows[i]["exp_type"] == "nrs_msaspec"]
    assert msa, "pool_018 has no MSA exposure in no association"
    name = result.rows[msa[0]]["filename"]
    (found,) = explain(pool, [name])
    assert found.associations == []
    reasons = found.rules["Asn_Lv2NRSMSA"]
    assert any(r.kind == "select" and r.values == {"msametfl": None} for r in reasons), reasons
    assert reasons[0].where.startswith("stage2.yaml:")
    assert f"msametfl = {ABSENT}" in render_text([found])


def test_pool_002_image_exposure_lists_the_files_generate_writes(tmp_path: Path) -> None:
    pool = corpus_or_skip() / "pools" / "pool_002_image_miri_realized.csv"
    out = tmp_path / "out"
    assert runner.invoke(app, ["generate", str(pool), "-p", str(out)]).exit_code == 0
    rows = run(pool).rows
    images = [r["filename"] for r in rows if r["exp_type"] == "mir_image"]
    name = next(n for n in images if _roots_in_files(out, n.rsplit("_", 1)[0]))
    (found,) = explain(pool, [name])
    written = _roots_in_files(out, name.rsplit("_", 1)[0])
    assert {p.file for p in found.associations} == written
    assert sorted(p.rule for p in found.associations) == ["Asn_Lv2Image", "Asn_Lv3Image"]
    assert all(p.exptype == "science" for p in found.associations)


def test_exposure_by_row_number_stem_and_root() -> None:
    by_number = explain(EXAMPLE_POOL, ["3"])[0]
    name = by_number.exposure
    stem = name.rsplit(".", 1)[0]
    root = name.rsplit("_", 1)[0]
    for key in (name, stem, root, name.upper()):
        assert explain(EXAMPLE_POOL, [key])[0].row == 3


def test_unknown_exposure_exits_2_with_the_nearest_names() -> None:
    name = explain(EXAMPLE_POOL, ["3"])[0].exposure
    result = runner.invoke(app, ["explain", str(EXAMPLE_POOL), name[:-3] + "xyz"])
    assert result.exit_code == 2
    assert "ASN605" in result.output and name in result.output
    assert "Traceback" not in result.output


def test_json_format() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE_POOL), "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    (data,) = json.loads(result.output)
    assert data["row"] == 3 and data["associations"]
    reasons = data["rules"]["Asn_Lv2FGS"]
    assert reasons[0]["kind"] == "select" and reasons[0]["values"] == {"exp_type": "nrc_image"}


def test_validity_check_that_dropped_the_association(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        "  Asn_Big:\n    asn_type: image3\n    select: [exp_type == 'nrc_image']\n"
        "    share: [program]\n    valid: [\"count(member.exptype == 'science') > 5\"]\n" + MEMBER,
    )
    pool = write_pool(tmp_path / "p.csv", [image_row(1), image_row(2)], HEADER)
    (found,) = explain(pool, ["1"], [rules], ignore_default=True)
    (reason,) = found.rules["Asn_Big"]
    assert reason.kind == "valid"
    assert reason.where == f"{rules}:8:13"
    assert "> 5" in reason.condition
    # without finalize nothing is dropped, and the row is in the association
    (kept,) = explain(pool, ["1"], [rules], finalize=False, ignore_default=True)
    assert {p.rule for p in kept.associations} == {"Asn_Big"}


def test_duplicate_names_the_association_kept(tmp_path: Path) -> None:
    rule = (
        "    asn_type: image3\n    select: [exp_type == 'nrc_image']\n    share: [program]\n"
        + MEMBER
    )
    rules = _rules(tmp_path, "  Asn_A:\n" + rule + "  Asn_B:\n" + rule)
    pool = write_pool(tmp_path / "p.csv", [image_row(1)], HEADER)
    (found,) = explain(pool, ["1"], [rules], all_candidates=True, ignore_default=True)
    (placement,) = found.associations
    loser = "Asn_A" if placement.rule == "Asn_B" else "Asn_B"
    (reason,) = found.rules[loser]
    assert reason.kind == "duplicate" and placement.file in reason.message


def test_pin_that_differs(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        "  Asn_Pinned:\n    asn_type: image3\n"
        "    select: [\"exp_type in ['nrc_image', 'nrc_taconfirm']\"]\n"
        "    share: [program, filter_or_band]\n"
        "    members:\n      science:\n        when: exp_type == 'nrc_image'\n"
        "      ta:\n        when: exp_type == 'nrc_taconfirm'\n        creates: false\n" + MEMBER,
    )
    rows = [image_row(1, filt="F150W"), image_row(2, filt="F200W", exp_type="NRC_TACONFIRM")]
    pool = write_pool(tmp_path / "p.csv", rows, HEADER)
    (found,) = explain(pool, ["2"], [rules], all_candidates=True, ignore_default=True)
    messages = [r.message for r in found.rules["Asn_Pinned"]]
    assert any("cannot start an association" in m for m in messages), messages
    assert any("'filter_or_band' is 'f200w' in this row and 'f150w'" in m for m in messages), (
        messages
    )


def test_tracing_changes_nothing() -> None:
    plain = run(EXAMPLE_POOL)
    rows = [r["filename"] for r in plain.rows]
    traced = explain(EXAMPLE_POOL, rows)
    files = {name for name, _ in plain.files}
    assert {p.file for e in traced for p in e.associations} == files


def test_hook_that_left_the_exposure_out() -> None:
    pool = corpus_or_skip() / "pools" / "pool_019_niriss_wfss_realized.csv"
    rows = run(pool).rows
    direct = next(r["filename"] for r in rows if r["exp_type"] == "nis_image")
    (found,) = explain(pool, [direct])
    reasons = found.rules["Asn_Lv2WFSSNIS"]
    assert [r.kind for r in reasons] == ["hook"], reasons
    assert reasons[0].condition == "jwst.wfss_catalog"
    assert "direct images" in reasons[0].message  # the hook's own summary


def test_cli_text_follows_generate_options() -> None:
    result = runner.invoke(app, ["explain", str(EXAMPLE_POOL), "3", "-i", "o001"])
    assert result.exit_code == 0, result.output
    assert "(row 3)" in result.output
    assert "jw01234-o001_image3_0000" in result.output
    assert "c1000" not in result.output and "discovery" not in result.output
    clash = runner.invoke(app, ["explain", str(EXAMPLE_POOL), "3", "-i", "o001", "--discover"])
    assert clash.exit_code == 2
