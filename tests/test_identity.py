"""Rows identified by the ruleset's identity column, as the reference identifies them by file name.

Pools here stack rows whose identity (``name``) collides while their other values differ.
"""

from pathlib import Path

import pytest

from asnrules.engine.generator import Options, generate
from asnrules.engine.ruleset import ExposureRoots
from asnrules.io.output import orphan_rows

from .test_engine import RULES, load, rows

BY_NAME = RULES.replace("name: demo\n", "name: demo\nidentity: name\n")


def members(asns) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(a.rule.name, [(m.row["name"], m.row["band"]) for m in a.members]) for a in asns]


def test_a_row_whose_identity_is_a_member_counts_as_joined(tmp_path: Path) -> None:
    ruleset = load(tmp_path, BY_NAME)
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        # another exposure named s1, of another band: it counts as joined to every rule
        # that the red s1 is a member of, so it starts nothing and joins nothing
        "s1 sci blue t1 1 [('o1','observation')]",
        "s2 sci blue t1 1 [('o1','observation')]",
    )
    made = generate(pool, ruleset, Options(discover=False, finalize=False))
    assert members(made) == [
        ("Pairs", [("s1", "red")]),
        ("Singles", [("s1", "red")]),
        ("Pairs", [("s2", "blue")]),
        ("Singles", [("s2", "blue")]),
    ]


def test_without_collision_the_row_starts_its_own(tmp_path: Path) -> None:
    ruleset = load(tmp_path, BY_NAME)
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        "s3 sci blue t1 1 [('o1','observation')]",
    )
    made = generate(pool, ruleset, Options(discover=False, finalize=False))
    assert ("Pairs", [("s3", "blue")]) in members(made)


def test_orphans_told_by_exposure_roots_when_the_ruleset_says_so(tmp_path: Path) -> None:
    roots = "orphans: {column: name, member_field: expname, separator: _}\n"
    ruleset = load(tmp_path, BY_NAME.replace("identity: name\n", "identity: name\n" + roots))
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        "s1 sci blue t1 1 [('o1','observation')]",
    )
    asns = generate(pool, ruleset, Options(discover=False))
    # the blue s1 is a member of nothing, yet it is no orphan: its exposure name is
    # a member's (see "Deviations" in docs/cli.md)
    assert all(m.row["band"] == "red" for a in asns for m in a.members)
    assert ruleset.orphans is not None
    assert orphan_rows(pool, asns, ruleset.orphans) == []


def test_orphans_by_default_are_the_rows_no_member_came_from(tmp_path: Path) -> None:
    ruleset = load(tmp_path, BY_NAME)
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        "s1 sci blue t1 1 [('o1','observation')]",
    )
    asns = generate(pool, ruleset, Options(discover=False))
    assert ruleset.orphans is None
    assert orphan_rows(pool, asns, ruleset.orphans) == [1]


ONE_CANDIDATE = (
    "s1 sci red t1 1 [('o1','observation'),('c9','mosaic')]",
    "s2 sci blue t1 2 [('o2','observation'),('c9','mosaic')]",
    "s3 sci green t1 1 null",
    "c1 cal red null 1 [('o1','observation')]",
)


def test_members_keep_their_pool_row_through_runs_and_copies(tmp_path: Path) -> None:
    # candidate runs see copies of rows (their cell rewritten), the per-pool run queues
    # copies per candidate: a member still names the pool row it came from
    ruleset = load(tmp_path)
    pool = rows(*ONE_CANDIDATE)
    # s3 names no candidate: only discovery takes it
    for options, orphans in ((Options(), []), (Options(per_pool=True), []),
                             (Options(discover=False), [2])):  # fmt: skip
        made = generate(pool, ruleset, options)
        for asn in made:
            for member in asn.members:
                assert member.source is not None
                assert pool[member.source]["name"] == member.fields["expname"]
        assert orphan_rows(pool, made, None) == orphans


def test_without_identity_column_a_row_is_its_pool_row(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    assert ruleset.identity is None
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        # named as the red s1, yet another row: it starts its own associations
        "s1 sci blue t1 1 [('o1','observation')]",
    )
    made = generate(pool, ruleset, Options(discover=False, finalize=False))
    assert members(made) == [
        ("Pairs", [("s1", "red")]),
        ("Singles", [("s1", "red")]),
        ("Pairs", [("s1", "blue")]),
        ("Singles", [("s1", "blue")]),
    ]


def test_without_identity_column_a_rows_copies_are_that_row(tmp_path: Path) -> None:
    # the per-pool run copies s1 and s2 for their mosaic candidate c9: the copies count as
    # joined where the rows joined, as they do when an identity column names them
    options = Options(per_pool=True, finalize=False)
    made = generate(rows(*ONE_CANDIDATE), load(tmp_path), options)
    named = generate(rows(*ONE_CANDIDATE), load(tmp_path, BY_NAME), options)
    assert members(made) == members(named)
    assert "c9" not in {a.candidate.id for a in made}


@pytest.mark.parametrize(
    "name",
    [
        "jw001_nrca1_uncal.fits",
        "a/b/jw002_rate.fits",
        "/abs/jw003_cal.fits",
        "x/",
        ".",
        "",
        "..",
        "noseparator",
        "a//b_c",
    ],
)
def test_exposure_root_is_the_base_name_up_to_the_separator(name: str) -> None:
    roots = ExposureRoots("filename", "expname", "_")
    base = Path(name).name
    assert roots.root(name) == (base.rsplit("_", 1)[0] if "_" in base else base)
