"""Golden tests: asnrules against the reference generator's output in ../shared/corpus."""

from pathlib import Path
from typing import Any

import pytest

from asnrules.api import run
from asnrules.diagnostics import AsnRulesError
from asnrules.io.output import orphan_table, write_all
from asnrules.tools.compare import compare_folders

from .conftest import corpus_or_skip

# Pools whose every association the bundled rulesets reproduce (default options).
PORTED = [
    "pool_001_candidates_realized",
    "pool_001_candidates_lower_realized",
    "pool_002_image_miri_realized",
    "pool_003_image_nircam_realized",
    "pool_020_00009_image_miri_realized",
    "pool_duplicate",
    # beyond the imaging slice: wavefront sensing and coronagraphy
    "pool_004_wfs_realized",
    "pool_013_coron_nircam_realized",
    "pool_033_wfs_jitter",
    # time series, NIRISS SOSS
    "pool_021_tso_realized",
    "pool_005_spec_niriss_realized",
    # spectroscopy: MIRI, exposure errors, WFSS with catalogs
    "pool_007_spec_miri_realized",
    "pool_008_exposerr_realized",
    "pool_019_niriss_wfss_realized",
    "jw09505_20251216t202003_pool",
    "jw87800_20180412T163456_pool",
    # NIRSpec nods, IFU imprints
    "pool_006_spec_nirspec_realized",
    "pool_017_spec_nirspec_lv2imprint_realized",
    "pool_023_nirspec_msa_3nod_realized",
    "pool_023b_nirspec_msa_3nod_subpix_realized",
    "pool_024_nirspec_fss_nods_realized",
    "pool_024b_nirspec_fss_nods_realized",
    "pool_024c_nirspec_fss_nods_realized",
    "pool_010_spec_nirspec_lv2bkg_realized",
    "pool_025_nirspec_fss_nod_chop_realized",
    "pool_018_all_exptypes_realized",
    # 837 exposures of many programs and modes
    "mega_pool",
    "jw00632_dups",
]


def check_golden(pool: str, mode: str, options: dict[str, Any], tmp_path: Path) -> None:
    """Assert that asnrules with ``options`` writes the mode's golden associations."""
    corpus = corpus_or_skip()
    result = run(corpus / "pools" / f"{pool}.csv", **options)
    write_all(
        tmp_path,
        [
            *result.files,
            (
                "orphans.csv",
                orphan_table(result.rows, result.orphans, result.columns, table=result.table),
            ),
        ],
    )
    cmp = compare_folders(tmp_path, corpus / "goldens" / mode / pool, tmp_path / "orphans.csv")
    assert cmp.only_ours == [] and cmp.only_golden == [], cmp
    assert cmp.orphans_ok, cmp.orphan_detail
    # the stricter goal: sequence numbers too
    assert cmp.strict_names == len(cmp.matched)


@pytest.mark.parametrize("pool", PORTED)
def test_same_associations_as_reference(pool: str, tmp_path: Path) -> None:
    check_golden(pool, "default", {}, tmp_path)


def test_pool_without_candidate_column_says_so() -> None:
    corpus = corpus_or_skip()
    with pytest.raises(AsnRulesError) as info:
        run(corpus / "pools" / "jw93060_20150312T160130_pool.csv")
    assert "asn_candidate" in info.value.diagnostics[0].message


# The reference's other modes, by the options given to asnrules (mega_pool has default
# goldens only).
MODES: dict[str, dict[str, Any]] = {"merge": {"merge": True}, "per-pool": {"per_pool": True}}


@pytest.mark.parametrize(
    ("mode", "pool"), [(m, p) for m in MODES for p in PORTED if p != "mega_pool"]
)
def test_same_associations_as_reference_in_mode(mode: str, pool: str, tmp_path: Path) -> None:
    check_golden(pool, mode, MODES[mode], tmp_path)


def test_per_pool_without_candidate_column_warns_and_finds_what_the_reference_finds(
    tmp_path: Path,
) -> None:
    corpus = corpus_or_skip()
    pool = "jw93060_20150312T160130_pool"
    result = run(corpus / "pools" / f"{pool}.csv", per_pool=True)
    assert any(w.code == "ASN030" and "asn_candidate" in w.message for w in result.warnings)
    check_golden(pool, "per-pool", {"per_pool": True}, tmp_path)
