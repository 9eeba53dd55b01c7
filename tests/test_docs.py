"""Documentation stays in step with the code."""

from pathlib import Path

import pytest

from asnrules.diagnostics import CODES
from asnrules.language.models import AttributeSpec, Document, Role, Rule

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("model", [Document, Rule, Role, AttributeSpec])
def test_every_rule_file_key_is_documented(model) -> None:
    text = (DOCS / "rule-files.md").read_text()
    for name, info in model.model_fields.items():
        key = info.alias or name
        assert f"`{key}`" in text, f"{model.__name__}.{key} is missing from docs/rule-files.md"


def test_every_diagnostic_code_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    for code, known in CODES.items():
        assert f"| {code} | {known.name} |" in text, code


def test_readme_rule_example_is_the_bundled_rule() -> None:
    """The README shows Asn_Lv3Image as it is written in rulesets/stage3.yaml."""
    import re

    import yaml

    readme = (DOCS.parent / "README.md").read_text()
    block = re.search(r"```yaml\n(rules:\n  Asn_Lv3Image:.*?)```", readme, re.S)
    assert block, "README has no Asn_Lv3Image example"
    shown = yaml.safe_load(block.group(1))["rules"]["Asn_Lv3Image"]
    bundled = yaml.safe_load((DOCS.parent / "rulesets" / "stage3.yaml").read_text())
    assert shown == bundled["rules"]["Asn_Lv3Image"]
