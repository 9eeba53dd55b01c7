"""The bad-input corpus: every case of tests/bad_input/cases.yaml (its schema is there)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from asnrules.cli.main import app

HERE = Path(__file__).resolve().parent / "bad_input"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text())["cases"]
SENTINEL = ("sentinel.txt", b"an earlier file that no bad run may touch\n")
LOCATION = re.compile(r"^[^:\s]+:\d+:\d+$")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<folder>"
        for p in sorted(folder.rglob("*"))
    }


def _make(files: Path, spec: dict[str, dict[str, Any]]) -> None:
    for name, how in spec.items():
        line, times = how["line"], int(how["times"])
        with open(files / name, "w", encoding="utf-8") as handle:
            if "{n}" in line:
                handle.writelines(line.replace("{n}", f"{n:07d}") for n in range(times))
            else:
                handle.write(line * times)


def _run(case: dict[str, Any], argv: list[str], cwd: Path) -> tuple[int, str]:
    if case.get("run", "inprocess") == "inprocess":
        result = CliRunner().invoke(app, argv)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"uncaught {result.exception!r}\n{result.output}")
        return result.exit_code, result.output
    env = dict(os.environ)
    for key, value in (case.get("env") or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    if "memory_mb" in case:
        command = [sys.executable, str(HERE / "limited.py"), str(case["memory_mb"]), *argv]
    else:
        command = [sys.executable, "-m", "asnrules", *argv]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = tmp_path / "files"
    shutil.copytree(HERE / "files", files)
    _make(files, case.get("make") or {})
    out = tmp_path / "out"
    out.mkdir()
    (out / SENTINEL[0]).write_bytes(SENTINEL[1])
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    before = (_snapshot(out), _snapshot(cwd))
    argv = [str(a).replace("{files}", str(files)).replace("{out}", str(out)) for a in case["argv"]]

    status, output = _run(case, argv, cwd)

    assert status == case["exit"], output
    assert "Traceback" not in output, output
    assert (_snapshot(out), _snapshot(cwd)) == before, "the run changed the output folder"
    if "says" in case:
        assert case["says"] in output, output
    code = case.get("code")
    if code is None:
        assert not re.search(r"ASN\d{3} error", output), output
        return
    lines = [line for line in output.splitlines() if f" {code} " in line or f": {code}" in line]
    assert lines, f"{code} not in:\n{output}"
    where = str(case.get("where", ""))
    if LOCATION.match(where):
        assert any(f"{where}: {code}" in line for line in lines), f"{where} not in:\n{output}"
    else:
        assert any(where in line for line in lines), f"{where!r} not in:\n{output}"


def test_every_kind_has_cases() -> None:
    kinds = {c["kind"] for c in CASES}
    assert {
        "yaml",
        "expression",
        "regex",
        "pool",
        "candidates",
        "environment",
        "options",
        "output",
    } <= kinds
    assert len({c["name"] for c in CASES}) == len(CASES)
