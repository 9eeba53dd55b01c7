"""``asnrules report``: one self-contained HTML page about a pool and its associations.

The page holds the pool's rows (with the associations each row joined), the associations
grouped by rule (with their products and members), and the orphan rows with the reason
they joined nothing. Everything is rendered here, every pool value escaped; the page's
own script (inline, like its styles; the page loads nothing) only filters what is shown:
a search box, a rule selector and an "orphan rows only" switch. ``?q=TEXT`` and
``?rule=NAME`` in the page address preset them.

Reasons for orphans come from an optional mapping (row index to text), so that an
``explain`` facility can supply them; without one every orphan gets
:data:`DEFAULT_REASON`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from asnrules import __version__
from asnrules.engine.association import Member

TEMPLATE = Path(__file__).with_name("report_template.html")
DEFAULT_REASON = "no rule selected it"
"""Placeholder reason for an orphan row when no explanation is supplied."""


def _e(value: Any) -> str:
    """Escape a value for HTML text and attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _row_columns(columns: Sequence[str], shown: Sequence[str] | None) -> list[str]:
    """The pool columns shown in the rows table: ``shown`` (those present), else all."""
    if not shown:
        return list(columns)
    present = set(columns)
    return [c for c in dict.fromkeys(shown) if c in present]


def render_report(
    result: Any,
    *,
    pool_name: str,
    columns: Sequence[str] | None = None,
    reasons: Mapping[int, str] | None = None,
    identity: str | None = None,
) -> str:
    """Render the report page.

    Parameters
    ----------
    result : asnrules.api.Result
        What one generation produced (associations, file names, rows, orphans).
    pool_name : str
        Shown in the title.
    columns : sequence of str, optional
        Pool columns to show in the rows table (default: every column).
    reasons : mapping of int to str, optional
        Why an orphan row (by pool row index) joined no association.
    identity : str, optional
        The column naming an exposure: members are traced back to the rows of their
        value (a pool may hold an exposure twice). Without it, to the row they came from,
        and orphans are named by the first column shown.

    Returns
    -------
    str
        The HTML page.
    """
    rows: list[dict[str, str]] = result.rows
    rows_of = _rows_of(rows, identity)
    file_names = [name for name, _ in result.files]
    joined: dict[int, list[int]] = defaultdict(list)
    for k, asn in enumerate(result.associations):
        for member in asn.members:
            for i in rows_of(member):
                if k not in joined[i]:
                    joined[i].append(k)
    shown = _row_columns(result.columns, columns)
    name_column = identity or (shown[0] if shown else "")
    orphans = set(result.orphans)
    rules = list(dict.fromkeys(asn.rule.name for asn in result.associations))

    row_html = []
    for i, row in enumerate(rows):
        asns = joined.get(i, [])
        rule_names = " ".join(dict.fromkeys(result.associations[k].rule.name for k in asns))
        links = (
            "".join(f'<a class="tag" href="#asn-{k}">{_e(file_names[k])}</a>' for k in asns)
            or '<span class="tag none">orphan</span>'
        )
        cells = [f"<td>{_e(row.get(c, ''))}</td>" for c in shown]
        cells.insert(1, f"<td>{links}</td>")
        css = "pool-row orphan" if i in orphans else "pool-row"
        row_html.append(
            f'<tr id="row-{i}" class="{css}" data-rules="{_e(rule_names)}">'
            f"<td>{i + 1}</td>{''.join(cells)}</tr>"
        )

    by_rule: dict[str, list[int]] = defaultdict(list)
    for k, asn in enumerate(result.associations):
        by_rule[asn.rule.name].append(k)
    groups = []
    for rule in rules:
        first = result.associations[by_rule[rule][0]]
        items = "".join(
            _association(k, result.associations[k], file_names[k], rows_of) for k in by_rule[rule]
        )
        groups.append(
            f'<div class="rule-group" data-rule="{_e(rule)}"><h3>{_e(rule)} '
            f'<span class="type">{_e(first.rule.asn_type)}, {len(by_rule[rule])} '
            f"association{'s' if len(by_rule[rule]) != 1 else ''}</span></h3>{items}</div>"
        )

    orphan_rows = "".join(
        f'<tr class="orphan-row"><td><a href="#row-{i}">{i + 1}</a></td>'
        f"<td>{_e(rows[i].get(name_column, ''))}</td>"
        f"<td>{_e((reasons or {}).get(i, DEFAULT_REASON))}</td></tr>"
        for i in result.orphans
    )
    orphans_html = (
        f"<table><thead><tr><th>#</th><th>{_e(name_column)}</th><th>reason</th></tr></thead>"
        f"<tbody>{orphan_rows}</tbody></table>"
        if result.orphans
        else '<p class="muted">Every row joined an association.</p>'
    )
    summary = (
        f"{len(rows)} rows, {len(result.associations)} associations by {len(rules)} rules, "
        f"{len(result.orphans)} orphans"
    )
    parts = {
        "VERSION": _e(__version__),
        "TITLE": _e(f"Associations of {pool_name}"),
        "SUMMARY": _e(summary),
        "RULE_OPTIONS": "".join(f'<option value="{_e(r)}">{_e(r)}</option>' for r in rules),
        "ROW_HEADERS": "".join(
            f"<th>{_e(c)}</th>" for c in [*shown[:1], "associations", *shown[1:]]
        ),
        "ROWS": "\n".join(row_html),
        "ASSOCIATIONS": "\n".join(groups) or '<p class="muted">No association was made.</p>',
        "ORPHANS": orphans_html,
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    # one pass: a pool value that looks like a marker is never expanded
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], template)


def _rows_of(
    rows: Sequence[Mapping[str, str]], identity: str | None
) -> Callable[[Member], Sequence[int]]:
    """The pool rows a member stands for: those of its identity value, else its own row."""
    if identity is None:
        return lambda member: () if member.source is None else (member.source,)
    index: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        index[row.get(identity, "")].append(i)
    return lambda member: index.get(member.row.get(identity, ""), ())


def _association(
    k: int, asn: Any, file_name: str, rows_of: Callable[[Member], Sequence[int]]
) -> str:
    """One association: a collapsible block with its product and members."""
    members = "".join(
        "<tr>"
        f"<td>{_e(m.fields.get('expname', ''))}</td><td>{_e(m.fields.get('exptype', ''))}</td>"
        "<td>" + " ".join(f'<a href="#row-{i}">{i + 1}</a>' for i in rows_of(m)) + "</td></tr>"
        for m in asn.members
    )
    product = asn.builtins.get("product", "")
    return (
        f'<details class="asn" id="asn-{k}" data-rule="{_e(asn.rule.name)}" open>'
        f'<summary>{_e(file_name)} <span class="muted">candidate {_e(asn.candidate.id)} '
        f"({_e(asn.candidate.type)}), product {_e(product)}, {len(asn.members)} members"
        f"</span></summary><table><thead><tr><th>expname</th><th>exptype</th><th>row</th>"
        f"</tr></thead><tbody>{members}</tbody></table></details>"
    )
