"""The rooms of the house: which package may import which.

Layers, bottom up: ``engine`` (runs compiled rules) < ``language`` (compiles rule files
into them) and ``io`` (pools in, files out) < the run (``api``, ``modes``, ``options``)
< ``checks`` < ``batch``, ``cli``, ``tools``, ``compat``. A room imports only rooms below
it; the engine and io never load the parser.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "asnrules"

BASE = {"diagnostics", "version"}
RUN = {"api", "modes", "options", "resources"}
ALLOWED = {
    "engine": {"engine", *BASE},
    "io": {"io", "engine", *BASE},
    "language": {"language", "engine", "resources", *BASE},
    "run": {"engine", "io", "language", *RUN, *BASE},
    "checks": {"checks", "engine", "io", "language", *RUN, *BASE},
}
"""For each room, the top-level parts of ``asnrules`` its modules may import."""


def _modules(room: str) -> list[Path]:
    """The modules of ``room``: a package's (sub-packages included), or the run's files."""
    if room == "run":
        return [PACKAGE / f"{name}.py" for name in sorted(RUN)]
    return sorted((PACKAGE / room).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every ``asnrules`` import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n == "asnrules" or n.startswith("asnrules.")]
    return found


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_a_room_imports_only_the_rooms_below_it(room: str) -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {module}"
        for path in _modules(room)
        for line, module in _imports(path)
        if (module.split(".")[1:2] and module.split(".")[1] not in ALLOWED[room])
        or module == "asnrules"
    ]
    assert wrong == []


def test_the_engine_runs_without_the_parser_pydantic_or_yaml() -> None:
    modules = [f"asnrules.engine.{p.stem}" for p in sorted((PACKAGE / "engine").glob("*.py"))] + [
        f"asnrules.io.{p.stem}" for p in sorted((PACKAGE / "io").glob("*.py"))
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(sorted(m for m in ('lark', 'pydantic', 'yaml', 'typer', 'asnrules.language')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
