"""The --merge and --per-pool-algorithm modes on small rule files and pools made here."""

from pathlib import Path

from asnrules.generator import Options, generate
from asnrules.output import document

from .test_engine import RULES, load, rows

MERGEABLE = RULES.replace("name: demo\n", "name: demo\nmergeable: true\n")

POOL = (
    "c1 cal red null 1 [('o1','observation')]",
    "s1 sci red t1 1 [('o1','observation')]",
    "s2 sci blue t1 1 [('o1','observation')]",
    "s3 sci red t2 2 [('o1','observation')]",
    "s4 sci red null 1 [('o1','observation')]",
)


def products(asn) -> list[tuple[str, list[str]]]:
    doc = document(asn, frozenset())
    return [(p["name"], [m["expname"] for m in p["members"]]) for p in doc["products"]]


def test_merge_makes_one_association_per_candidate_and_type(tmp_path: Path) -> None:
    ruleset = load(tmp_path, MERGEABLE)
    plain = generate(rows(*POOL), ruleset, Options(discover=False))
    merged = generate(rows(*POOL), ruleset, Options(discover=False, merge=True))
    assert len(plain) == 6
    assert [(a.rule.asn_type, a.sequence) for a in merged] == [("single", 1), ("pair", 1)]
    single, pair = merged
    # the two "o1-red" pairs share a product name: the second (in output order) adds only s1
    assert products(pair) == [("o1-red", ["s3", "s4", "c1", "s1"])]
    # the singles all name their product "o1-" (Singles pin no band): one product
    # gathering the members in sequence order
    assert next(products(a) for a in plain if a.rule.asn_type == "single") == [("o1-", ["s4"])]
    assert products(single) == [("o1-", ["s4", "s3", "s2", "s1"])]


def test_merge_leaves_stages_not_declared_mergeable(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    plain = generate(rows(*POOL), ruleset, Options(discover=False))
    merged = generate(rows(*POOL), ruleset, Options(discover=False, merge=True))
    assert [products(a) for a in merged] == [products(a) for a in plain]
