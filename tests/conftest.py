"""Shared fixtures: where the reference corpus is, and small pools made by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
EXAMPLE_POOL = REPO / "examples" / "nircam_imaging_pool.csv"


def corpus_or_skip() -> Path:
    """The corpus folder, or skip the test with the reason."""
    if not (CORPUS / "pools").is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS} (../shared is absent)")
    return CORPUS


HEADER = (
    "filename|program|obs_num|exp_type|instrume|detector|targetid|pntgtype|filter|pupil"
    "|subarray|bkgdtarg|asn_candidate"
)


def write_pool(path: Path, rows: list[str], header: str = HEADER) -> Path:
    """Write a small pool: a header and rows, with a comment line in the middle."""
    lines = ["# pool made by a test", header, *rows[:1], "# a comment between rows", *rows[1:]]
    path.write_text("\n".join(lines) + "\n")
    return path


def image_row(
    n: int,
    obs: int = 1,
    filt: str = "F150W",
    target: int = 1,
    bkg: str = "F",
    exp_type: str = "NRC_IMAGE",
    pntg: str = "SCIENCE",
    cand: str | None = None,
) -> str:
    cand = cand or f"[('o{obs:03d}', 'observation')]"
    return (
        f"jw00042{obs:03d}001_02101_{n:05d}_nrca1_uncal.fits|00042|{obs}|{exp_type}|NIRCAM|NRCA1|{target}|{pntg}|"
        f"{filt}|CLEAR|FULL|{bkg}|{cand}"
    )
