"""One generation shared among processes gives the same files as one process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from asnrules.api import run
from asnrules.engine import generator, split
from asnrules.engine.rowfacts import RowFacts
from asnrules.engine.trace import Tracer
from asnrules.io.pool import pool_rows
from asnrules.io.poolread import read_pool_fast
from asnrules.language.loader import load_rulesets

from .conftest import corpus_or_skip
from .test_corpus import check_golden

pytestmark = pytest.mark.skipif(not split.can_split(), reason="processes cannot be forked here")

# pools whose rows fall into several groups, with the goldens of each mode
SPLIT_POOLS = [
    "mega_pool",
    "pool_001_candidates_realized",
    "pool_013_coron_nircam_realized",
    "pool_018_all_exptypes_realized",
    "pool_019_niriss_wfss_realized",
    "pool_024c_nirspec_fss_nods_realized",
]
MODES: dict[str, dict[str, Any]] = {
    "default": {},
    "all-candidates": {"all_candidates": True},
    "discover": {"discover": True},
    "merge": {"merge": True},
}


@pytest.fixture
def always_split(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Split pools (and their files' making) at any size; the list counts the splits."""
    made: list[int] = []
    real = split.generate_split

    def counted(*args: Any) -> Any:
        made.append(len(set(args[4])))
        return real(*args)

    monkeypatch.setattr(generator, "MIN_ROWS", 0)
    monkeypatch.setattr(split, "MIN_ROWS", 0)
    monkeypatch.setattr(split, "processes", lambda jobs: jobs)  # as many as asked, any machine
    monkeypatch.setattr(generator, "processes", lambda jobs: jobs)
    monkeypatch.setattr(generator, "generate_split", counted)
    return made


@pytest.mark.parametrize(
    ("mode", "pool"),
    [(m, p) for m in MODES for p in SPLIT_POOLS if m == "default" or p != "mega_pool"],
)
def test_split_generation_writes_the_goldens(
    mode: str, pool: str, always_split: list[int], tmp_path: Path
) -> None:
    check_golden(pool, mode, {**MODES[mode], "jobs": 2}, tmp_path)
    assert always_split and always_split[0] >= 2


def test_split_generation_gives_the_same_files_and_orphans(always_split: list[int]) -> None:
    pool = corpus_or_skip() / "pools" / "mega_pool.csv"
    one = run(pool)
    three = run(pool, jobs=3)
    assert always_split == [10]
    assert three.files == one.files
    assert three.orphans == one.orphans


def test_split_generation_without_finalize_gives_the_same_files(
    always_split: list[int],
) -> None:
    pool = corpus_or_skip() / "pools" / "mega_pool.csv"
    one = run(pool, finalize=False)
    two = run(pool, finalize=False, jobs=2)
    assert always_split == [10]
    assert two.files == one.files


def test_small_pools_are_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(generator, "generate_split", lambda *a: calls.append(1))
    run(corpus_or_skip() / "pools" / "mega_pool.csv", jobs=2)
    assert calls == []


def test_a_traced_generation_is_not_split(always_split: list[int]) -> None:
    pool = corpus_or_skip() / "pools" / "mega_pool.csv"
    traced = run(pool, jobs=2, tracer=Tracer({0, 1}))
    assert always_split == []
    assert traced.files == run(pool).files


def _groups(tmp_path: Path, rules: str, rows: list[str]) -> list[int] | None:
    (tmp_path / "rules.yaml").write_text(rules)
    (tmp_path / "pool.csv").write_text("\n".join(["name|prog|kind", *rows]) + "\n")
    ruleset, _ = load_rulesets([tmp_path / "rules.yaml"])
    rows_read = pool_rows(read_pool_fast(tmp_path / "pool.csv"), ruleset.case_fold)
    return split.groups(rows_read, ruleset, RowFacts(ruleset))


RULES = """\
asnrules: 1.0
name: t
identity: name
columns: [name, prog, kind]
attributes:
  prog: prog
  family: "'early' if prog in ['1', '2'] else prog"
  kind: kind
rules:
  ByProgram:
    asn_type: a
    share: [prog, kind]
    product: "{prog}"
  ByFamily:
    asn_type: b
    share: [family]
    product: "{family}"
"""


def test_rows_an_attribute_gives_one_key_stay_in_one_group(tmp_path: Path) -> None:
    rows = ["a.fits|1|x", "b.fits|2|x", "c.fits|3|x", "d.fits|4|y", "e.fits|3|y"]
    found = _groups(tmp_path, RULES, rows)
    assert found == [0, 0, 1, 2, 1]


def test_no_groups_when_a_rule_indexes_on_no_column_of_the_others(tmp_path: Path) -> None:
    rules = RULES.replace("share: [family]", "share: [kind]")
    assert _groups(tmp_path, rules, ["a.fits|1|x", "b.fits|2|x"]) is None


def test_rows_of_one_identity_stay_in_one_group(tmp_path: Path) -> None:
    rows = ["a.fits|3|x", "a.fits|4|x", "c.fits|5|x"]
    assert _groups(tmp_path, RULES, rows) == [0, 0, 1]


def test_forked_map_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_ROWS", 0)
    monkeypatch.setattr(split, "processes", lambda jobs: jobs)
    items = list(range(23))
    assert split.forked_map(str, items, 3) == [str(i) for i in items]
    assert split.forked_map(str, [], 3) == []


def _fails_in_children(item: int) -> int:
    if os.getpid() != _PARENT:
        raise ValueError(f"item {item} failed")
    return item


class _Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("cannot be sent")


def _cut_short(item: int) -> Any:
    # big enough that part of the pickle is written before it fails
    return ["x" * 300_000, item, _Unpicklable()] if os.getpid() != _PARENT else item


_PARENT = os.getpid()


def test_a_childs_exception_is_raised_in_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_ROWS", 0)
    monkeypatch.setattr(split, "processes", lambda jobs: jobs)
    with pytest.raises(ValueError, match="failed"):
        split.forked_map(_fails_in_children, list(range(6)), 2)


def test_a_result_cut_short_is_reported_as_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_ROWS", 0)
    monkeypatch.setattr(split, "processes", lambda jobs: jobs)
    with pytest.raises(RuntimeError, match="without a result"):
        split.forked_map(_cut_short, list(range(6)), 2)


def test_no_more_processes_than_cores() -> None:
    cores = os.cpu_count() or 1
    assert split.processes(cores + 5) == cores
    assert split.processes(1) == 1


def _stacked(tmp_path: Path, copies: int) -> Path:
    """``copies`` of mega_pool, each its own program with its own file names."""
    lines = (corpus_or_skip() / "pools" / "mega_pool.csv").read_text().splitlines()
    data = [line for line in lines if line.strip() and not line.startswith("#")]
    columns = [c.strip().lower() for c in data[0].split("|")]
    name_at, program_at = columns.index("filename"), columns.index("program")
    out = [data[0]]
    for k in range(copies):
        for line in data[1:]:
            cells = line.split("|")
            cells[name_at] = f"k{k}_{cells[name_at]}"
            cells[program_at] = f"{90000 + k}"
            out.append("|".join(cells))
    path = tmp_path / "stacked.csv"
    path.write_text("\n".join(out) + "\n")
    return path


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: a pool is never split")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_a_split_generation_writes_nothing_and_leaves_no_process(
    tmp_path: Path, signum: int
) -> None:
    pool = _stacked(tmp_path, 7)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "asnrules", "generate", str(pool), "-p", str(out), "-j", "2"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children(process.pid), "no process was forked"
    os.killpg(process.pid, signum)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    assert process.returncode == 130
    assert "Traceback" not in err.decode()
    assert b"interrupted: nothing was written" in err
    assert not out.exists() or not any(out.iterdir())
    time.sleep(0.5)
    assert not _children(process.pid)


def _children(pid: int) -> list[str]:
    found = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True)
    return found.stdout.split()
