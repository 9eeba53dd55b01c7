from pathlib import Path

import pytest

from asnrules.diagnostics import AsnRulesError
from asnrules.io.pool import pool_rows, read_pool

from .conftest import image_row, write_pool


def test_values_are_lower_case_strings_and_comments_skipped(tmp_path: Path) -> None:
    pool = write_pool(tmp_path / "p.csv", [image_row(1), image_row(2)])
    table = read_pool(pool)
    rows = pool_rows(table)
    assert len(rows) == 2
    assert rows[0]["program"] == "00042"  # leading zeros survive
    assert rows[0]["exp_type"] == "nrc_image"
    assert rows[0]["filename"].endswith("_nrca1_uncal.fits")
    assert table.meta["pool_file"] == str(pool)


def test_upper_case_headers_and_empty_cells(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("FILENAME|PROGRAM|EXPOSERR\na_uncal.fits|01|\n")
    rows = pool_rows(read_pool(pool))
    assert rows == [{"filename": "a_uncal.fits", "program": "01", "exposerr": "null"}]


def test_other_delimiter(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("filename,program\na_uncal.fits,007\n")
    assert pool_rows(read_pool(pool, delimiter=","))[0]["program"] == "007"


def test_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(AsnRulesError) as info:
        read_pool(tmp_path / "nope.csv")
    assert info.value.diagnostics[0].code == "ASN401"
    assert "not found" in info.value.diagnostics[0].message
    with pytest.raises(AsnRulesError) as info:
        read_pool(tmp_path)
    found = info.value.diagnostics[0]
    assert (found.code, found.message) == ("ASN401", "is a folder, not a pool file")


def test_malformed_row_names_the_line(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("# c\nfilename|program|exp_type\na|1|x\nb|2\n")
    with pytest.raises(AsnRulesError) as info:
        read_pool(pool)
    d = info.value.diagnostics[0]
    assert (d.code, d.line) == ("ASN404", 4)
    assert "2 fields" in d.message and "3" in d.message
