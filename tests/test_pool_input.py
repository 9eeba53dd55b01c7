"""Pools as users write them: encodings, names, odd candidate cells, the orphan table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asnrules.api import run
from asnrules.diagnostics import AsnRulesError
from asnrules.engine.candidates import read_cell
from asnrules.io.output import orphan_table
from asnrules.io.pool import pool_rows, read_pool

from .conftest import HEADER, image_row, write_pool


def _error(path: Path) -> tuple[str, int, int, str]:
    with pytest.raises(AsnRulesError) as info:
        read_pool(path)
    (d,) = info.value.diagnostics
    return d.code, d.line, d.col, d.message


def test_byte_order_mark_does_not_hide_the_first_column(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_bytes(b"\xef\xbb\xbfFILENAME|EXP_TYPE\na_uncal.fits|x\n")
    assert read_pool(pool).colnames == ["filename", "exp_type"]


def test_bad_byte_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_bytes(b"# c\nfilename|exp_type\na|b\nc\xc3\xa9|d\ne\xffz|f\n")
    code, line, col, message = _error(pool)
    assert (code, line, col) == ("ASN410", 5, 2)
    assert "ff" in message


def test_duplicate_columns_are_an_error_naming_both(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("filename|Filter|exp_type|FILTER\na|b|c|d\n")
    code, line, col, message = _error(pool)
    assert (code, line, col) == ("ASN411", 1, 26)
    assert "'Filter'" in message and "'FILTER'" in message


def test_lower_casing_never_cuts_a_value(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("filename|exp_type\nnrcalongİ_cal.fits|X\n", encoding="utf-8")
    (row,) = pool_rows(read_pool(pool))
    assert row["filename"] == "nrcalongİ_cal.fits".lower()
    assert row["filename"].endswith("_cal.fits")


def test_orphan_table_is_written_as_the_pool_had_it(tmp_path: Path) -> None:
    pool = tmp_path / "p.csv"
    pool.write_text("FileName|Exp_Type|EXPOSERR\nA_uncal.fits|NRC_IMAGE|\n")
    table = read_pool(pool)
    text = orphan_table(pool_rows(table), [0], list(table.colnames), table=table)
    assert text == "FileName|Exp_Type|EXPOSERR\nA_uncal.fits|NRC_IMAGE|\n"


@pytest.mark.parametrize(
    ("cell", "ids", "refused"),
    [
        ("[('o001', 'observation')]", ["o001"], False),
        ("1000", ["1000"], False),
        ("null", [], False),
        ("[(b'o001', 'observation')]", [], True),
        ("[('../x', 'observation')]", [], True),
        ("[('a/b', 'observation'), ('o002', 'observation')]", ["o002"], True),
        ("[('o001', 'observation')", [], True),
        ("[('o001',)]", [], True),
    ],
)
def test_candidate_ids_that_cannot_be_file_names_are_refused(
    cell: str, ids: list[str], refused: bool
) -> None:
    found, problems = read_cell(cell)
    assert [c.id for c in found] == ids
    assert bool(problems) == refused


def test_refused_candidate_cells_are_located_warnings(tmp_path: Path) -> None:
    pool = write_pool(
        tmp_path / "p.csv",
        [image_row(1), image_row(2, cand="[(b'o001', 'observation')]"), image_row(3)],
        header=HEADER,
    )
    result = run(pool, ["stage3"], all_candidates=True)
    warnings = [w for w in result.warnings if not isinstance(w, str)]
    assert [(w.code, w.line) for w in warnings] == [("ASN420", 5)]
    assert warnings[0].col == len(image_row(2).rsplit("|", 1)[0]) + 2
    assert "row 2" in warnings[0].message and "b'o001'" in warnings[0].message
    names = [name for name, _ in result.files]
    assert names and not [n for n in names if "b'" in n]


def test_memory_error_while_reading_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from astropy.table import Table

    def exhausted(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(Table, "read", exhausted)
    pool = write_pool(tmp_path / "p.csv", [image_row(1)])
    code, *_, message = _error(pool)
    assert code == "ASN412" and "memory" in message


def test_reading_without_a_usable_home_folder(tmp_path: Path) -> None:
    pool = write_pool(tmp_path / "p.csv", [image_row(1)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = "/dev/null"  # not a folder: astropy cannot make ~/.astropy
    code = (
        "import sys; from asnrules.io.pool import read_pool; read_pool(sys.argv[1]);"
        "import astropy.config as c; c.get_config_dir(); c.get_cache_dir(); print('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(pool)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_name_with_dotted_capital_i_is_written_whole(tmp_path: Path) -> None:
    rows = [image_row(n).replace("_nrca1_", "_nrcalongİ_") for n in (1, 2)]
    result = run(write_pool(tmp_path / "p.csv", rows), ["stage3"], all_candidates=True)
    expnames = [m.fields["expname"] for a in result.associations for m in a.members]
    assert expnames and all(e.endswith("_nrcalongi̇_cal.fits") for e in expnames), expnames
