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

With candidate ids (``-i``), no discover rules take part and a candidate takes part when
an id appears inside its text ``('id', 'type')`` with at least one character either side,
case ignored (the reference's pattern ``.+(id1|id2).+``; so ``o00`` selects ``o001``). A
row listing candidates starts an association of the first selected one at once and
queues copies for the other selected ones.

A caller may instead give its own test of candidates (``selects``), and ask that
associations *span* candidates (``spanning``): a row then joins an association when
one of its candidates is selected, whichever candidate the association began with. An
association whose rows came in under more than one candidate belongs, after the run, to
the discovered candidate (the ruleset's ``discovered_id``); one whose rows
all came in under one candidate keeps that candidate.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial

from asnrules.engine.association import Association, Candidate
from asnrules.engine.candidates import CellView, parse_cell
from asnrules.engine.matching import Pass, Run, _Queue
from asnrules.engine.ruleset import Ruleset

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
    candidate_ids : sequence of str, optional
        Only candidates naming one of these ids start associations (see the module text).
    selects : callable, optional
        The test of candidates to use instead of ``candidate_ids``.
    spanning : bool
        Associations may take rows of several selected candidates (needs a test).
    """

    def __init__(
        self,
        ruleset: Ruleset,
        rows: Sequence[Mapping[str, str]],
        serials: Iterator[int],
        discover: bool = True,
        candidate_ids: Sequence[str] | None = None,
        selects: Callable[[Candidate], bool] | None = None,
        spanning: bool = False,
    ) -> None:
        doubled = {f"{CANDIDATE_RUN}_{n}": r for n, r in ruleset.rules.items()}
        if discover:
            doubled.update({f"{DISCOVER_RUN}_{n}": r for n, r in ruleset.rules.items()})
        discovered = Candidate(ruleset.discovered_id, ruleset.discovered_type)
        super().__init__(replace(ruleset, rules=doubled), list(rows), discovered, "", serials)
        self.column = ruleset.candidate_column or ""
        self.cells = [_cell(row.get(self.column)) for row in rows]
        self.copies: dict[tuple[int, Candidate], int] = {}
        pattern = _ids_pattern(candidate_ids)
        if selects is None and pattern is not None:
            selects = partial(_selected, pattern)
        self.selects = selects
        self.spanning = spanning and selects is not None
        self.found: dict[int, list[Candidate]] = {}

    def _copy(self, i: int, candidate: Candidate) -> int:
        """Index of the copy of row ``i`` whose cell names only ``candidate``."""
        found = self.copies.get((i, candidate))
        if found is None:
            cell = f"('{candidate.id}', '{candidate.type}')"
            row = CellView(self.rows[i], self.column, cell)
            assert isinstance(self.rows, list)
            self.rows.append(row)
            self.origins.append(self.origins[i])
            self.cells.append(candidate)
            found = self.copies[(i, candidate)] = len(self.rows) - 1
        return found

    def _queue_copies(self, name: str, i: int, candidates: list[Candidate], queue: _Queue) -> None:
        if self.current is not Pass.BOTH:
            return
        for candidate in candidates:
            queue.add(Pass.BOTH, (name,), self._copy(i, candidate))

    def generate(self) -> list[Association]:
        """Run every pass; an association spanning candidates becomes a discovered one."""
        made = super().generate()
        for asn in made:
            if len(self.found.get(id(asn), ())) > 1:
                asn.candidate = self.candidate
        return made

    def _admit(self, name: str, asn: Association, i: int, queue: _Queue) -> bool:
        if not name.startswith(CANDIDATE_RUN):
            return True
        cell = self.cells[i]
        if self.spanning:
            chosen = self._chosen(name, i, queue)
            if chosen is None:
                return False
            found = self.found.setdefault(id(asn), [asn.candidate])
            if chosen not in found:
                found.append(chosen)
            return True
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
        if self.selects is None and isinstance(cell, list):
            self._queue_copies(name, i, cell, queue)
            return None
        chosen = self._chosen(name, i, queue)
        return None if chosen is None else (chosen, CANDIDATE_RUN)

    def _chosen(self, name: str, i: int, queue: _Queue) -> Candidate | None:
        """The candidate row ``i`` comes in under; copies are queued for its other ones."""
        cell = self.cells[i]
        if isinstance(cell, Candidate):
            return cell if self.selects is None or self.selects(cell) else None
        chosen = [c for c in cell or () if self.selects is None or self.selects(c)]
        if not chosen:
            return None
        self._queue_copies(name, i, chosen[1:], queue)
        return chosen[0]


def unselected_ids(candidates: Sequence[Candidate], candidate_ids: Sequence[str]) -> list[str]:
    """The ids that select none of ``candidates`` in a per-pool run."""
    found = []
    for cid in candidate_ids:
        pattern = _ids_pattern([cid])
        if pattern is not None and not any(_selected(pattern, c) for c in candidates):
            found.append(cid)
    return found


def _selected(pattern: re.Pattern[str], candidate: Candidate) -> bool:
    return pattern.fullmatch(f"('{candidate.id}', '{candidate.type}')") is not None


def _ids_pattern(candidate_ids: Sequence[str] | None) -> re.Pattern[str] | None:
    """The pattern a selected candidate's text matches; None when every one is selected."""
    if not candidate_ids:
        return None
    ids = "|".join(re.escape(c) for c in candidate_ids)
    return re.compile(f".+({ids}).+", re.IGNORECASE | re.DOTALL)
