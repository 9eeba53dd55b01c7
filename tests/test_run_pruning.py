"""Runs leave out the rules whose ``valid`` checks reject, before any member, all they make."""

from pathlib import Path

import pytest

from asnrules.engine import generator
from asnrules.engine.association import Candidate
from asnrules.engine.finalize import rejects_every
from asnrules.engine.generator import Options, generate
from asnrules.engine.matching import Run
from asnrules.engine.trace import Tracer
from asnrules.language.loader import load_rulesets

RULES = """
asnrules: 1.0
name: demo
candidates: {column: cand, discovered_id: a0001}
attributes:
  band: band
defaults:
  member_fields: {expname: name, kind: kind}
  product: "{candidate.id}-{band}"
rules:
  Exposures:
    asn_type: single
    members: {main: {limit: 1}}
    valid: ["candidate.type == 'observation'"]
  Bands:
    asn_type: band
    share: [band]
    members: {main: {}}
    valid: ["candidate.type == 'mosaic' or count(member.kind == 'sci') > 1"]
"""

POOL = [
    {"name": "s1", "kind": "sci", "band": "red", "cand": "[('o1','observation'),('c9','mosaic')]"},
    {"name": "s2", "kind": "sci", "band": "red", "cand": "[('o2','observation'),('c9','mosaic')]"},
    {"name": "s3", "kind": "cal", "band": "red", "cand": "[('o2','observation')]"},
]


def load(tmp_path: Path, text: str = RULES):
    path = tmp_path / "demo.yaml"
    path.write_text(text)
    ruleset, _ = load_rulesets([path])
    return ruleset


def builtins(ctype: str, **more: str) -> dict[str, object]:
    return {"candidate": Candidate("x1", ctype), "asn_type": "single", **more}


@pytest.mark.parametrize(
    ("check", "ctype", "rejects"),
    [
        ("candidate.type == 'observation'", "mosaic", True),
        ("candidate.type == 'observation'", "observation", False),
        # decided by the candidate before count() is read
        ("candidate.type == 'observation' and count(member.kind == 'sci') > 0", "mosaic", True),
        ("candidate.type == 'mosaic' or count(member.kind == 'sci') > 1", "observation", False),
        # the members are read first: undecided, never rejects
        ("count(member.kind == 'sci') > 0 and candidate.type == 'observation'", "mosaic", False),
        ("band == 'red'", "mosaic", False),
        ("first_member.expname == 's1'", "mosaic", False),
        ("product == 'x'", "mosaic", False),
        ("not (asn_type == 'single')", "mosaic", True),
    ],
)
def test_a_check_rejects_every_association_only_when_the_run_decides_it(
    tmp_path: Path, check: str, ctype: str, rejects: bool
) -> None:
    ruleset = load(tmp_path, RULES.replace("\"candidate.type == 'observation'\"", repr(check)))
    rule = ruleset.rules["Exposures"]
    assert rejects_every(rule, builtins(ctype), ruleset.not_set) is rejects


def made_by_run(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(candidate type, rule) of every association the runs make, as they make them."""
    made: list[tuple[str, str]] = []
    original = Run.generate

    def generate_and_note(self: Run) -> list:
        found = original(self)
        made.extend((a.candidate.type, a.rule.name) for a in found)
        return found

    monkeypatch.setattr(Run, "generate", generate_and_note)
    return made


def test_runs_leave_out_rules_their_candidate_makes_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = load(tmp_path)
    made = made_by_run(monkeypatch)
    kept = generate(POOL, ruleset, Options())
    assert ("mosaic", "Exposures") not in made
    assert ("discovered", "Exposures") not in made
    assert ("observation", "Exposures") in made
    # Bands's check reads the members unless the candidate is a mosaic: never left out
    assert {t for t, r in made if r == "Bands"} == {"observation", "mosaic", "discovered"}
    made.clear()
    monkeypatch.setattr(generator, "_pruned", lambda spec, *_: spec)
    every = generate(POOL, ruleset, Options())
    assert ("mosaic", "Exposures") in made
    assert [(a.rule.name, a.candidate, a.members) for a in kept] == [
        (a.rule.name, a.candidate, a.members) for a in every
    ]


def test_unfinalized_and_traced_runs_keep_every_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = load(tmp_path)
    made = made_by_run(monkeypatch)
    unchecked = generate(POOL, ruleset, Options(finalize=False))
    assert ("mosaic", "Exposures") in made
    assert any(a.candidate.type == "mosaic" and a.rule.name == "Exposures" for a in unchecked)
    made.clear()
    tracer = Tracer({0})
    generate(POOL, ruleset, Options(), tracer=tracer)
    assert ("mosaic", "Exposures") in made  # explain says which check dropped them
    assert any(d.kind == "valid" and d.asn.candidate.type == "mosaic" for d in tracer.drops)
