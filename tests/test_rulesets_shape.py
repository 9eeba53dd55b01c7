"""The bundled rulesets stay short and say each thing once (rule language 1.0 goals)."""

from collections import Counter
from pathlib import Path

from asnrules.resources import data_dir

RULESETS = ("jwst-common.yaml", "stage2.yaml", "stage3.yaml")
MAX_STAGE_LINES = 480
"""Lines of stage2.yaml and stage3.yaml together."""
MAX_REPEATS = 3
"""Times a block of three consecutive lines may stand across the three files."""


def _text_lines(path: Path) -> list[str]:
    """The lines of ``path`` that are neither blank nor comments, stripped."""
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def repeated_blocks(paths: list[Path], size: int = 3) -> Counter[tuple[str, ...]]:
    """How often each block of ``size`` consecutive text lines stands in ``paths``."""
    counts: Counter[tuple[str, ...]] = Counter()
    for path in paths:
        lines = _text_lines(path)
        counts.update(tuple(lines[i : i + size]) for i in range(len(lines) - size + 1))
    return counts


def test_stage_rulesets_fit_in_their_line_budget() -> None:
    folder = data_dir("rulesets")
    total = sum(len((folder / n).read_text().splitlines()) for n in RULESETS[1:])
    assert total <= MAX_STAGE_LINES


def test_no_three_line_block_repeats_more_than_three_times() -> None:
    folder = data_dir("rulesets")
    counts = repeated_blocks([folder / n for n in RULESETS])
    assert [b for b, n in counts.items() if n > MAX_REPEATS] == []


def test_the_block_counter_sees_repeats(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n# note\nb: 2\n\nc: 3\n" * 4)
    counts = repeated_blocks([path])
    assert counts[("a: 1", "b: 2", "c: 3")] == 4
