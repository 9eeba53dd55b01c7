from pathlib import Path

import pytest

from asnrules import AssociationPool, AssociationRegistry, Main, generate
from asnrules.diagnostics import AsnRulesError

from .conftest import EXAMPLE_POOL


def test_main_exposes_associations_and_orphans() -> None:
    main = Main([str(EXAMPLE_POOL), "-i", "o001"])
    types = sorted(a.rule.asn_type for a in main.associations)
    assert types == ["image2"] * 5 + ["image3"] * 2
    assert {a.candidate.id for a in main.associations} == {"o001"}
    # rows of other observations are members of nothing generated here
    assert {r["obs_num"] for r in main.orphaned} == {"2", "3"}


def test_main_cli_saves(tmp_path: Path) -> None:
    Main.cli(f"{EXAMPLE_POOL} -p {tmp_path} --save-orphans")
    assert (tmp_path / "orphaned.csv").exists()
    assert len(list(tmp_path.glob("*_asn.json"))) == 20


def test_registry_and_generate() -> None:
    pool = AssociationPool.read(EXAMPLE_POOL)
    rules = AssociationRegistry()
    assert "Asn_Lv3Image" in rules
    asns = generate(pool, rules)
    assert len(asns) == 20


def test_a_registry_without_rule_files_is_no_rules() -> None:
    with pytest.raises(AsnRulesError) as caught:
        AssociationRegistry(include_default=False)
    assert [d.code for d in caught.value.diagnostics] == ["ASN020"]
