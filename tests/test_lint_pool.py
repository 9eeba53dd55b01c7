"""``lint --pool``: literals the pool never holds, columns it lacks; lint's exit status."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from asnrules.checks.lint import lint_paths
from asnrules.checks.poolcheck import PoolValues
from asnrules.cli.main import app
from asnrules.resources import bundled_rulesets

DATA = Path(__file__).parent / "data" / "lint"
POOL = DATA / "pool.csv"


def _found(path: Path) -> list[tuple[str, str, int, int, str]]:
    return [
        (Path(d.path).name, d.code, d.line, d.col, d.message)
        for d in lint_paths([path], PoolValues.read(POOL))
    ]


def test_misspelled_values_are_located_with_the_nearest_pool_values() -> None:
    found = _found(DATA / "values.yaml")
    assert [f[:4] for f in found] == [
        ("shared_lists.yaml", "ASN711", 4, 24),  # item of a named list used with `in`
        ("values.yaml", "ASN711", 16, 21),  # exp_type == 'nrc_imgae'
        ("values.yaml", "ASN711", 17, 35),  # inside an `in [...]` list
        ("values.yaml", "ASN712", 21, 43),  # optional column the pool lacks
        ("values.yaml", "ASN712", 25, 9),  # required column the pool lacks
    ]
    assert found[1][4] == (
        f"'nrc_imgae' never occurs in column exp_type of {POOL}; nearest: 'nrc_image', 'mir_image'"
    )
    assert "'mir_imgae' never occurs" in found[0][4]
    assert "no column 'pupil'" in found[4][4] and "ASN402" in found[4][4]


def test_values_compare_after_lower_casing_and_not_set_is_skipped(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "asnrules: 1.0\nattributes: {program: program}\n"
        "defaults: {member_fields: {expname: filename}, document: {program: program}}\n"
        "rules:\n  R:\n    asn_type: image2\n"
        "    select:\n      - exp_type == 'NRC_IMAGE' and filter != 'null'\n"
        "      - program == 42 and program != 7\n",
        encoding="utf-8",
    )
    assert _found(rules) == [
        (
            "r.yaml",
            "ASN711",
            9,
            38,
            f"'7' never occurs in column program of {POOL}; it holds '00042'",
        ),
    ]
    assert lint_paths([rules]) == []


def test_exit_status_errors_one_warnings_zero_unless_strict() -> None:
    runner = CliRunner()
    pooled = ["lint", str(DATA / "values.yaml"), "--pool", str(POOL)]
    assert runner.invoke(app, pooled).exit_code == 0
    assert runner.invoke(app, [*pooled, "--strict"]).exit_code == 1
    result = runner.invoke(app, ["lint", str(DATA / "four_mistakes.yaml")])
    assert result.exit_code == 1
    assert "4 problems in 1 file (4 errors, 0 warnings)" in result.stderr
    assert runner.invoke(app, [*pooled[:2], "--pool", str(DATA / "absent.csv")]).exit_code == 2


def test_bundled_rulesets_lint_clean_even_strict() -> None:
    files = [str(p) for p in sorted(bundled_rulesets().values())]
    result = CliRunner().invoke(app, ["lint", "--strict", *files])
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_an_overlay_is_checked_against_the_pool_alone(tmp_path: Path) -> None:
    """``lint stage3 overlay.yaml --pool``: the overlay's literals, not stage3's, and no
    name of the files it extends taken for a missing column."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "asnrules: 1.0\nrules:\n  Asn_Lv3Image:\n    extends: [Asn_Lv3Image]\n"
        "    select: [filter != 'f220w']\n"
    )
    pool = PoolValues.read(Path(__file__).parents[1] / "examples" / "nircam_imaging_pool.csv")
    (found,) = lint_paths(["stage3", overlay], pool)
    assert (found.path, found.code, found.line, found.col) == (str(overlay), "ASN711", 5, 24)
