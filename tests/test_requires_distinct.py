"""A role's ``requires`` that turns a row away, and ``distinct()`` in a validity check."""

from pathlib import Path

from asnrules.engine.generator import Options, generate

from .test_engine import load, rows

HEAD = """
asnrules: 1.0
name: paths
candidates: {column: cand, discovered_id: a0001}
not_set: ['', 'null']
attributes:
  band: band
defaults:
  member_fields: {expname: name, kind: kind}
  product: "{candidate.id}"
  file: "{candidate.id}_{asn_type}_{pad(sequence, 3)}"
  document: {asn_type: asn_type, asn_rule: asn_rule, products: products}
"""

REQUIRES = (
    HEAD
    + """
rules:
  Stack:
    asn_type: stack
    members:
      main:
        when: kind == 'sci'
      extra:
        when: kind == 'cal'
        requires: main.band == 'red'
"""
)

DISTINCT = (
    HEAD
    + """
rules:
  Colours:
    asn_type: colours
    valid: ["distinct(band) >= 2"]
    members:
      main:
        when: kind == 'sci'
"""
)


def _members(asns) -> dict[str, list[str]]:
    return {a.candidate.id: [m.fields["expname"] for m in a.members] for a in asns}


def test_a_requires_that_is_false_turns_the_row_away(tmp_path: Path) -> None:
    ruleset = load(tmp_path, REQUIRES)
    pool = rows(
        "s1 sci red t 1 [('o1','observation')]",
        "c1 cal blue t 1 [('o1','observation')]",
        "s2 sci blue t 1 [('o2','observation')]",
        "c2 cal blue t 1 [('o2','observation')]",  # o2 has no red member_fields: c2 is refused
    )
    made = generate(pool, ruleset, Options(discover=False))
    assert _members(made) == {"o1": ["s1", "c1"], "o2": ["s2"]}


def test_distinct_counts_the_set_values_of_the_members(tmp_path: Path) -> None:
    ruleset = load(tmp_path, DISTINCT)
    pool = rows(
        "s1 sci red t 1 [('o1','observation')]",
        "s2 sci blue t 1 [('o1','observation')]",
        "s3 sci red t 1 [('o2','observation')]",
        "s4 sci red t 1 [('o2','observation')]",  # one band: invalid
        "s5 sci red t 1 [('o3','observation')]",
        "s6 sci null t 1 [('o3','observation')]",  # a value not set does not count
    )
    made = generate(pool, ruleset, Options(discover=False))
    assert _members(made) == {"o1": ["s1", "s2"]}
    unchecked = generate(pool, ruleset, Options(discover=False, finalize=False))
    assert sorted(_members(unchecked)) == ["o1", "o2", "o3"]
