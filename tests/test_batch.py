"""Many pools in one command, on local processes and on a real Dask cluster on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.cli.main import app

from .conftest import corpus_or_skip, image_row, write_pool

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def pools(tmp_path: Path) -> list[Path]:
    made = []
    for k, filters in enumerate((("F150W",), ("F090W", "F200W"), ("F444W", "F150W", "F277W"))):
        rows = [
            image_row(n, obs=1 + n % 2, filt=filters[n % len(filters)]) for n in range(1, 4 + 2 * k)
        ]
        made.append(write_pool(tmp_path / f"pool{k}.csv", rows))
    return made


def single_runs(pool_files: list[Path], out: Path, *options: str) -> dict[str, bytes]:
    """What one run per pool writes, each into out/<stem>/ (the layout of a batch)."""
    for pool in pool_files:
        folder = out / pool.name.split(".")[0]
        result = runner.invoke(app, ["generate", str(pool), "-p", str(folder), *options])
        assert result.exit_code == 0, result.output
    return snapshot(out)


def without_summary(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != "summary.json"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_writes_what_single_runs_write(tmp_path: Path, jobs: str) -> None:
    made = pools(tmp_path)
    expected = single_runs(made, tmp_path / "single", "--save-orphans", "o.csv")
    out = tmp_path / "batch"
    result = runner.invoke(
        app,
        ["generate", *map(str, made), "-p", str(out), "--jobs", jobs, "--save-orphans", "o.csv"],
    )
    assert result.exit_code == 0, result.output
    written = snapshot(out)
    assert without_summary(written) == expected
    summary = json.loads(written["summary.json"])["pools"]
    assert [Path(p["pool"]).name for p in summary] == [p.name for p in made]
    assert all(p["status"] == "ok" and p["associations"] > 0 for p in summary)
    assert "associations" in result.output and "pool0.csv" in result.output  # the table


def test_one_failing_pool_does_not_stop_the_others(tmp_path: Path) -> None:
    made = pools(tmp_path)
    broken = tmp_path / "broken.csv"
    broken.write_text("filename|program\nx_uncal.fits|00001\n")  # no columns the rules need
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(broken), *map(str, made), "-p", str(out)])
    assert result.exit_code == 1
    assert "ASN402" in result.output and "1 of 4 pools failed" in result.output
    assert not (out / "broken").exists()
    assert all(list((out / p.name.split(".")[0]).glob("*_asn.json")) for p in made)
    statuses = {
        Path(p["pool"]).name: p["status"]
        for p in json.loads((out / "summary.json").read_text())["pools"]
    }
    assert statuses == {
        "broken.csv": "failed",
        "pool0.csv": "ok",
        "pool1.csv": "ok",
        "pool2.csv": "ok",
    }


def test_pools_with_one_stem_are_refused(tmp_path: Path) -> None:
    made = pools(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    twin = other / made[0].name
    twin.write_bytes(made[0].read_bytes())
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(made[0]), str(twin), "-p", str(out)])
    assert result.exit_code == 2 and "ASN013" in result.output
    assert not out.exists()


def test_a_dry_batch_writes_nothing(tmp_path: Path) -> None:
    made = pools(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", *map(str, made), "-p", str(out), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert not out.exists()
    assert "pool0/jw00042-o001_image3_00001_asn.json" in result.output


def test_a_batch_of_corpus_pools_matches_single_runs(tmp_path: Path) -> None:
    corpus = corpus_or_skip()
    made = [
        corpus / "pools" / name
        for name in (
            "pool_002_image_miri_realized.csv",
            "pool_006_spec_nirspec_realized.csv",
            "pool_013_coron_nircam_realized.csv",
            "jw87800_20180412T163456_pool.csv",
        )
    ]
    expected = single_runs(made, tmp_path / "single")
    out = tmp_path / "batch"
    result = runner.invoke(app, ["generate", *map(str, made), "-p", str(out), "-j", "2"])
    assert result.exit_code == 0, result.output
    assert without_summary(snapshot(out)) == expected


@pytest.fixture(scope="module")
def dask_scheduler() -> object:
    """A real scheduler and two worker processes, on loopback."""
    distributed = pytest.importorskip("distributed", reason="Dask is an optional extra")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: a fixed one may be taken
    )
    yield cluster.scheduler_address
    cluster.close()


def test_a_batch_on_a_dask_cluster_writes_what_single_runs_write(
    tmp_path: Path, dask_scheduler: str
) -> None:
    assert dask_scheduler.startswith("tcp://127.0.0.1:")
    made = pools(tmp_path)
    expected = single_runs(made, tmp_path / "single")
    out = tmp_path / "dask"
    result = runner.invoke(
        app, ["generate", *map(str, made), "-p", str(out), "--dask", dask_scheduler]
    )
    assert result.exit_code == 0, result.output
    assert without_summary(snapshot(out)) == expected


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="Dask is an optional extra")
    made = pools(tmp_path)
    result = runner.invoke(
        app, ["generate", *map(str, made), "-p", str(tmp_path / "o"), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2
    assert "ASN016" in result.output and "cannot reach" in result.output
