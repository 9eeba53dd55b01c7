"""A candidate run's row view reads like the copy it replaces."""

from asnrules.engine.candidates import CellView, in_run
from asnrules.engine.scope import RecordingRow

ROW = {"program": "1", "asn_candidate": "[('o001', 'observation'), ('c1', 'mosaic')]"}
CELL = "[('c1', 'mosaic')]"


def test_view_reads_the_row_with_its_cell_rewritten() -> None:
    view = in_run(ROW, "asn_candidate", CELL)
    copy = {**ROW, "asn_candidate": CELL}
    assert isinstance(view, CellView)
    assert view == copy and dict(view) == copy and {**view} == copy
    assert list(view) == list(copy) and len(view) == 2
    assert view["asn_candidate"] == CELL and view.get("asn_candidate") == CELL
    assert view.get("program") == "1" and view.get("nope", "x") == "x" and "nope" not in view
    assert ROW["asn_candidate"] != CELL  # the row itself is not changed


def test_view_adds_a_missing_cell_and_keys_by_its_cells() -> None:
    view = CellView({"program": "1"}, "asn_candidate", CELL)
    assert dict(view) == {"program": "1", "asn_candidate": CELL} and len(view) == 2
    assert view.cells(("asn_candidate", "program", "x")) == (CELL, "1", None)


def test_row_already_naming_only_its_candidate_is_used_as_it_is() -> None:
    row = {"asn_candidate": CELL}
    assert in_run(row, "asn_candidate", CELL) is row


def test_recording_row_over_a_view_records_the_rewritten_cell() -> None:
    recording = RecordingRow(CellView(ROW, "asn_candidate", CELL))
    assert recording.get("asn_candidate") == CELL
    assert recording.read == {"asn_candidate": CELL}
