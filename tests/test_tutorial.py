"""Every ``sh`` block of docs/tutorial.md runs, exits 0, and prints what it says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_POOL, REPO

TUTORIAL = REPO / "docs" / "tutorial.md"
BLOCKS = re.findall(r"```sh\n(.*?)```", TUTORIAL.read_text(), flags=re.S)


def test_tutorial_has_its_sections():
    text = TUTORIAL.read_text()
    assert "## 4. Asking why" in text and "ASKING-WHY" in text
    assert len(BLOCKS) >= 4
    why = text[text.index("## 4. Asking why") : text.index("## 5.")]
    assert "asnrules explain pool.csv" in why and "lint typo.yaml --pool pool.csv" in why
    assert "generate pool.csv" in why and " -v" in why


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    path = tmp_path_factory.mktemp("tutorial")
    shutil.copy(EXAMPLE_POOL, path / "pool.csv")
    return path


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_tutorial_block(folder: Path, index: int):
    block = BLOCKS[index]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    for expected in re.findall(r"^# prints: (.*)$", block, flags=re.M):
        # from the start of a word: "4 associations" is not found in "24 associations"
        assert re.search(rf"(?<![\w.]){re.escape(expected)}", output), (expected, output)
