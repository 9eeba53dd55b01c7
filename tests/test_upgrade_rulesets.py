"""``asnrules upgrade`` on the bundled rulesets as they were written in rule language 0.x.

``tests/data/upgrade`` holds jwst-common.yaml, stage2.yaml and stage3.yaml as the last 0.x
release shipped them. Upgraded in one command, they must load with the 1.0 loader and
give the associations the 0.x rulesets gave: the reference's, on corpus pools that
exercise backgrounds, nods and their hooks, PSF references, WFSS direct images and the
final pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asnrules.cli.upgrade import run_upgrade
from asnrules.language.loader import load_rulesets
from asnrules.language.upgrade import upgrade_file

from .test_corpus import check_golden

OLD = Path(__file__).parent / "data" / "upgrade"
FILES = ("jwst-common.yaml", "stage2.yaml", "stage3.yaml")
POOLS = [
    "pool_002_image_miri_realized",
    "pool_013_coron_nircam_realized",
    "pool_024_nirspec_fss_nods_realized",
    "pool_017_spec_nirspec_lv2imprint_realized",
    "pool_019_niriss_wfss_realized",
    "pool_018_all_exptypes_realized",
]


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three 0.x files, upgraded in place by ``asnrules upgrade --write``."""
    folder = tmp_path_factory.mktemp("upgraded")
    for name in FILES:
        shutil.copy(OLD / name, folder / name)
    assert run_upgrade([folder / name for name in FILES], write=True, check=False) == 0
    return folder


def test_every_0x_construct_is_gone(upgraded: Path) -> None:
    for name in FILES:
        text = (upgraded / name).read_text(encoding="utf-8")
        for old in ("reoffer:", "abstract:", "- role:", "  member:", "first(", "from:"):
            assert old not in text, (name, old)
        assert "asnrules: 1.0\n" in text
        assert upgrade_file(upgraded / name).changed is False  # a 1.0 file stays as it is


def test_comments_are_kept(upgraded: Path) -> None:
    for name in FILES:
        old = [line.strip() for line in (OLD / name).read_text().splitlines()]
        new = {line.strip() for line in (upgraded / name).read_text().splitlines()}
        assert [c for c in old if c.startswith("#") and c not in new] == [], name


def test_upgraded_rulesets_load(upgraded: Path) -> None:
    ruleset, _ = load_rulesets([upgraded / "stage2.yaml", upgraded / "stage3.yaml"])
    assert len(ruleset.rules) == 43  # Asn_Lv3ACQ_Reprocess is the final pass


@pytest.mark.parametrize("pool", POOLS)
def test_upgraded_rulesets_give_the_same_associations(
    pool: str, upgraded: Path, tmp_path: Path
) -> None:
    rules = [upgraded / "stage2.yaml", upgraded / "stage3.yaml"]
    check_golden(pool, "default", {"rulesets": rules, "ignore_default": True}, tmp_path)
