"""Tests of asnrules.tools.compare: the corpus's "same associations" equivalence."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from asnrules.tools.compare import (
    AsnComparison,
    asn_key,
    compare_folders,
    load_asns,
    main,
    read_orphan_rows,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLDEN_MIRI = SHARED / "corpus" / "goldens" / "default" / "pool_002_image_miri_realized"


def make_asn(
    asn_type: str = "image2",
    members: list[dict[str, Any]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """Build a small association with one product."""
    if members is None:
        members = [{"expname": "jw_00001_rate.fits", "exptype": "science", "exposerr": None}]
    asn: dict[str, Any] = {
        "asn_type": asn_type,
        "asn_rule": "candidate_Asn_Lv2Image",
        "version_id": None,
        "code_version": "3.0.0",
        "program": "99009",
        "constraints": "DMSAttrConstraint({'name': 'program'})",
        "asn_id": "o001",
        "asn_pool": "pool.csv",
        "target": "1",
        "products": [{"name": "jw_00001", "members": members}],
    }
    asn.update(top)
    return asn


def write(folder: Path, files: dict[str, dict[str, Any]]) -> Path:
    """Write association files into a (new) folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, asn in files.items():
        (folder / name).write_text(json.dumps(asn, indent=4), encoding="utf-8")
    return folder


TWO_MEMBERS = [
    {"expname": "jw_00001_rate.fits", "exptype": "science", "exposerr": None},
    {"expname": "jw_00002_rate.fits", "exptype": "background", "exposerr": None},
]


def test_identical_folders_are_same(tmp_path: Path) -> None:
    files = {
        "jw99009-o001_image2_00001_asn.json": make_asn(),
        "jw99009-o001_image3_00001_asn.json": make_asn("image3", TWO_MEMBERS),
    }
    result = compare_folders(write(tmp_path / "a", files), write(tmp_path / "b", files))
    assert result.same
    assert result.strict_names == 2
    assert result.only_ours == [] and result.only_golden == []
    assert result.orphans_ok is None and result.orphan_detail == ""
    assert result.level_counts() == {"2": (1, 1), "3": (1, 1)}


def test_ignored_top_level_keys(tmp_path: Path) -> None:
    golden = write(tmp_path / "golden", {"jw99009-o001_image2_00001_asn.json": make_asn()})
    ours_asn = make_asn(constraints="something else", code_version="0.1", asn_pool="other.csv")
    ours = write(tmp_path / "ours", {"jw99009-o001_image2_00001_asn.json": ours_asn})
    result = compare_folders(ours, golden)
    assert result.same
    assert result.matched == [("jw99009-o001_image2_00001_asn.json",) * 2]


@pytest.mark.parametrize(
    "change",
    [
        {"asn_id": "o002"},
        {"version_id": "v1"},
        {"degraded_status": "extra key"},
    ],
)
def test_other_top_level_keys_count(tmp_path: Path, change: dict[str, Any]) -> None:
    name = "jw99009-o001_image2_00001_asn.json"
    golden = write(tmp_path / "golden", {name: make_asn()})
    ours = write(tmp_path / "ours", {name: make_asn(**change)})
    result = compare_folders(ours, golden)
    assert not result.same
    assert result.only_ours == [name] and result.only_golden == [name]


def test_changed_member_exptype_differs(tmp_path: Path) -> None:
    name = "jw99009-o001_image3_00001_asn.json"
    changed = copy.deepcopy(TWO_MEMBERS)
    changed[1]["exptype"] = "science"
    golden = write(tmp_path / "golden", {name: make_asn("image3", TWO_MEMBERS)})
    ours = write(tmp_path / "ours", {name: make_asn("image3", changed)})
    result = compare_folders(ours, golden)
    assert not result.same
    assert result.matched == []
    assert result.level_counts() == {"2": (0, 0), "3": (0, 1)}


def test_member_order_matters(tmp_path: Path) -> None:
    name = "jw99009-o001_image3_00001_asn.json"
    golden = write(tmp_path / "golden", {name: make_asn("image3", TWO_MEMBERS)})
    ours = write(tmp_path / "ours", {name: make_asn("image3", TWO_MEMBERS[::-1])})
    assert not compare_folders(ours, golden).same


def test_missing_member_key_differs_from_none() -> None:
    with_none = make_asn(members=[{"expname": "a", "exptype": "science", "exposerr": None}])
    without = make_asn(members=[{"expname": "a", "exptype": "science"}])
    name = "jw99009-o001_image2_00001_asn.json"
    assert asn_key(with_none, name) != asn_key(without, name)


def test_member_extra_keys_ignored() -> None:
    plain = make_asn()
    extra = make_asn()
    extra["products"][0]["members"][0]["group_id"] = "whatever"
    name = "jw99009-o001_image2_00001_asn.json"
    assert asn_key(plain, name) == asn_key(extra, name)


def test_member_values_case_insensitive(tmp_path: Path) -> None:
    name = "jw99009-o001_image2_00001_asn.json"
    lower = [
        {
            "expname": "jw_00001_rate.fits",
            "exptype": "science",
            "exposerr": None,
            "asn_candidate": "('o001', 'observation')",
        }
    ]
    upper = [
        {
            "expname": "JW_00001_RATE.FITS",
            "exptype": "Science",
            "exposerr": None,
            "asn_candidate": "('O001', 'OBSERVATION')",
        }
    ]
    golden = write(tmp_path / "golden", {name: make_asn(members=lower)})
    ours = write(tmp_path / "ours", {name: make_asn(members=upper)})
    assert compare_folders(ours, golden).same


def test_sequence_numbers_masked_but_counted(tmp_path: Path) -> None:
    first = make_asn(members=[{"expname": "x_rate.fits", "exptype": "science"}])
    second = make_asn(members=[{"expname": "y_rate.fits", "exptype": "science"}])
    golden = write(
        tmp_path / "golden",
        {
            "jw99009-o001_image2_00001_asn.json": first,
            "jw99009-o001_image2_00002_asn.json": second,
        },
    )
    ours = write(
        tmp_path / "ours",
        {
            "jw99009-o001_image2_00002_asn.json": first,
            "jw99009-o001_image2_00001_asn.json": second,
        },
    )
    result = compare_folders(ours, golden)
    assert result.same
    assert result.strict_names == 0
    assert sorted(result.matched) == [
        ("jw99009-o001_image2_00001_asn.json", "jw99009-o001_image2_00002_asn.json"),
        ("jw99009-o001_image2_00002_asn.json", "jw99009-o001_image2_00001_asn.json"),
    ]


def test_other_name_parts_count(tmp_path: Path) -> None:
    golden = write(tmp_path / "golden", {"jw99009-o001_image2_00001_asn.json": make_asn()})
    ours = write(tmp_path / "ours", {"jw99009-o002_image2_00001_asn.json": make_asn()})
    assert not compare_folders(ours, golden).same


def test_multiset_matching_prefers_identical_names(tmp_path: Path) -> None:
    asn = make_asn()
    golden = write(
        tmp_path / "golden",
        {
            "jw99009-o001_image2_00001_asn.json": asn,
            "jw99009-o001_image2_00002_asn.json": asn,
        },
    )
    ours = write(
        tmp_path / "ours",
        {
            "jw99009-o001_image2_00002_asn.json": asn,
            "jw99009-o001_image2_00003_asn.json": asn,
            "jw99009-o001_image2_00004_asn.json": asn,
        },
    )
    result = compare_folders(ours, golden)
    assert len(result.matched) == 2
    assert result.strict_names == 1
    assert ("jw99009-o001_image2_00002_asn.json",) * 2 in result.matched
    assert len(result.only_ours) == 1 and result.only_golden == []
    assert not result.same
    assert result.level_counts() == {"2": (2, 2), "3": (0, 0)}


def test_level_from_asn_type(tmp_path: Path) -> None:
    files = {
        f"jw99009-o001_{kind}_00001_asn.json": make_asn(kind)
        for kind in ("image2", "spec2", "tso-spec2", "nrslamp-spec2", "image3", "wfs-image3")
    }
    result = compare_folders(write(tmp_path / "a", files), write(tmp_path / "b", files))
    assert result.level_counts() == {"2": (4, 4), "3": (2, 2)}


ORPHAN_TABLE = """\
# orphans written by asnrules
FILENAME|exp_type|asn_candidate
jw_00003_UNCAL.fits|mir_image|"[('o001', 'observation')]"
jw_00004_uncal.fits|mir_image|"[('o001', 'observation')]"
"""


def test_read_orphan_rows(tmp_path: Path) -> None:
    table = tmp_path / "orphans.csv"
    table.write_text(ORPHAN_TABLE, encoding="utf-8")
    assert read_orphan_rows(table) == {"jw_00003_uncal.fits", "jw_00004_uncal.fits"}
    bad = tmp_path / "bad.csv"
    bad.write_text("exp_type|asn_candidate\nmir_image|x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="filename"):
        read_orphan_rows(bad)


def test_orphan_comparison(tmp_path: Path) -> None:
    files = {"jw99009-o001_image2_00001_asn.json": make_asn()}
    ours = write(tmp_path / "ours", files)
    golden = write(tmp_path / "golden", files)
    table = tmp_path / "orphans.csv"
    table.write_text(ORPHAN_TABLE, encoding="utf-8")

    # No orphans_expected.txt in the golden folder: not compared.
    assert compare_folders(ours, golden, table).orphans_ok is None

    (golden / "orphans_expected.txt").write_text(
        "jw_00003_uncal.fits\n\nJW_00004_uncal.fits\n", encoding="utf-8"
    )
    # No orphan table of ours: not compared.
    assert compare_folders(ours, golden).orphans_ok is None
    result = compare_folders(ours, golden, table)
    assert result.orphans_ok is True and result.orphan_detail == "" and result.same

    (golden / "orphans_expected.txt").write_text(
        "jw_00003_uncal.fits\njw_00005_uncal.fits\n", encoding="utf-8"
    )
    result = compare_folders(ours, golden, table)
    assert result.orphans_ok is False and not result.same
    assert "missing 1: jw_00005_uncal.fits" in result.orphan_detail
    assert "extra 1: jw_00004_uncal.fits" in result.orphan_detail

    result = compare_folders(ours, golden, tmp_path / "absent.csv")
    assert result.orphans_ok is False and "not found" in result.orphan_detail


def test_load_asns_only_asn_files(tmp_path: Path) -> None:
    folder = write(tmp_path / "f", {"jw99009-o001_image2_00001_asn.json": make_asn()})
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    (folder / "rc").write_text("0\n", encoding="utf-8")
    assert list(load_asns(folder)) == ["jw99009-o001_image2_00001_asn.json"]


def test_main_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "jw99009-o001_image2_00001_asn.json"
    golden = write(tmp_path / "golden", {name: make_asn()})
    same = write(tmp_path / "same", {name: make_asn()})
    other = write(tmp_path / "other", {name: make_asn(asn_id="o009")})
    assert main([str(same), str(golden)]) == 0
    assert "SAME" in capsys.readouterr().out
    assert main([str(other), str(golden)]) == 1
    out = capsys.readouterr().out
    assert "only golden: 1" in out and "level 2: 0/1" in out


@pytest.mark.skipif(not GOLDEN_MIRI.is_dir(), reason=f"golden corpus not found at {GOLDEN_MIRI}")
def test_golden_folder_against_itself() -> None:
    result = compare_folders(GOLDEN_MIRI, GOLDEN_MIRI)
    assert isinstance(result, AsnComparison)
    assert result.same
    assert result.matched
    assert result.strict_names == len(result.matched) == len(load_asns(GOLDEN_MIRI))
