"""Engine semantics on small rule files and pools made here (no JWST rules involved)."""

from pathlib import Path

from asnrules.engine.generator import Options, generate
from asnrules.language.loader import load_rulesets

RULES = """
asnrules: 1.0
name: demo
candidates: {column: cand, discovered_id: a0001}
not_set: ['', 'null', 'f']
attributes:
  band: band
  target: target
  visit: visit
roles:
  calibrator:
    when: kind == 'cal'
    link: [visit]
defaults:
  member_fields: {expname: name, kind: kind}
  product: "{candidate.id}-{band}"
  file: "{candidate.id}_{asn_type}_{pad(sequence, 3)}"
  document: {asn_type: asn_type, asn_rule: asn_rule, products: products}
  valid: ["count(member.role == 'main') > 0"]
final_pass:
  - kind == 'cal'
rules:
  Pairs:
    asn_type: pair
    share: [band]
    members:
      main:
        when: kind == 'sci'
        share: [target?]
        record: [visit]
      calibrator: {extends: calibrator}
  Singles:
    asn_type: single
    select: ["kind == 'sci'"]
    members: {main: {limit: 1}}
"""


def rows(*specs: str) -> list[dict[str, str]]:
    keys = ["name", "kind", "band", "target", "visit", "cand"]
    return [dict(zip(keys, spec.split(), strict=True)) for spec in specs]


def load(tmp_path: Path, text: str = RULES):
    path = tmp_path / "demo.yaml"
    path.write_text(text)
    ruleset, _ = load_rulesets([path])
    return ruleset


def names(asns):
    return [(a.rule.name, a.candidate.id, [m.fields["expname"] for m in a.members]) for a in asns]


def test_members_share_pinned_values_and_links(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    pool = rows(
        "c1 cal red null 1 [('o1','observation')]",  # before any science: joins in the final pass
        "s1 sci red t1 1 [('o1','observation')]",
        "s2 sci blue t1 1 [('o1','observation')]",
        "s3 sci red t2 2 [('o1','observation')]",  # other target: its own association
        "s4 sci red null 1 [('o1','observation')]",  # target optional: joins both red ones
    )
    asns = generate(pool, ruleset, Options(discover=False))
    got = {
        a.builtins["product"] + ":" + ",".join(m.fields["expname"] for m in a.members)
        for a in asns
        if a.rule.name == "Pairs"
    }
    # c1 links to both red ones (visit 1 is recorded by s1 and s4); blue {s2} has the same
    # members as the Singles association of s2, made later, which is the one kept
    assert got == {"o1-red:s1,s4,c1", "o1-red:s3,s4,c1"}
    singles = [a for a in asns if a.rule.name == "Singles"]
    assert sorted(a.members[0].fields["expname"] for a in singles) == ["s1", "s2", "s3", "s4"]


def test_invalid_associations_are_dropped(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    asns = generate(
        rows("c1 cal red null 1 [('o1','observation')]"), ruleset, Options(discover=False)
    )
    assert asns == []


def test_candidates_discovery_and_duplicates(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    pool = rows(
        "s1 sci red t1 1 [('o1','observation'),('c9','mosaic')]",
        "s2 sci red t1 2 [('o2','observation'),('c9','mosaic')]",
    )
    asns = generate(pool, ruleset, Options())
    pairs = [
        (a.candidate.id, [m.fields["expname"] for m in a.members])
        for a in asns
        if a.rule.name == "Pairs"
    ]
    # c9 and the discovered pair have the same members: c9 is kept; the o-level pairs
    # have the same members as the o-level Singles (made later), which are kept
    assert sorted(pairs) == [("c9", ["s1", "s2"])]
    # every Singles association of c9 and a0001 duplicates an o-level one
    assert sorted(a.candidate.id for a in asns if a.rule.name == "Singles") == ["o1", "o2"]


def test_only_requested_candidates(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    pool = rows(
        "s1 sci red t1 1 [('o1','observation')]",
        "s2 sci red t1 2 [('o2','observation')]",
    )
    asns = generate(pool, ruleset, Options(candidate_ids=["o2"], discover=False))
    assert {a.candidate.id for a in asns} == {"o2"}


def test_sequence_numbers_follow_reverse_creation(tmp_path: Path) -> None:
    ruleset = load(tmp_path)
    pool = rows(*(f"s{i} sci red t1 1 [('o1','observation')]" for i in range(1, 4)))
    singles = [
        a for a in generate(pool, ruleset, Options(discover=False)) if a.rule.name == "Singles"
    ]
    assert [(a.members[0].fields["expname"], a.sequence) for a in singles] == [
        ("s3", 1),
        ("s2", 2),
        ("s1", 3),
    ]


def test_cost_grows_linearly_with_pool(tmp_path: Path) -> None:
    """Rows are offered only to associations whose shared key they have (no N x A scan)."""
    ruleset = load(tmp_path)
    calls = {"n": 0}
    import asnrules.engine.matching as engine

    original = engine.Run._match

    def counting(self, asn, rule, i, creating):
        calls["n"] += 1
        return original(self, asn, rule, i, creating)

    engine.Run._match = counting
    try:

        def run(n: int) -> int:
            calls["n"] = 0
            pool = rows(*(f"s{i} sci band{i} t1 1 [('o1','observation')]" for i in range(n)))
            generate(pool, ruleset, Options(discover=False))
            return calls["n"]

        small, large = run(50), run(400)
    finally:
        engine.Run._match = original
    assert large <= 8 * small * 1.1


HOOKED = """
asnrules: 1.0
name: hooked
candidates: {column: cand}
attributes:
  patttype: patttype
rules:
  Nods:
    asn_type: spec3
    share: [patttype]
    member_fields: {expname: name, exptype: "'science'"}
    finalize: [jwst.nod_backgrounds_level3]
"""


def test_finalize_hook_adds_nod_backgrounds(tmp_path: Path) -> None:
    ruleset = load(tmp_path, HOOKED)
    keys = ["name", "patttype", "cand"]
    pool = [
        dict(zip(keys, ("a_cal.fits", "2-point-nod", "[('o1','observation')]"), strict=True)),
        dict(zip(keys, ("b_cal.fits", "2-point-nod", "[('o1','observation')]"), strict=True)),
    ]
    (asn,) = generate(pool, ruleset, Options(discover=False))
    got = [(m.fields["expname"], m.fields["exptype"]) for m in asn.members]
    assert got == [
        ("a_cal.fits", "science"),
        ("b_cal.fits", "science"),
        ("a_x1d.fits", "background"),
        ("b_x1d.fits", "background"),
    ]


def test_hook_leaves_single_nod_alone(tmp_path: Path) -> None:
    ruleset = load(tmp_path, HOOKED)
    pool = [{"name": "a_cal.fits", "patttype": "2-point-nod", "cand": "[('o1','observation')]"}]
    (asn,) = generate(pool, ruleset, Options(discover=False))
    assert [m.fields["expname"] for m in asn.members] == ["a_cal.fits"]


def test_user_file_adjusts_a_bundled_rule(tmp_path: Path) -> None:
    """A later file can extend and replace a bundled rule; it keeps its place and stage."""
    over = tmp_path / "over.yaml"
    over.write_text(
        "asnrules: 1.0\nname: over\ninclude: [stage3.yaml]\nrules:\n"
        "  Asn_Lv3Image:\n    extends: [Asn_Lv3Image]\n    valid: ['len(obs_num) >= 2']\n"
    )
    ruleset, _ = load_rulesets(["stage2.yaml", "stage3.yaml", over])
    rule = ruleset["Asn_Lv3Image"]
    assert rule.stage == "stage3"
    names = list(ruleset.rules)
    assert names.index("Asn_Lv3Image") == names.index("Asn_Lv3AMI") + 1
    assert len(rule.valid) == 3  # the two stage3 defaults plus the added one
