"""The MIRI LRS fixed-slit nod and WFSS pure-parallel rules on pools made for them.

The expectations are what the reference generator (jwst 3.0.0 ``asn_generate``) wrote for
``tests/data/pool_mirlrs_nod.csv``, ``pool_wfss_parallel.csv`` and
``pool_wfss_parallel_miri.csv`` in each mode:
file names (with their sequence numbers), product names, and members with their exptypes,
in order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from asnrules.api import run

DATA = Path(__file__).parent / "data"
MODES: dict[str, dict[str, Any]] = {
    "default": {},
    "all-candidates": {"all_candidates": True},
    "discover": {"discover": True},
    "version-id": {"version_id": "v1"},
}


def _files(pool: Path, **options: Any) -> dict[str, list[tuple[str, list[tuple[str, str]]]]]:
    """File name -> [(product name, [(expname, exptype), ...]), ...]."""
    import json

    result = run(pool, **options)
    found = {}
    for name, text in result.files:
        doc = json.loads(text)
        found[name] = [
            (p["name"], [(m["expname"], m["exptype"]) for m in p["members"]])
            for p in doc["products"]
        ]
    return found


def lrs(obs: int, n: int, suffix: str = "rate") -> str:
    return f"jw99100{obs:03d}001_02101_{n:05d}_mirimage_{suffix}.fits"


def _nod(obs: int, science: int, *others: tuple[int, str]) -> list[tuple[str, list[Any]]]:
    members = [(lrs(obs, n), "science" if n == science else kind) for n, kind in others]
    return [(lrs(obs, science)[: -len("_rate.fits")], members)]


SCI, BKG, TA = "science", "background", "target_acquisition"
# o001: TA confirm (1), nods at pattern positions 1, 2, 1, 2 (2-5);
# o002: nods at positions 2, 1 (1-2), TA confirm (3) after them.
LRS_SPEC2 = {
    "jw99100-o001_spec2_00001_asn.json": _nod(1, 5, (5, SCI), (2, BKG), (4, BKG), (1, TA)),
    "jw99100-o001_spec2_00002_asn.json": _nod(1, 4, (4, SCI), (5, BKG), (3, BKG), (1, TA)),
    "jw99100-o001_spec2_00003_asn.json": _nod(1, 3, (3, SCI), (4, BKG), (2, BKG), (1, TA)),
    "jw99100-o001_spec2_00004_asn.json": _nod(1, 2, (1, TA), (2, SCI), (3, BKG), (5, BKG)),
    "jw99100-o002_spec2_00001_asn.json": _nod(2, 2, (2, SCI), (3, TA), (1, BKG)),
    "jw99100-o002_spec2_00002_asn.json": _nod(2, 1, (1, SCI), (2, BKG), (3, TA)),
}
LRS_OTHERS = {
    "default": [
        "jw99100-a3001_spec3_00001_asn.json",
        "jw99100-c1000_spec3_00001_asn.json",
        "jw99100-o001_image2_00001_asn.json",
        "jw99100-o001_spec3_00001_asn.json",
        "jw99100-o002_image2_00001_asn.json",
        "jw99100-o002_spec3_00001_asn.json",
        "jw99100-o003_spec2_00001_asn.json",
    ],
    "discover": ["jw99100-a3001_spec3_00001_asn.json"],
}
LRS_OTHERS["all-candidates"] = LRS_OTHERS["default"][1:]
LRS_OTHERS["version-id"] = LRS_OTHERS["default"]


@pytest.mark.parametrize("mode", MODES)
def test_mirlrs_nods_as_the_reference(mode: str) -> None:
    found = _files(DATA / "pool_mirlrs_nod.csv", **MODES[mode])
    expected_spec2 = {} if mode == "discover" else LRS_SPEC2
    others = LRS_OTHERS[mode]
    if mode == "version-id":
        expected_spec2 = {_versioned(k): v for k, v in expected_spec2.items()}
        others = [_versioned(n) for n in others]
    assert sorted(found) == sorted([*expected_spec2, *others])
    for name, products in expected_spec2.items():
        assert found[name] == products, name


def _versioned(name: str) -> str:
    head, tail = name.split("_", 1)
    return f"{head}_v1_{tail}"


def test_mirlrs_nod_partners_compare_whole_values(tmp_path: Path) -> None:
    """Deviation: pattern positions 1 and 11 are partners both ways.

    The reference tests "does not contain the science's number": it gives the science at
    position 11 the one at 1 as background, but leaves the science at 1 alone (its own
    association is then the duplicate that ``Asn_MIRLRSTAConfirm`` also makes).
    """
    lines = (DATA / "pool_mirlrs_nod.csv").read_text().splitlines()
    header = next(line for line in lines if not line.startswith("#"))
    columns = header.split("|")
    rows = [line for line in lines if not line.startswith("#")][2:4]
    made = []
    for row, position in zip(rows, ("1", "11"), strict=True):
        cells = row.split("|")
        cells[columns.index("patt_num")] = position
        cells[columns.index("asn_candidate")] = "[('o001', 'observation')]"
        made.append("|".join(cells))
    pool = tmp_path / "pool.csv"
    pool.write_text("\n".join([header, *made]) + "\n")
    found = _files(pool, all_candidates=True)
    spec2 = sorted(products[0][1] for name, products in found.items() if "_spec2_" in name)
    assert spec2 == [
        [(lrs(1, 2), SCI), (lrs(1, 3), BKG)],
        [(lrs(1, 3), SCI), (lrs(1, 2), BKG)],
    ]


def _catalog(
    candidate: str, science: str, optical: str, instrument: str, program: str = "99200"
) -> list[Any]:
    root = f"jw{program}-{candidate}_t000_{instrument}_{optical}"
    return [
        (
            science,
            [
                (f"{science}_rate.fits", "science"),
                (f"{root}_i2d.fits", "direct_image"),
                (f"{root}_cat.ecsv", "sourcecat"),
                (f"{root}_segm.fits", "segmap"),
            ],
        )
    ]


NRC_A, NRC_B = "jw99200002001_02101_00001_nrcalong", "jw99200002001_02101_00001_nrcblong"
NIS_R, NIS_C = "jw99200004001_02101_00001_nis", "jw99200004001_02101_00002_nis"
# c1000: NIRCam direct images nrca1, nrcblong, nrcalong, nrcb1 (in that order) and grism
# exposures on both long-wave detectors; the expspcin closest after the grism is nrca1's,
# so only the "first long-wave" choice names the catalog clear-f356w.
WFSS_PARALLEL = {
    "jw99200-c1000_spec2_00001_asn.json": _catalog("c1000", NRC_B, "clear-f356w", "nircam"),
    "jw99200-c1000_spec2_00002_asn.json": _catalog("c1000", NRC_A, "clear-f356w", "nircam"),
    "jw99200-c1001_spec2_00001_asn.json": _catalog("c1001", NIS_C, "clear-f200w", "niriss"),
    "jw99200-c1001_spec2_00002_asn.json": _catalog("c1001", NIS_R, "clear-f200w", "niriss"),
}
DISCOVERED_PARALLEL = {
    "jw99200-a3001_spec2_00001_asn.json": _catalog("a3001", NIS_C, "clear-f200w", "niriss"),
    "jw99200-a3001_spec2_00002_asn.json": _catalog("a3001", NIS_R, "clear-f200w", "niriss"),
}
WFSS_OTHERS = [
    "jw99200-c1000_image3_00001_asn.json",
    "jw99200-c1000_image3_00002_asn.json",
    "jw99200-c1000_spec3_00001_asn.json",
    "jw99200-c1001_image3_00001_asn.json",
    "jw99200-c1001_spec3_00001_asn.json",
    "jw99200-c1001_spec3_00002_asn.json",
    *(f"jw99200-o001_image2_0000{n}_asn.json" for n in range(1, 5)),
]
DISCOVERED_OTHERS = [
    "jw99200-a3001_image3_00001_asn.json",
    "jw99200-a3001_spec3_00001_asn.json",
    "jw99200-a3001_spec3_00002_asn.json",
]


@pytest.mark.parametrize("mode", MODES)
def test_wfss_parallel_as_the_reference(mode: str) -> None:
    found = _files(DATA / "pool_wfss_parallel.csv", **MODES[mode])
    every = {**WFSS_PARALLEL, **DISCOVERED_PARALLEL}
    parallel = {
        "default": every,
        "all-candidates": WFSS_PARALLEL,
        "discover": DISCOVERED_PARALLEL,
        "version-id": {_versioned(k): v for k, v in every.items()},
    }[mode]
    others = {
        "default": WFSS_OTHERS,
        "all-candidates": WFSS_OTHERS,
        "discover": DISCOVERED_OTHERS,
        "version-id": [_versioned(n) for n in WFSS_OTHERS],
    }[mode]
    assert sorted(found) == sorted([*parallel, *others])
    for name, products in parallel.items():
        assert found[name] == products, name


def test_summarize_names_an_unknown_role_with_its_place(tmp_path: Path) -> None:
    from asnrules.checks.lint import lint_paths

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "asnrules: 1.0\n"
        "include: [jwst-common.yaml]\n"
        "rules:\n"
        "  R:\n"
        "    asn_type: x\n"
        "    members: {direct_image: {}}\n"
        "    summarize:\n"
        "      role: direct_imag\n"
        '      into: [{expname: "{first_member.filename}"}]\n'
    )
    found = [(d.line, d.code) for d in lint_paths([rules]) if d.code != "ASN111"]
    assert (8, "ASN305") in found
    message = next(d.message for d in lint_paths([rules]) if d.code == "ASN305")
    assert "direct_image" in message


def test_wfss_parallel_miri_names_the_catalog_by_filter_only() -> None:
    """MIRI: no name contains ``long``, so the first direct image (F770W) is chosen."""
    found = _files(DATA / "pool_wfss_parallel_miri.csv")
    science = "jw99300002001_02101_00001_mirimage"
    assert found["jw99300-c1002_spec2_00001_asn.json"] == [
        (
            science,
            [
                (f"{science}_rate.fits", "science"),
                ("jw99300-c1002_t000_miri_f770w_i2d.fits", "direct_image"),
                ("jw99300-c1002_t000_miri_f770w_cat.ecsv", "sourcecat"),
                ("jw99300-c1002_t000_miri_f770w_segm.fits", "segmap"),
            ],
        )
    ]
    assert sorted(found) == [
        "jw99300-a3001_spec2_00001_asn.json",
        "jw99300-c1002_image3_00001_asn.json",
        "jw99300-c1002_image3_00002_asn.json",
        "jw99300-c1002_spec2_00001_asn.json",
        "jw99300-c1002_spec3_00001_asn.json",
    ]


# --merge and --per-pool-algorithm: the reference's files for the same three pools.
def _merged(groups: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """Merged file name -> the products of the per-candidate files, in sequence order."""
    found: dict[str, list[Any]] = {}
    for name in sorted(groups):
        found.setdefault(re.sub(r"_\d{5}_asn", "_00001_asn", name), []).extend(groups[name])
    return found


def _image2(n: int) -> str:
    return f"jw99200001001_02101_00001_{('nrcb1', 'nrcalong', 'nrcblong', 'nrca1')[n]}"


O001_IMAGE2 = {
    f"jw99200-o001_image2_0000{n + 1}_asn.json": [(_image2(n), [(f"{_image2(n)}_rate.fits", SCI)])]
    for n in range(4)
}


def test_mirlrs_nods_merged_as_the_reference() -> None:
    found = _files(DATA / "pool_mirlrs_nod.csv", merge=True)
    spec2 = _merged(LRS_SPEC2)
    assert sorted(spec2) == [
        "jw99100-o001_spec2_00001_asn.json",
        "jw99100-o002_spec2_00001_asn.json",
    ]
    assert [len(products) for products in spec2.values()] == [4, 2]
    assert sorted(found) == sorted([*spec2, *LRS_OTHERS["default"]])
    for name, products in spec2.items():
        assert found[name] == products, name


def test_mirlrs_nods_per_pool_as_the_reference() -> None:
    found = _files(DATA / "pool_mirlrs_nod.csv", per_pool=True)
    others = [n for n in LRS_OTHERS["default"] if "-c1000_" not in n]
    assert sorted(found) == sorted([*LRS_SPEC2, *others])
    for name, products in LRS_SPEC2.items():
        assert found[name] == products, name


def test_wfss_parallel_merged_as_the_reference() -> None:
    found = _files(DATA / "pool_wfss_parallel.csv", merge=True)
    merged = _merged({**WFSS_PARALLEL, **DISCOVERED_PARALLEL, **O001_IMAGE2})
    assert sorted(merged) == [
        "jw99200-a3001_spec2_00001_asn.json",
        "jw99200-c1000_spec2_00001_asn.json",
        "jw99200-c1001_spec2_00001_asn.json",
        "jw99200-o001_image2_00001_asn.json",
    ]
    others = [n for n in WFSS_OTHERS if "_image2_" not in n]
    assert sorted(found) == sorted([*merged, *others])
    for name, products in merged.items():
        assert found[name] == products, name


def test_wfss_parallel_per_pool_as_the_reference() -> None:
    """Per pool, the c-candidates' associations are not written; the discovered ones are."""
    found = _files(DATA / "pool_wfss_parallel.csv", per_pool=True)
    expected = {**DISCOVERED_PARALLEL, **O001_IMAGE2}
    assert sorted(found) == sorted([*expected, *DISCOVERED_OTHERS])
    for name, products in expected.items():
        assert found[name] == products, name


MIRI_SPEC2 = "jw99300002001_02101_00001_mirimage"


@pytest.mark.parametrize("mode", ["merge", "per_pool"])
def test_wfss_parallel_miri_merge_and_per_pool_as_the_reference(mode: str) -> None:
    found = _files(DATA / "pool_wfss_parallel_miri.csv", **{mode: True})
    if mode == "merge":
        candidates, image3 = ["a3001", "c1002"], "c1002"
        spec3 = ["jw99300-c1002_spec3_00001_asn.json"]
    else:
        candidates, image3 = ["a3001"], "a3001"
        spec3 = ["jw99300-a3001_spec3_00001_asn.json"]
    spec2 = {f"jw99300-{c}_spec2_00001_asn.json": c for c in candidates}
    assert sorted(found) == sorted(
        [*spec2, *spec3, *(f"jw99300-{image3}_image3_0000{n}_asn.json" for n in (1, 2))]
    )
    for name, candidate in spec2.items():
        assert found[name] == _catalog(candidate, MIRI_SPEC2, "f770w", "miri", "99300"), name
    assert found[f"jw99300-{image3}_image3_00002_asn.json"] == [
        (
            f"jw99300-{image3}_t000_miri_f770w",
            [("jw99300001001_02101_00001_mirimage_cal.fits", SCI)],
        )
    ]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        # an id selects every candidate whose text holds it, case ignored
        (["o00"], [n for n in [*LRS_SPEC2, *LRS_OTHERS["default"]] if "-o00" in n]),
        (["C1000"], ["jw99100-c1000_spec3_00001_asn.json"]),
        # as the reference: no spec3 for o002 when c1000 is selected too
        (
            ["o002", "c1000"],
            [
                "jw99100-c1000_spec3_00001_asn.json",
                "jw99100-o002_image2_00001_asn.json",
                "jw99100-o002_spec2_00001_asn.json",
                "jw99100-o002_spec2_00002_asn.json",
            ],
        ),
    ],
)
def test_mirlrs_nods_per_pool_with_ids_as_the_reference(
    ids: list[str], expected: list[str]
) -> None:
    found = _files(DATA / "pool_mirlrs_nod.csv", per_pool=True, ids=ids)
    assert sorted(found) == sorted(expected)
    for name in expected:
        if name in LRS_SPEC2:
            assert found[name] == LRS_SPEC2[name], name


def test_per_pool_warns_only_of_ids_that_select_nothing() -> None:
    result = run(DATA / "pool_mirlrs_nod.csv", per_pool=True, ids=["o00", "zz"])
    assert [(w.code, "'zz'" in w.message) for w in result.warnings] == [("ASN604", True)]
