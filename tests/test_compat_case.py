"""The compat layer reads pool values as the ruleset's ``case`` setting says.

The survey example (``case: keep``, the default) writes values as its pool has them; the
same rules with ``case: fold`` lower-case them, as the JWST rulesets do.
"""

from __future__ import annotations

from pathlib import Path

from asnrules.compat.jwst import (
    AssociationPool,
    AssociationRegistry,
    DMSAttrConstraint,
    Main,
    generate,
)

from .conftest import REPO

SURVEY = REPO / "examples" / "survey"
RULES = SURVEY / "survey.yaml"
POOL = SURVEY / "survey_pool.csv"


def products(asns: list) -> dict[str, list[tuple[str, str]]]:
    """Product name -> (file, kind) of each member."""
    return {
        p["name"]: [(m["file"], m["kind"]) for m in p["members"]]
        for a in asns
        for p in a["products"]
    }


def survey(tmp_path: Path, extra: str = "") -> Path:
    """The survey ruleset with top-level settings added."""
    path = tmp_path / "survey.yaml"
    path.write_text(
        RULES.read_text().replace("identity: filename\n", f"identity: filename\n{extra}")
    )
    return path


def registry(tmp_path: Path, extra: str = "", **kwargs: object) -> AssociationRegistry:
    return AssociationRegistry([str(survey(tmp_path, extra))], include_default=False, **kwargs)


def test_case_keep_gives_values_as_the_pool_file_writes_them(tmp_path: Path) -> None:
    found = products(generate(AssociationPool.read(POOL), registry(tmp_path)))
    assert "F017_colour" in found and "f017_colour" not in found
    assert found["bias_20261101"] == [
        ("srv_20261101_0001.fits", "BIAS"),
        ("srv_20261101_0002.fits", "BIAS"),
    ]
    assert found["flat_20261101_r"][0][1] == "Flat"


def test_case_fold_lower_cases_them(tmp_path: Path) -> None:
    found = products(generate(AssociationPool.read(POOL), registry(tmp_path, "case: fold\n")))
    assert "f017_colour" in found and "F017_colour" not in found
    assert found["bias_20261101"][0] == ("srv_20261101_0001.fits", "bias")


def test_case_keep_keeps_an_in_memory_pool_as_built(tmp_path: Path) -> None:
    names = ["FILENAME", "NIGHT", "KIND", "FIELD", "BAND", "SEEING"]
    rows = [
        ("A.fits", "1", "science", "Orion", "R", "1.0"),
        ("B.fits", "1", "science", "Orion", "R", "1.2"),
    ]
    pool = AssociationPool(rows=rows, names=names)
    found = products(generate(pool, registry(tmp_path)))
    assert found["Orion_R"] == [("A.fits", "science"), ("B.fits", "science")]


def test_a_pool_with_rows_taken_out_reads_its_own_values(tmp_path: Path) -> None:
    # the cells as written no longer line up with the table's rows: its (lower-case)
    # values are read, never another row's
    pool = AssociationPool.read(POOL)
    found = products(generate(pool[3:], registry(tmp_path)))
    assert found["flat_20261101_r"] == [("srv_20261101_0004.fits", "flat")]
    assert "f017_colour" in found


def test_main_and_its_orphans_follow_case_keep(tmp_path: Path) -> None:
    main = Main([str(POOL), "-r", str(survey(tmp_path)), "--ignore-default", "--dry-run"])
    found = products(main.generate())
    assert "F042_r" in found
    assert main.orphaned["filename"].tolist() == [
        "srv_20261101_0043.fits",
        "srv_20261101_0045.fits",
        "srv_20261102_0051.fits",
        "srv_20261102_0052.fits",
    ]


def test_a_constraint_reads_not_set_values_whatever_their_case(tmp_path: Path) -> None:
    # 'NULL' is not set: a constraint that does not require its column keeps the row
    names = ["FILENAME", "NIGHT", "KIND", "FIELD", "BAND", "SEEING"]
    rows = [
        ("A.fits", "1", "BIAS", "NULL", "NULL", "NULL"),
        ("B.fits", "1", "BIAS", "NULL", "NULL", "NULL"),
    ]
    fields = DMSAttrConstraint(name="field", sources=["field"], value="orion", required=False)
    found = products(
        generate(
            AssociationPool(rows=rows, names=names), registry(tmp_path, global_constraints=fields)
        )
    )
    assert found == {"bias_1": [("A.fits", "BIAS"), ("B.fits", "BIAS")]}
