"""Rule tests: the bundled ones pass, cover every bundled rule, and catch a broken rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.checks.ruletests import bundled_tests, check, read_tests, run_files
from asnrules.cli.main import app
from asnrules.language.loader import load_rulesets
from asnrules.resources import data_dir

BUNDLED = [(path, test) for path in bundled_tests() for test in read_tests(path)]


@pytest.mark.parametrize(
    "test", [t for _, t in BUNDLED], ids=[f"{p.stem}:{t.name}" for p, t in BUNDLED]
)
def test_bundled_rule_test_passes(test):
    outcome = check(test)
    assert outcome.passed, "\n".join(d.concise() for d in outcome.failures)


def test_every_bundled_rule_has_a_test():
    ruleset, _ = load_rulesets(None)
    named = {rule for _, t in BUNDLED for rule in t.rules}
    assert set(ruleset.rules) - named == set()


def test_a_misspelled_list_entry_fails_the_bundled_tests(tmp_path):
    rules = tmp_path / "rulesets"
    shutil.copytree(data_dir("rulesets"), rules)
    common = rules / "jwst-common.yaml"
    text = common.read_text()
    assert "fgs_image, mir_4qpm, mir_image" in text
    common.write_text(
        text.replace("fgs_image, mir_4qpm, mir_image", "fgs_image, mir_4qpm, mir_imgae")
    )
    outcomes, broken = run_files(
        sorted((rules / "tests").glob("*.yaml")),
        [str(rules / "stage2.yaml"), str(rules / "stage3.yaml")],
    )
    assert not broken
    failed = [o.test.name for o in outcomes if not o.passed]
    assert sorted(failed) == ["Asn_Lv2Image", "Asn_Lv3ImageBackground"]


TEST_FILE = """\
rulesets: [stage2.yaml, stage3.yaml]
defaults:
  program: '01234'
  obs_num: '001'
  pntgtype: science
  targetid: '1'
  asn_candidate: "[('o{obs_num}', 'observation')]"
tests:
  two images:
    rules: [Asn_Lv3Image]
    defaults: {exp_type: nrc_image, instrume: nircam, detector: nrca1, filter: f200w,
               pupil: clear, subarray: full}
    rows:
      - name: img1
      - name: img2
      - {name: ta1, exp_type: nrc_tacq}
    associations:
      - rule: Asn_Lv3Image
        asn_type: image3
        product: jw01234-o001_t001_nircam_clear-f200w
        members:
          - img1_cal.fits: science
          - img2_cal.fits: science
          - ta1_cal.fits: target_acquisition
    orphans: []
"""


def _run(args):
    return CliRunner().invoke(app, args)


def test_cli_passes_and_fails_with_located_diff(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(TEST_FILE)
    result = _run(["test", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "1 passed, 0 failed"
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEST_FILE.replace("img2_cal.fits: science", "img3_cal.fits: science"))
    result = _run(["test", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:23:13: ASN790 error two images: expected member img3_cal.fits (science)" in (
        result.output
    )
    assert "unexpected member img2_cal.fits (science)" in result.output
    assert result.output.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_cli_broken_test_file_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEST_FILE.replace("    rows:", "    rowz:"))
    result = _run(["test", str(bad)])
    assert result.exit_code == 2
    assert "unknown key 'rowz'; did you mean 'rows'?" in result.output


def test_cli_bundled_tests_run_without_paths():
    result = _run(["test"])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == f"{len(BUNDLED)} passed, 0 failed"


def test_rulesets_path_and_show():
    result = _run(["rulesets", "--path"])
    assert Path(result.output.strip()) == data_dir("rulesets")
    shown = _run(["rulesets", "show", "stage3"])
    assert shown.output == (data_dir("rulesets") / "stage3.yaml").read_text()
    assert _run(["rulesets", "show", "nope"]).exit_code == 2


OVERLAY_TEST = """\
rulesets: [stage2.yaml, stage3.yaml, overlay.yaml]
defaults: {program: '01234', obs_num: '001', pntgtype: science, targetid: '1',
           asn_candidate: "[('o{obs_num}', 'observation')]", exp_type: mir_image,
           instrume: miri, detector: mirimage, subarray: full}
tests:
  F2550W stays out of image3:
    rules: [Asn_Lv3Image]
    rows:
      - {name: a, filter: f770w}
      - {name: b, filter: f2550w}
    associations:
      - rule: Asn_Lv3Image
        product: jw01234-o001_t001_miri_f770w
        members:
          - a_cal.fits: science
"""


def test_overlay_in_a_later_file_extends_the_bundled_rule(tmp_path):
    (tmp_path / "overlay.yaml").write_text(
        "asnrules: 1.0\nrules:\n  Asn_Lv3Image:\n    extends: [Asn_Lv3Image]\n"
        "    select: [filter != 'f2550w']\n"
    )
    tests = tmp_path / "tests.yaml"
    tests.write_text(OVERLAY_TEST)
    outcomes, broken = run_files([tests])
    assert not broken
    assert [o.passed for o in outcomes] == [True], [d.concise() for d in outcomes[0].failures]
    # without the overlay the F2550W image makes its own image3 association
    tests.write_text(OVERLAY_TEST.replace(", overlay.yaml", ""))
    outcomes, _ = run_files([tests])
    assert "unexpected association jw01234-o001_t001_miri_f2550w" in outcomes[0].failures[0].message


OWN_RULES = """\
asnrules: 1.0
identity: frame
columns: [frame, kind]
rules:
  Pairs:
    asn_type: pair
    select: [kind == 'sci']
    member_fields: {frame: frame, role: member.role}
    valid: ["count(true) >= 2"]
"""

OWN_TEST = """\
rulesets: [own.yaml]
defaults: {frame: "f-{name}.fit"}
tests:
  two frames:
    rows:
      - {name: a, kind: sci}
      - {name: b, kind: sci}
      - {name: c, kind: dark}
    associations:
      - rule: Pairs
        product: ''
        members:
          - f-a.fit: member
          - f-b.fit: member
    orphans: [ORPHAN]
"""


@pytest.mark.parametrize("orphan", ["c", "f-c.fit"])
def test_a_ruleset_of_its_own_names_members_and_orphans(tmp_path, orphan):
    """No member_identity: members by the rule's first two member fields; orphans by the
    row's short name or its identity column."""
    (tmp_path / "own.yaml").write_text(OWN_RULES)
    tests = tmp_path / "tests.yaml"
    tests.write_text(OWN_TEST.replace("ORPHAN", orphan))
    outcomes, broken = run_files([tests])
    assert not broken
    assert [o.passed for o in outcomes] == [True], [d.concise() for d in outcomes[0].failures]
    tests.write_text(OWN_TEST.replace("ORPHAN", "b"))
    (outcome,) = run_files([tests])[0]
    assert sorted(d.message.split(": ", 1)[1] for d in outcome.failures) == [
        "b is not an orphan: it is in an association",
        "unexpected orphan c",
    ]
