"""``--per-pool-algorithm``: one run over the whole pool, every candidate at once.

Every rule takes part twice: as a *candidate* rule, whose associations each belong to
one candidate of the candidate column, and as a *discover* rule, whose associations
belong to the discovered candidate. Rows are offered to both in one run.

A row whose candidate cell lists candidates neither starts a candidate association nor
is refused: where it would start one, a copy of the row per listed candidate, its cell
naming only that candidate, is queued for that rule (in the pass over every row only).
Where it joins an association, it must list the association's candidate, and copies
naming its other candidates are queued for the rule. A copy starts an association of
its candidate and joins only associations of its candidate.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import replace

from .association import Association, Candidate
from .candidates import parse_cell
from .engine import Pass, Run, _Queue
from .ruleset import Ruleset

CANDIDATE_RUN = "candidate"
DISCOVER_RUN = "discover"


def _cell(text: str | None) -> Candidate | list[Candidate] | None:
    """A list of candidates, one candidate (a copy's cell), or none."""
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (list, set)):
        return parse_cell(text)
    if isinstance(value, tuple):
        found = parse_cell(f"[{text}]")
        return found[0] if found else None
    return None


class PoolRun(Run):
    """The candidate and discover rules over all rows of a pool, in one run.

    Parameters
    ----------
    ruleset : Ruleset
        Compiled rules.
    rows : sequence of dict
        Every row of the pool.
    serials : iterator of int
        Numbering of associations in creation order.
    discover : bool
        Whether the discover rules take part.
    """

    def __init__(
        self,
        ruleset: Ruleset,
        rows: Sequence[dict[str, str]],
        serials: Iterator[int],
        discover: bool = True,
    ) -> None:
        doubled = {f"{CANDIDATE_RUN}_{n}": r for n, r in ruleset.rules.items()}
        if discover:
            doubled.update({f"{DISCOVER_RUN}_{n}": r for n, r in ruleset.rules.items()})
        discovered = Candidate(ruleset.discovered_id, ruleset.discovered_type)
        super().__init__(replace(ruleset, rules=doubled), list(rows), discovered, "", serials)
        self.column = ruleset.candidate_column
        self.cells = [_cell(row.get(self.column)) for row in rows]
        self.copies: dict[tuple[int, Candidate], int] = {}

    def _copy(self, i: int, candidate: Candidate) -> int:
        """Index of the copy of row ``i`` whose cell names only ``candidate``."""
        found = self.copies.get((i, candidate))
        if found is None:
            row = {**self.rows[i], self.column: f"('{candidate.id}', '{candidate.type}')"}
            assert isinstance(self.rows, list)
            self.rows.append(row)
            self.cells.append(candidate)
            found = self.copies[(i, candidate)] = len(self.rows) - 1
        return found

    def _queue_copies(self, name: str, i: int, candidates: list[Candidate], queue: _Queue) -> None:
        if self.current is not Pass.BOTH:
            return
        for candidate in candidates:
            queue.add(Pass.BOTH, (name,), self._copy(i, candidate))

    def _admit(self, name: str, asn: Association, i: int, queue: _Queue) -> bool:
        if not name.startswith(CANDIDATE_RUN):
            return True
        cell = self.cells[i]
        if isinstance(cell, Candidate):
            return cell == asn.candidate
        if not cell or asn.candidate not in cell:
            return False
        self._queue_copies(name, i, [c for c in cell if c != asn.candidate], queue)
        return True

    def _start(self, name: str, i: int, queue: _Queue) -> tuple[Candidate, str] | None:
        if not name.startswith(CANDIDATE_RUN):
            return self.candidate, DISCOVER_RUN
        cell = self.cells[i]
        if isinstance(cell, Candidate):
            return cell, CANDIDATE_RUN
        if cell is not None:
            self._queue_copies(name, i, cell, queue)
        return None
