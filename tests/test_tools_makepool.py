"""``asnrules make-pool``: pools as the reference's asn_make_pool writes them.

The expected pool text and associations are facts observed by running jwst 3.0.0's
``asn_make_pool`` and ``asn_generate`` on FITS files with these same headers;
``bench/toolbox_reference.py`` repeats the check by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError
from asnrules.tools.makepool import make_pool, parse_candidates, write_pool

fits = pytest.importorskip("astropy.io.fits")
runner = CliRunner()

BASE = {
    "TELESCOP": "JWST", "PROGRAM": "01234", "OBSERVTN": "001", "VISIT": "001",
    "INSTRUME": "NIRCAM", "DETECTOR": "NRCA1", "EXP_TYPE": "NRC_IMAGE", "FILTER": "F150W",
    "PUPIL": "CLEAR", "SUBARRAY": "FULL", "BKGDTARG": False, "TARGNAME": "NGC 1234",
    "VISITYPE": "PRIME_TARGETED_FIXED",
}  # fmt: skip
FILES = {
    "jw01234001001_02101_00001_nrca1_uncal.fits": {},
    "jw01234001001_02101_00002_nrca1_uncal.fits": {},
    "jw01234001001_02101_00003_nrca1_uncal.fits": {"FILTER": "F200W", "EXPTIME": 10.5},
    "jw01234002001_02101_00001_nrca1_uncal.fits": {"OBSERVTN": "002", "TARGNAME": "M31"},
}
EXPECTED_POOL = """\
asn_candidate|bitpix|bkgdtarg|detector|dithptin|dms_note|exp_type|exptime|filename|filter|instrume|is_imprt|mostilno|naxis|observtn|pntgtype|program|pupil|simple|subarray|targetid|targname|telescop|visit|visitype
[('o001', 'observation')]|8|False|NRCA1|1||NRC_IMAGE|null|jw01234001001_02101_00001_nrca1_uncal.fits|F150W|NIRCAM|f|1|0|001|science|01234|CLEAR|True|FULL|1|NGC 1234|JWST|001|PRIME_TARGETED_FIXED
[('o001', 'observation')]|8|False|NRCA1|1||NRC_IMAGE|null|jw01234001001_02101_00002_nrca1_uncal.fits|F150W|NIRCAM|f|1|0|001|science|01234|CLEAR|True|FULL|1|NGC 1234|JWST|001|PRIME_TARGETED_FIXED
[('o001', 'observation')]|8|False|NRCA1|1||NRC_IMAGE|10.5|jw01234001001_02101_00003_nrca1_uncal.fits|F200W|NIRCAM|f|1|0|001|science|01234|CLEAR|True|FULL|1|NGC 1234|JWST|001|PRIME_TARGETED_FIXED
[('o002', 'observation')]|8|False|NRCA1|1||NRC_IMAGE|null|jw01234002001_02101_00001_nrca1_uncal.fits|F150W|NIRCAM|f|1|0|002|science|01234|CLEAR|True|FULL|2|M31|JWST|001|PRIME_TARGETED_FIXED
"""  # noqa: E501
# What asn_generate wrote for the reference's pool of these files: file, product, members.
EXPECTED_ASSOCIATIONS = {
    ("jw01234-o001_image2_00001_asn.json", "jw01234001001_02101_00003_nrca1",
     ("jw01234001001_02101_00003_nrca1_rate.fits",)),
    ("jw01234-o001_image2_00002_asn.json", "jw01234001001_02101_00002_nrca1",
     ("jw01234001001_02101_00002_nrca1_rate.fits",)),
    ("jw01234-o001_image2_00003_asn.json", "jw01234001001_02101_00001_nrca1",
     ("jw01234001001_02101_00001_nrca1_rate.fits",)),
    ("jw01234-o001_image3_00001_asn.json", "jw01234-o001_t001_nircam_clear-f200w",
     ("jw01234001001_02101_00003_nrca1_cal.fits",)),
    ("jw01234-o001_image3_00002_asn.json", "jw01234-o001_t001_nircam_clear-f150w",
     ("jw01234001001_02101_00001_nrca1_cal.fits", "jw01234001001_02101_00002_nrca1_cal.fits")),
    ("jw01234-o002_image2_00001_asn.json", "jw01234002001_02101_00001_nrca1",
     ("jw01234002001_02101_00001_nrca1_rate.fits",)),
    ("jw01234-o002_image3_00001_asn.json", "jw01234-o002_t002_nircam_clear-f150w",
     ("jw01234002001_02101_00001_nrca1_cal.fits",)),
}  # fmt: skip


def write_fits(folder: Path, files: dict[str, dict]) -> list[str]:
    for name, cards in files.items():
        header = fits.Header()
        for key, value in {**BASE, **cards}.items():
            header[key] = value
        fits.PrimaryHDU(header=header).writeto(folder / name)
    return sorted(files)


def test_pool_text_is_the_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = write_fits(tmp_path, FILES)
    write_pool(make_pool(names), tmp_path / "pool.csv")
    assert (tmp_path / "pool.csv").read_text() == EXPECTED_POOL


def test_generating_on_it_gives_the_references_associations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    names = write_fits(tmp_path, FILES)
    assert runner.invoke(app, ["make-pool", *names, "-o", "pool.csv"]).exit_code == 0
    result = run(tmp_path / "pool.csv")
    found = set()
    for name, text in result.files:
        (product,) = json.loads(text)["products"]
        found.add((name, product["name"], tuple(m["expname"] for m in product["members"])))
    assert found == EXPECTED_ASSOCIATIONS


def test_non_header_columns_and_extra_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = write_fits(tmp_path, FILES)
    table = make_pool(
        names,
        asn_candidate="[('c1000', 'background')]",
        is_imprt="t",
        pntgtype="target_acquisition",
    )
    assert list(table["asn_candidate"])[3] == "[('o002', 'observation'), ('c1000', 'background')]"
    assert set(table["is_imprt"]) == {"t"}
    assert set(table["pntgtype"]) == {"target_acquisition"}
    assert set(table["mostilno"]) == set(table["dithptin"]) == {"1"}


def test_target_ids_follow_the_target_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that comes back keeps its id (the reference would number this row 2)."""
    monkeypatch.chdir(tmp_path)
    files = {**FILES, "jw01234002001_02101_00002_nrca1_uncal.fits": {"OBSERVTN": "002"}}
    table = make_pool(write_fits(tmp_path, files))
    assert list(table["targetid"]) == ["1", "1", "1", "2", "1"]


@pytest.mark.parametrize("spec", ["c1000", "[('c1000',)]", "[1, 2]", "[('a', 'b'"])
def test_bad_candidate_spec(spec: str) -> None:
    with pytest.raises(AsnRulesError) as caught:
        parse_candidates(spec)
    assert caught.value.diagnostics[0].code == "ASN932"


def test_missing_keyword_missing_file_and_file_not_fits(tmp_path: Path) -> None:
    header = fits.Header()
    header["OBSERVTN"] = "001"
    fits.PrimaryHDU(header=header).writeto(tmp_path / "a.fits")
    (tmp_path / "b.fits").write_text("not fits")
    (tmp_path / "d.fits").mkdir()
    expected = {
        "a.fits": "ASN931 error primary header has no TARGNAME keyword",
        "b.fits": "ASN933 error not a FITS file",
        "c.fits": "ASN930 error no such FITS file",
        "d.fits": "ASN930 error cannot open the file",
    }
    for name, said in expected.items():
        result = runner.invoke(app, ["make-pool", str(tmp_path / name), "-o", "p.csv"])
        assert result.exit_code == 2
        assert f"{tmp_path / name}:0:0: {said}" in result.output, result.output


def test_a_pool_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = write_fits(tmp_path, {"jw01234001001_02101_00001_nrca1_uncal.fits": {}})
    (tmp_path / "taken").mkdir()  # a folder where the pool file should go
    result = runner.invoke(app, ["make-pool", *names, "-o", "taken"])
    assert result.exit_code == 2
    assert "taken:0:0: ASN506 error cannot write the pool" in result.output
