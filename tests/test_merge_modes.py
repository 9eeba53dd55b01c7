"""The --merge and --per-pool-algorithm modes on small rule files and pools made here."""

from pathlib import Path

from typer.testing import CliRunner

from asnrules.api import Main
from asnrules.cli.main import app
from asnrules.engine.generator import Options, generate
from asnrules.io.output import document

from .test_engine import RULES, load, rows

# the reference's de-duplication and order, which these modes follow
REFERENCE = RULES.replace(
    "name: demo\n", "name: demo\ndeduplicate: [same_members, same_product, newest_first]\n"
)
MERGEABLE = REFERENCE.replace("name: demo\n", "name: demo\nmergeable: true\n")

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


TWO_CANDIDATES = (
    "s1 sci red t1 1 [('o1','observation'),('c9','mosaic')]",
    "s2 sci red t1 2 [('o2','observation'),('c9','mosaic')]",
)


def made_by(asns) -> list[tuple[str, str, str, list[str]]]:
    return [
        (
            a.rule.name,
            a.run,
            a.candidate.id,
            [f"{m.row['name']}:{m.row['cand']}" for m in a.members],
        )
        for a in asns
    ]


def test_per_pool_offers_copies_per_candidate_after_the_rows(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    made = generate(rows(*TWO_CANDIDATES), ruleset, Options(per_pool=True, finalize=False))
    s1, s2 = (spec.split()[5] for spec in TWO_CANDIDATES)
    assert made_by(made) == [
        # the rows themselves start only discover associations
        ("Pairs", "discover", "a0001", [f"s1:{s1}", f"s2:{s2}"]),
        ("Singles", "discover", "a0001", [f"s1:{s1}"]),
        ("Singles", "discover", "a0001", [f"s2:{s2}"]),
        # then copies naming one candidate each, rule by rule; a copy is its pool row,
        # so the copies for c9 count as joined where s1 and s2 joined o1 and o2
        ("Pairs", "candidate", "o1", ["s1:('o1', 'observation')"]),
        ("Pairs", "candidate", "o2", ["s2:('o2', 'observation')"]),
        ("Singles", "candidate", "o1", ["s1:('o1', 'observation')"]),
        ("Singles", "candidate", "o2", ["s2:('o2', 'observation')"]),
    ]
    # as when an identity column names each row once
    named = load(tmp_path, RULES.replace("name: demo\n", "name: demo\nidentity: name\n"))
    options = Options(per_pool=True, finalize=False)
    assert made_by(generate(rows(*TWO_CANDIDATES), named, options)) == made_by(made)


def test_per_pool_modes(tmp_path: Path) -> None:
    ruleset = load(tmp_path, REFERENCE)
    pool = rows(*TWO_CANDIDATES)
    every = made_by(generate(pool, ruleset, Options(per_pool=True)))
    assert [(name, cid) for name, _, cid, _ in every] == [
        ("Singles", "o2"),
        ("Singles", "o1"),
        ("Pairs", "a0001"),
    ]
    # --discover: the discovered singles were duplicates of candidate ones
    discovered = generate(pool, ruleset, Options(per_pool=True, keep_candidates=False))
    assert made_by(discovered) == every[2:]
    # --all-candidates: no discover rules
    alone = generate(pool, ruleset, Options(per_pool=True, discover=False))
    assert made_by(alone) == every[:2]


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nircam_imaging_pool.csv"


def test_command_line_offers_both_modes(tmp_path: Path) -> None:
    for option in ("--merge", "--per-pool-algorithm"):
        result = CliRunner().invoke(app, ["generate", str(EXAMPLE), option, "-p", str(tmp_path)])
        assert result.exit_code == 0, result.output
    main = Main([str(EXAMPLE), "--per-pool-algorithm", "--merge"])
    assert main.associations
