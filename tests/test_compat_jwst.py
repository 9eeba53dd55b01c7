"""The jwst.associations API over asnrules (``asnrules.compat.jwst``).

Every expected figure here was measured by running the same calls on the reference
(jwst 3.0.0) with ``from jwst.associations import ...``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from asnrules.compat.jwst import (
    AssociationError,
    AssociationNotValidError,
    AssociationPool,
    AssociationRegistry,
    DMSAttrConstraint,
    Main,
    constrain_on_candidates,
    generate,
    load_asn,
)

from .conftest import corpus_or_skip, image_row, write_pool


@pytest.fixture
def small(tmp_path: Path) -> Path:
    rows = [image_row(1, 1), image_row(2, 1), image_row(3, 2), image_row(4, 2, filt="F200W")]
    return write_pool(tmp_path / "small.csv", rows)


def summary(asns: list) -> list[tuple[str, str, int]]:
    return sorted((a.asn_name, a["asn_rule"], len(a["products"][0]["members"])) for a in asns)


def test_bare_registry_discovers_once(small: Path) -> None:
    asns = generate(AssociationPool.read(small), AssociationRegistry())
    assert summary(asns) == [
        ("jw00042-a3001_image3_00001_asn", "Asn_Lv3Image", 1),
        ("jw00042-a3001_image3_00002_asn", "Asn_Lv3Image", 3),
    ]


def test_candidate_constraints_choose_candidates(small: Path) -> None:
    pool = AssociationPool.read(small)
    every = generate(pool, AssociationRegistry(global_constraints=constrain_on_candidates(None)))
    assert len(every) == 7
    chosen = generate(
        pool, AssociationRegistry(global_constraints=constrain_on_candidates(["o002"]))
    )
    assert summary(chosen) == [
        ("jw00042-o002_image2_00001_asn", "Asn_Lv2Image", 1),
        ("jw00042-o002_image2_00002_asn", "Asn_Lv2Image", 1),
        ("jw00042-o002_image3_00001_asn", "Asn_Lv3Image", 1),
        ("jw00042-o002_image3_00002_asn", "Asn_Lv3Image", 1),
    ]
    assert any(c.is_acid for c in chosen[0].constraints)


def test_registry_name_prefixes_asn_rule(small: Path) -> None:
    registry = AssociationRegistry(["rules_level3.py"], include_default=False, name="discover")
    asns = generate(AssociationPool.read(small), registry)
    assert {a["asn_rule"] for a in asns} == {"discover_Asn_Lv3Image"}
    assert "Asn_Lv2Image" not in registry and "Asn_Lv3Image" in registry


def test_documents_dump_and_load(small: Path, tmp_path: Path) -> None:
    asn = generate(AssociationPool.read(small), AssociationRegistry(), version_id="v1")[0]
    assert asn.data is asn and asn["version_id"] == "v1"
    name, text = asn.dump()
    assert name == f"{asn.asn_name}.json" and "_v1_" in name
    assert json.loads(text) == dict(asn)
    with pytest.warns(DeprecationWarning):
        yaml_name, yaml_text = asn.dump(format="yaml")
    assert yaml_name.endswith(".yaml") and "products:" in yaml_text
    path = tmp_path / name
    path.write_text(text)
    with path.open() as handle:
        assert load_asn(handle) == dict(asn)
    with pytest.raises(AssociationNotValidError):
        load_asn("{}")


def test_version_id_true_is_a_timestamp(small: Path) -> None:
    asn = generate(AssociationPool.read(small), AssociationRegistry(), version_id=True)[0]
    assert asn.asn_name.startswith("jw00042-a3001_2") and "t" in asn["version_id"]


def test_registry_errors() -> None:
    with pytest.raises(AssociationError):
        AssociationRegistry(include_default=False)
    with pytest.raises(AssociationError, match="Python rule modules"):
        AssociationRegistry(["my_rules.py"])


def test_main_steps_options_and_orphans(small: Path, tmp_path: Path) -> None:
    main = Main([str(small), "--dry-run", "-i", "o001"])
    assert main.associations == []
    main.generate()
    assert len(main.associations) == 3
    assert len(main.orphaned) == 2 and "filename" in main.orphaned.colnames
    saved = Main.cli([str(small), "-p", str(tmp_path / "out"), "--save-orphans"])
    assert len(list((tmp_path / "out").glob("*.json"))) == len(saved.associations)
    assert (tmp_path / "out" / "orphaned.csv").is_file()
    with pytest.raises(SystemExit):
        Main([str(small), "--discover", "-i", "o001"])
    merged = Main([str(small), "--dry-run", "--merge", "-i", "o001"])
    assert [a.asn_name for a in merged.generate()] == [
        "jw00042-o001_image2_00001_asn",
        "jw00042-o001_image3_00001_asn",
    ]
    per_pool = Main([str(small), "--dry-run", "--per-pool-algorithm", "-i", "o00"])
    assert len(per_pool.generate()) == 7


def test_a_candidate_constraint_without_force_unique_spans_candidates(small: Path) -> None:
    """As the reference: o001's and o002's F150W images in one association, named a3001."""
    spanning = DMSAttrConstraint(
        name="asn_candidate_id",
        sources=["asn_candidate"],
        value=".+(o001|o002).+",
        force_unique=False,
        is_acid=True,
        evaluate=True,
    )
    asns = generate(AssociationPool.read(small), AssociationRegistry(global_constraints=spanning))
    level3 = {
        a.asn_name: [m["expname"][len("jw00042") :] for m in a["products"][0]["members"]]
        for a in asns
        if a["asn_type"] == "image3"
    }
    assert level3 == {
        "jw00042-a3001_image3_00001_asn": [
            "001001_02101_00001_nrca1_cal.fits",
            "001001_02101_00002_nrca1_cal.fits",
            "002001_02101_00003_nrca1_cal.fits",
        ],
        "jw00042-o002_image3_00001_asn": ["002001_02101_00004_nrca1_cal.fits"],
    }
    assert sorted(a["products"][0]["name"] for a in asns if a["asn_type"] == "image3") == [
        "jw00042-a3001_t001_nircam_clear-f150w",
        "jw00042-o002_t001_nircam_clear-f200w",
    ]
    assert sum(a["asn_type"] == "image2" for a in asns) == 4


def test_main_exit_codes(small: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "asnrules.compat.jwst"]
    ok = subprocess.run([*command, str(small), "--dry-run"], capture_output=True, text=True)
    assert ok.returncode == 0
    missing = subprocess.run(
        [*command, str(tmp_path / "nosuch.csv")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "ASN401" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_empty_pool_and_fmt_keyword(small: Path) -> None:
    assert len(AssociationPool()) == 0
    assert len(AssociationPool.read(small, fmt="ascii")) == 4


def test_same_product_name_warns(small: Path, caplog: pytest.LogCaptureFixture) -> None:
    # two candidates of one observation number make the same product name
    pool = AssociationPool.read(small)
    asns = generate(pool, AssociationRegistry(global_constraints=constrain_on_candidates(None)))
    from asnrules.compat.documents import warn_product_clashes

    asns[1].native.builtins["product"] = asns[0].native.builtins["product"]
    with caplog.at_level(logging.WARNING, logger="asnrules.compat.jwst"):
        warn_product_clashes(asns[:2])
    assert "same product name" in caplog.text


def corpus_pool(name: str) -> AssociationPool:
    return AssociationPool.read(corpus_or_skip() / "pools" / name)


def test_corpus_pool_002_bare_registry_gives_a3001() -> None:
    asns = generate(corpus_pool("pool_002_image_miri_realized.csv"), AssociationRegistry())
    assert summary(asns) == [("jw99009-a3001_image3_00001_asn", "Asn_Lv3Image", 8)]
    assert asns[0]["asn_pool"] == "pool_002_image_miri_realized.csv"


def test_corpus_pool_024_reference_constraint_names() -> None:
    pool = corpus_pool("pool_024_nirspec_fss_nods_realized.csv")
    asns = generate(pool, AssociationRegistry(global_constraints=constrain_on_candidates(None)))
    assert len(asns) == 34
    spec2 = sorted(
        (a.asn_name, a.constraints["nods"].value, a.constraints["subpxpts"].value)
        for a in asns
        if a["asn_type"] == "spec2"
    )
    assert spec2[:3] == [
        ("jw93125-o001_spec2_00001_asn", "1", "1"),
        ("jw93125-o001_spec2_00002_asn", "1", "1"),
        ("jw93125-o002_spec2_00001_asn", "4", "4"),
    ]
    chosen = generate(
        pool, AssociationRegistry(global_constraints=constrain_on_candidates(["o002"]))
    )
    assert len(chosen) == 9
