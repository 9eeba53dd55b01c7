"""Documentation stays in step with the code."""

from pathlib import Path

import pytest

from asnrules.diagnostics import CODES
from asnrules.models import AttributeSpec, Document, Role, Rule

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("model", [Document, Rule, Role, AttributeSpec])
def test_every_rule_file_key_is_documented(model) -> None:
    text = (DOCS / "rule-files.md").read_text()
    for name, info in model.model_fields.items():
        key = info.alias or name
        assert f"`{key}`" in text, f"{model.__name__}.{key} is missing from docs/rule-files.md"


def test_every_diagnostic_code_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    for code, name in CODES.items():
        assert code in text and name in text, code
