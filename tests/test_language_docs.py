"""The language documents show rule language 1.0, and their complete rule files load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from asnrules.language.loader import load_rulesets

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMPLETE = "<!-- complete rule file -->"
OLD = "<!-- 0.x -->"
_BLOCK = re.compile(r"(<!--[^>]*-->\n)?```yaml\n(.*?)```", re.S)
_OLD_SPELLINGS = {
    r"^\s*reoffer:": "reoffer (rejoin / final_pass)",
    r"^\s*abstract:": "abstract (bases)",
    r"^\s*-\s+role:": "a members list",
    r"^\s*member:": "member (member_fields)",
    r"(?<![A-Za-z0-9_.])first\s*\(": "first( (first_set)",
    r"(?<![A-Za-z0-9_])first\.": "first. (first_member)",
    r"^\s*from:|\{from:": "from (value)",
    r"^\s*optional:": "optional (name?)",
    r"^asnrules: 1\s*$": "asnrules: 1",
}


def _blocks(name: str) -> list[tuple[str, str]]:
    """(marker, text) of every ```yaml block of docs/NAME."""
    text = (DOCS / name).read_text(encoding="utf-8")
    return [((m.group(1) or "").strip(), m.group(2)) for m in _BLOCK.finditer(text)]


WITH_YAML = sorted(p.name for p in DOCS.glob("*.md") if "```yaml" in p.read_text("utf-8"))


@pytest.mark.parametrize("name", [*WITH_YAML, "../README.md"])
def test_yaml_examples_are_1_0(name: str) -> None:
    """Every example parses as YAML and uses no 0.x spelling (but those marked 0.x)."""
    blocks = _blocks(name)
    assert blocks, f"docs/{name} has no YAML example"
    for marker, text in blocks:
        yaml.safe_load(text)
        if marker == OLD:
            continue
        for pattern, what in _OLD_SPELLINGS.items():
            found = re.search(pattern, text, re.M)
            assert found is None, f"docs/{name}: 0.x spelling {what} in:\n{text}"


_OLD_IN_PROSE = {
    r"`member:`|'member:'|`member` or `document`": "member (member_fields)",
    r"reoffer": "reoffer (rejoin / final_pass)",
    r"`abstract`|abstract:": "abstract (bases)",
    r"`first\(|`first`": "first (first_set / first_member)",
    r"`role:`|`exptype:`|`from:`": "a 0.x role or attribute key",
}


def test_codes_describe_problems_in_1_0_words() -> None:
    """The descriptions of the codes (docs/cli.md's tables) use no 0.x spelling."""
    from asnrules.diagnostics import CODES

    about_0x = {"ASN115", "ASN116", "ASN945"}  # they name what 0.x wrote
    for code, known in CODES.items():
        for pattern, what in _OLD_IN_PROSE.items():
            if code not in about_0x:
                assert re.search(pattern, known.description) is None, f"{code}: 0.x {what}"


def test_migration_note_shows_every_change() -> None:
    """Each 0.x example of the migration note is followed by its 1.0 form."""
    markers = [marker for marker, _ in _blocks("migrating.md")]
    olds = [i for i, m in enumerate(markers) if m == OLD]
    assert len(olds) >= 10
    assert all(i + 1 < len(markers) and markers[i + 1] != OLD for i in olds)


def test_complete_rule_files_load(tmp_path: Path) -> None:
    """The blocks of docs/language.md marked as complete rule files load as they stand."""
    files = [text for marker, text in _blocks("language.md") if marker == COMPLETE]
    assert len(files) >= 2
    for i, text in enumerate(files):
        path = tmp_path / f"example{i}.yaml"
        path.write_text(text, encoding="utf-8")
        ruleset, _ = load_rulesets([path])
        assert ruleset.rules, f"example {i} has no rule"


def test_jwst_rules_page_names_the_bundled_rules() -> None:
    """Each rule of the tables of docs/jwst-rules.md is bundled, with that asn_type."""
    text = (DOCS / "jwst-rules.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \d+ \| `(\w+)` \| ([\w-]+|—) \|", text, re.M)
    assert len(rows) == 44
    ruleset, _ = load_rulesets()
    for name, asn_type in rows:
        if asn_type == "—":  # Asn_Lv3ACQ_Reprocess: a final pass, not a rule
            assert name not in ruleset.rules
            continue
        assert name in ruleset.rules, name
        assert ruleset.rules[name].asn_type == asn_type, name


def test_jwst_example_is_the_bundled_rule() -> None:
    """The coronagraphy example of docs/jwst-rules.md is stage3.yaml's, as written."""
    shown = next(
        yaml.safe_load(text) for _, text in _blocks("jwst-rules.md") if "Asn_Lv3MIRCoron" in text
    )
    bundled = yaml.safe_load((DOCS.parent / "rulesets" / "stage3.yaml").read_text())
    for section in ("bases", "rules"):
        for name, value in shown[section].items():
            assert bundled[section][name] == value, name


_DEFINITIONS = {"lists", "maps", "tables", "conditions", "values", "attributes", "groups"}
_DEFINITIONS |= {"roles", "templates", "bases", "rules", "defaults", "final_pass"}


def test_rule_file_fragments_load_against_the_jwst_definitions(tmp_path: Path) -> None:
    """Each example of docs/language.md made of top-level sections loads after jwst-common."""
    checked = 0
    for i, (marker, text) in enumerate(_blocks("language.md")):
        data = yaml.safe_load(text)
        if marker or not isinstance(data, dict) or not set(data) <= _DEFINITIONS:
            continue
        path = tmp_path / f"fragment{i}.yaml"
        path.write_text("include: [jwst-common.yaml]\n" + text, encoding="utf-8")
        _, diagnostics = load_rulesets(["stage2", "stage3", path], collect=True)
        errors = [d for d in diagnostics if d.severity.value == "error" and d.path == str(path)]
        # a fragment's rules lack the member fields their file's defaults would give
        assert [d for d in errors if d.code != "ASN118"] == [], (text, errors)
        checked += 1
    assert checked >= 6
