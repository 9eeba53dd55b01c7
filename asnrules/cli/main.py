"""The ``asnrules`` command line: the console-script entry point.

The application is :mod:`asnrules.cli.app`; importing the command modules registers
their commands on it, in the order ``--help`` lists them.
"""

from __future__ import annotations

import sys

from asnrules.cli import commands, toolbox
from asnrules.cli.app import app

__all__ = ["app", "commands", "main", "toolbox"]


def main() -> None:
    """Console-script entry point.

    asnrules does no linear algebra: one BLAS thread keeps numpy's start-up memory small
    (OpenBLAS reserves buffers per core and aborts when a memory limit denies them).
    Running out of memory anywhere is reported in one line, without a traceback.
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        app()
    except MemoryError:
        sys.stderr.write("asnrules: error: out of memory; nothing was written\n")
        raise SystemExit(2) from None
    except ImportError as exc:  # a library that cannot be mapped under a memory limit
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = lines[-1] if lines else type(exc).__name__
        sys.stderr.write(
            f"asnrules: error: cannot load a library it needs ({reason}); "
            "is the memory limit too low? nothing was written\n"
        )
        raise SystemExit(2) from None
