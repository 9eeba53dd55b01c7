"""The one "did you mean" helper (asnrules/language/suggest.py) and its users."""

from __future__ import annotations

import ast
from pathlib import Path

from asnrules.language.suggest import did_you_mean, nearest

PACKAGE = Path(__file__).resolve().parents[1] / "asnrules"


def test_did_you_mean_names_the_closest() -> None:
    assert did_you_mean("selct", ["select", "share", "valid"]) == "; did you mean 'select'?"
    assert did_you_mean("zzz", ["select", "share"]) == ""


def test_a_preferred_name_wins_over_a_closer_one() -> None:
    # the pool column is suggested when it is close, though a derived name is closer
    assert did_you_mean("band1", ["band1x", "bands"], ["bands"]) == "; did you mean 'bands'?"
    assert did_you_mean("band1", ["band1x", "bands"]) == "; did you mean 'band1x'?"


def test_nearest_gives_several_closest_first() -> None:
    names = ["nrc_image", "nrc_imaging", "nrs_image", "mir_lrs"]
    assert nearest("nrc_imgae", names, count=2) == ["nrc_image", "nrs_image"]
    assert nearest("nrc_imgae", names, count=5) == ["nrc_image", "nrs_image", "nrc_imaging"]
    assert nearest("nrc", names, count=3) == []
    assert nearest("nrc", names, count=3, cutoff=0.3) == ["nrc_image", "nrc_imaging", "nrs_image"]


def test_no_other_module_makes_suggestions_of_its_own() -> None:
    own = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "suggest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if "difflib" in names:
                own.append(str(path.relative_to(PACKAGE)))
    assert own == []
