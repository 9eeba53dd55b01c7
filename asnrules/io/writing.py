"""Write a run's files as one set: all of them, inside the output folder, or none.

A run's files are first written into a staging folder inside the output folder. Only
when every one of them is there are they moved into place, with SIGINT and SIGTERM held
back while they move; when anything fails (or a signal arrived meanwhile) the files
already moved are taken back and the ones they replaced restored, so the folder is left
as it was. A staging folder left behind by a killed run is removed by the next run that
writes to the same folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, OutputError, Severity, error
from asnrules.engine.collector import collector_paused

STAGING_PREFIX = ".asnrules-staging-"
"""Name prefix of staging folders (followed by the writing process id and a random tag)."""

MAX_NAME_BYTES = 255
"""Longest file name (in UTF-8 bytes) that common file systems accept."""
_PLAIN = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._+=,@-]*")
"""A name of one part that is surely fine (most are): checked without the slow path."""

_HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


@dataclass(frozen=True)
class Planned:
    """One file of the set: where it goes and what made it."""

    name: str
    text: str
    origin: str
    target: Path


@dataclass
class WriteReport:
    """What a committed write did.

    Attributes
    ----------
    written : list of Path
        Every file of the set, in the order given.
    replaced : int
        How many of them replaced a file of the same name.
    foreign : list of Path
        Association files already in the folder that this run did not write.
    warnings : list of Diagnostic
        Stale staging folders removed, other runs seen.
    """

    written: list[Path] = field(default_factory=list)
    replaced: int = 0
    foreign: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


@collector_paused()
def plan(
    folder: Path,
    files: Sequence[tuple[str, str]],
    origins: Sequence[str] | None = None,
    protected: Sequence[Path] = (),
) -> list[Planned]:
    """Check every name before anything is written.

    Parameters
    ----------
    folder : Path
        The output folder.
    files : sequence of (name, text)
        File names relative to ``folder`` and their contents.
    origins : sequence of str, optional
        What made each file (``rule Asn_Lv3Image``, ``--save-orphans``), for messages.
    protected : sequence of Path
        Files this run read (pool, rule files): never overwritten.

    Returns
    -------
    list of Planned
        The files with their resolved targets.

    Raises
    ------
    OutputError
        ASN501 for a name that is not a plain relative file name, ASN502 for a path
        that leads outside ``folder``, ASN503 when two files get one name, ASN504 when a
        folder or a file this run read is in the way.
    """
    labels = list(origins) if origins is not None else [f"file {n!r}" for n, _ in files]
    root = _resolved(folder)
    in_the_way = next((p for p in (root, *root.parents) if p.exists() and not p.is_dir()), None)
    if in_the_way is not None:
        raise OutputError(
            [
                _problem(
                    folder, "ASN504", f"the file {in_the_way} is in the way of the output folder"
                )
            ]
        )
    shielded = {str(_resolved(p)) for p in protected}
    present = _present(root)
    problems: list[Diagnostic] = []
    planned: list[Planned] = []
    seen: dict[str, Planned] = {}
    for (name, text), origin in zip(files, labels, strict=True):
        reason = name_problem(name)
        if reason:
            problems.append(_problem(folder, "ASN501", f"{origin} names file {name!r}: {reason}"))
            continue
        if "/" in name or not name.isascii() or name.casefold() in present:
            target = _target(root, name)
            if not target.is_relative_to(root) or target == root:
                problems.append(
                    _problem(
                        folder, "ASN502", f"{origin} names {name!r}, which lies outside {folder}"
                    )
                )
                continue
            folder_there = target.is_dir()
        else:  # a new file right in the folder (most are): no link to follow, nothing there
            target = root / name
            folder_there = False
        path = str(target)
        key = path.casefold()
        if key in seen:
            other = seen[key]
            problems.append(
                _problem(
                    folder,
                    "ASN503",
                    f"{origin} and {other.origin} both name {name!r}"
                    + ("" if other.name == name else f" (as {other.name!r}; case differs only)"),
                )
            )
            continue
        if path in shielded:
            problems.append(
                _problem(
                    folder, "ASN504", f"{origin} would overwrite {name!r}, an input of this run"
                )
            )
            continue
        if folder_there:
            problems.append(
                _problem(folder, "ASN504", f"{origin}: a folder is in the way of {name!r}")
            )
            continue
        entry = Planned(name, text, origin, target)
        seen[key] = entry
        planned.append(entry)
    if problems:
        raise OutputError(problems)
    return planned


@collector_paused()
def write_set(
    folder: Path,
    files: Sequence[tuple[str, str]],
    origins: Sequence[str] | None = None,
    protected: Sequence[Path] = (),
    foreign_pattern: str = "*_asn.json",
) -> WriteReport:
    """Write every file into ``folder`` as one set: all of them, or none.

    Parameters
    ----------
    folder : Path
        The output folder (created when missing, and removed again, with the folders
        created above it, when the run fails).
    files : sequence of (name, text)
        File names relative to ``folder`` and their contents.
    origins : sequence of str, optional
        What made each file, for messages.
    protected : sequence of Path
        Files this run read: never overwritten.
    foreign_pattern : str
        Glob of the files in ``folder`` that an earlier run may have left; those this run
        does not write are reported.

    Returns
    -------
    WriteReport
        What was written and what else the folder holds.

    Raises
    ------
    OutputError
        When a name is refused (see :func:`plan`) or a write fails; nothing is left
        behind. ``KeyboardInterrupt`` (SIGINT, or SIGTERM under :func:`terminate_as_interrupt`)
        is re-raised after the folder has been restored.
    """
    planned = plan(folder, files, origins, protected)
    report = WriteReport()
    created = _make_parents(folder / "_")
    try:
        report.warnings.extend(clean_stale_staging(folder))
        ours = {p.target for p in planned}
        report.foreign = sorted(p for p in folder.glob(foreign_pattern) if _resolved(p) not in ours)
        with _staging(folder) as staging:
            staged = [_stage(staging, index, entry) for index, entry in enumerate(planned)]
            report.replaced = _commit(staging, planned, staged)
    except BaseException:
        _remove_folders(created)
        raise
    report.written = [p.target for p in planned]
    return report


def clean_stale_staging(folder: Path) -> list[Diagnostic]:
    """Remove staging folders whose writing process is gone; report the others.

    Returns
    -------
    list of Diagnostic
        Warnings: one per staging folder removed or left (another run still writing).
    """
    found: list[Diagnostic] = []
    for stale in sorted(folder.glob(STAGING_PREFIX + "*")):
        pid = _staging_pid(stale.name)
        if pid is not None and pid != os.getpid() and _alive(pid):
            found.append(
                _warning(folder, f"{stale.name}: another asnrules run (pid {pid}) is writing here")
            )
            continue
        shutil.rmtree(stale, ignore_errors=True)
        found.append(
            _warning(folder, f"removed {stale.name}, left by an interrupted run; no file was lost")
        )
    return found


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like SIGINT (``KeyboardInterrupt``) for the duration.

    Only in the main thread; elsewhere the handlers stay as they are.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def name_problem(name: str, *, folders: bool = True) -> str:
    """Why ``name`` cannot name an output file ('' when it can).

    Parameters
    ----------
    name : str
        A file name relative to the output folder.
    folders : bool
        Whether ``/`` may separate sub-folders.
    """
    if len(name) <= MAX_NAME_BYTES and _PLAIN.fullmatch(name):
        return ""
    if not name:
        return "the name is empty"
    forbidden = {"\\"} if folders else {"\\", "/"}
    bad = sorted({c for c in name if ord(c) < 32 or c == "\x7f" or c in forbidden})
    if bad:
        return "it contains " + ", ".join(repr(c) for c in bad)
    parts = Path(name).parts
    if Path(name).is_absolute():
        return "it is an absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "it contains an empty, '.' or '..' part"
    if parts and parts[-1].startswith(STAGING_PREFIX):
        return "names starting with " + STAGING_PREFIX + " are reserved"
    too_long = [p for p in parts if len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES]
    if too_long:
        return f"a name part is longer than {MAX_NAME_BYTES} bytes"
    return ""


def _present(root: Path) -> set[str]:
    """The names of what the folder holds, case-folded (none when it does not exist yet)."""
    try:
        return {name.casefold() for name in os.listdir(root)}
    except OSError:
        return set()


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _target(root: Path, name: str) -> Path:
    """Where ``name`` leads inside the resolved ``root``, links followed."""
    if "/" in name:
        return _resolved(root / name)
    target = root / name
    return _resolved(target) if os.path.islink(target) else target


def _problem(folder: Path, code: str, message: str) -> Diagnostic:
    return Diagnostic(str(folder), 0, 0, code, message)


def _warning(folder: Path, message: str) -> Diagnostic:
    return Diagnostic(str(folder), 0, 0, "ASN505", message, severity=Severity.WARNING)


@contextlib.contextmanager
def _staging(folder: Path) -> Iterator[Path]:
    staging = folder / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise _write_error(staging, exc) from None
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, index: int, entry: Planned) -> Path:
    """Write one file into the staging folder, with the permissions the umask allows."""
    path = staging / f"{index:06d}"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(entry.text)
    except OSError as exc:
        raise _write_error(entry.target, exc, entry.origin) from None
    except UnicodeEncodeError as exc:
        raise error(
            entry.target,
            "ASN507",
            f"{entry.origin}: text cannot be written as UTF-8: {exc.reason}",
            kind=OutputError,
        ) from None
    return path


def _commit(staging: Path, planned: Sequence[Planned], staged: Sequence[Path]) -> int:
    """Move the staged files into place; undo everything on failure or signal.

    Returns
    -------
    int
        How many existing files were replaced.
    """
    backups = staging / "replaced"
    backups.mkdir()
    moved: list[tuple[Planned, Path | None]] = []
    made_folders: list[Path] = []
    with signals_held() as pending:
        try:
            for index, (entry, source) in enumerate(zip(planned, staged, strict=True)):
                backup = _back_up(entry, backups / f"{index:06d}")
                made_folders.extend(_make_parents(entry.target))
                try:
                    os.replace(source, entry.target)
                except OSError as exc:
                    if backup is not None:
                        backup.unlink(missing_ok=True)
                    raise _write_error(entry.target, exc, entry.origin) from None
                moved.append((entry, backup))
            if pending():
                raise KeyboardInterrupt("interrupted while the files were moved into place")
        except BaseException:
            _undo(moved, made_folders)
            raise
    return sum(1 for _, backup in moved if backup is not None)


def _back_up(entry: Planned, backup: Path) -> Path | None:
    """Keep the file that ``entry`` will replace (a hard link, else a copy)."""
    if not entry.target.exists():
        return None
    try:
        try:
            os.link(entry.target, backup)
        except OSError:
            shutil.copy2(entry.target, backup)
    except OSError as exc:
        raise _write_error(entry.target, exc, entry.origin) from None
    return backup


def _make_parents(target: Path) -> list[Path]:
    """Create the missing folders above ``target``; return them, outermost first."""
    made: list[Path] = []
    missing = [p for p in reversed(target.parents) if not p.exists()]
    for parent in missing:
        try:
            parent.mkdir()
        except OSError as exc:
            _remove_folders(made)
            raise _write_error(parent, exc) from None
        made.append(parent)
    return made


def _remove_folders(made: Sequence[Path]) -> None:
    """Remove folders this run created (innermost first), if they are empty."""
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _undo(moved: Sequence[tuple[Planned, Path | None]], made_folders: Sequence[Path]) -> None:
    for entry, backup in reversed(moved):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, entry.target)
            else:
                entry.target.unlink()
    _remove_folders(made_folders)


@contextlib.contextmanager
def signals_held() -> Iterator[Callable[[], bool]]:
    """Hold SIGINT and SIGTERM back; yield a function telling whether one arrived.

    The signals are caught by a handler that only notes them (Python runs handlers in
    the main thread whichever thread the kernel chose, so this also holds in a process
    with other threads, where a signal mask would not). When the block ends, the
    previous handlers come back and a noted signal is raised again for them.
    """
    arrived: list[int] = []

    def note(signum: int, frame: object) -> None:
        arrived.append(signum)

    previous: dict[int, Any] = {}
    try:
        for held in _HELD_SIGNALS:
            previous[held] = signal.signal(held, note)
    except ValueError:  # not the main thread: the main thread's handlers take signals
        for number, handler in previous.items():
            signal.signal(number, handler)
        yield lambda: False
        return
    try:
        yield lambda: bool(arrived)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if arrived:
            signal.raise_signal(arrived[0])


def _staging_pid(name: str) -> int | None:
    head = name[len(STAGING_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_error(path: Path, exc: OSError, origin: str = "") -> AsnRulesError:
    cause = exc.strerror or type(exc).__name__
    what = f"{origin}: " if origin else ""
    return error(
        path,
        "ASN506",
        f"{what}cannot write {path}: {cause}; nothing was written",
        kind=OutputError,
    )
