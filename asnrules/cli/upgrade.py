"""``asnrules upgrade``: print, check or write the rule language 1.0 form of 0.x files."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from asnrules.cli.app import print_diagnostics
from asnrules.diagnostics import AsnRulesError, Diagnostic, render
from asnrules.io.writing import signals_held
from asnrules.language.upgrade import Upgrade, upgrade_file


def run_upgrade(files: list[Path], write: bool, check: bool) -> int:
    """Upgrade ``files``; return the exit status.

    Every file is upgraded before any is written, so that a file and the files it
    includes can be upgraded by one command (an including file reads its includes' shared
    roles as they were). Without ``write`` or ``check`` the upgraded texts go to standard
    output, in order, each after a ``# asnrules upgrade: PATH`` line when there are several.

    Returns
    -------
    int
        0 done (or nothing to change), 1 with ``check`` when some file would change,
        2 when some file cannot be read, parsed or upgraded (nothing is written then).
    """
    upgrades: list[Upgrade] = []
    problems: list[Diagnostic] = []
    for path in files:
        try:
            upgrades.append(upgrade_file(path))
        except AsnRulesError as exc:
            problems += exc.diagnostics
    notes = [d for u in upgrades for d in u.notes]
    print_diagnostics(problems + notes)
    if problems:
        return 2
    if check:
        for u in upgrades:
            if u.changed:
                print(f"would upgrade {u.path}", file=sys.stderr)
        return 1 if any(u.changed for u in upgrades) else 0
    if write:
        changed = [u for u in upgrades if u.changed]
        try:
            replace_texts([(u.path, u.after) for u in changed])
        except OSError as exc:
            problem = Diagnostic(
                exc.filename or "", 0, 0, "ASN506", f"cannot write: {exc.strerror}"
            )
            print(render([problem], "concise"), file=sys.stderr)
            return 2
        for u in changed:
            print(f"upgraded {u.path}", file=sys.stderr)
        return 0
    for i, u in enumerate(upgrades):
        if len(upgrades) > 1:  # several texts: each after a comment naming its file
            sys.stdout.write(("\n" if i else "") + f"# asnrules upgrade: {u.path}\n")
        sys.stdout.write(u.after)
    return 0


def replace_texts(files: list[tuple[Path, str]]) -> None:
    """Replace each file by its text, keeping its permissions; all or (nearly) nothing.

    Every new text is first written next to its file; only when all are written are the
    files replaced, each atomically, with SIGINT and SIGTERM held back while they are
    (:func:`asnrules.io.writing.signals_held`). When a text cannot be written, or the run is
    interrupted while they are, none is replaced and no staged text is left behind.

    Raises
    ------
    OSError
        When a text cannot be written (its ``filename`` names the file).
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            staged.append((_staged(path, text), path))
    except BaseException as exc:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            exc.filename = exc.filename or str(path)
        raise
    with signals_held():
        for temporary, path in staged:
            os.replace(temporary, path)


def _staged(path: Path, text: str) -> str:
    """Write ``text`` to a new file beside ``path``, with its permissions; return its name."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
