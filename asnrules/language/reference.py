"""Reference tables of the expression language, generated from the code.

``docs/expressions.md`` shows :func:`function_table`; ``tests/test_docs_expressions.py``
keeps the two equal, so the documented types are the ones the checker uses.
"""

from __future__ import annotations

from asnrules.language.functions import FUNCTIONS, Function


def signature(function: Function) -> str:
    """``name(param: types, ...) -> result``; optional parameters in brackets."""
    params = []
    for i, param in enumerate(function.params):
        shown = param.describe()
        params.append(f"[{shown}]" if i >= function.min_args and not param.repeated else shown)
    result = "the arguments' type" if function.result_of_arguments else function.result.value
    return f"{function.name}({', '.join(params)}) → {result}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def function_table() -> str:
    """The functions as a Markdown table: signature with types, contexts, meaning, example."""
    lines = [
        "| function | parameters and result | contexts | meaning | example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for function in FUNCTIONS.values():
        lazy = " (lazy)" if function.lazy else ""
        lines.append(
            f"| `{function.name}` | `{_cell(signature(function))}`{lazy} "
            f"| {', '.join(function.contexts)} | {_cell(function.doc)} "
            f"| `{_cell(function.example)}` |"
        )
    return "\n".join(lines) + "\n"
