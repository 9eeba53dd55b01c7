"""Many pools in one command: on local processes or on a Dask cluster.

Every pool is generated on its own (by :func:`compute`, in a worker) exactly as a single
run would generate it; the worker writes nothing and sends back the texts of the files.
The calling process writes each pool's files into ``OUT/<pool file stem>/`` as one set
(all of them or none, see :mod:`asnrules.io.writing`), so workers need no shared file system
and a failed pool leaves nothing behind. One pool's failure does not stop the others.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic, UsageError, error
from asnrules.io.writing import WriteReport, write_set

SUMMARY_FILE = "summary.json"
"""Name of the batch summary written into the output folder."""


@dataclass(frozen=True)
class PoolJob:
    """One pool to generate and where its files go.

    Parameters
    ----------
    pool : str
        The pool file.
    folder : str
        Its output folder.
    rulesets : tuple of str, optional
        Rule files or bundled names (default rules when empty).
    options : dict
        Keyword arguments of :func:`asnrules.api.run` (``ids``, ``discover``, ...).
    orphans_file : str, optional
        Name of the orphan table inside ``folder``.
    """

    pool: str
    folder: str
    rulesets: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    orphans_file: str | None = None


@dataclass
class PoolOutcome:
    """What one pool gave: the files to write (made by a worker) and the figures."""

    pool: str
    folder: str
    rows: int = 0
    associations: int = 0
    orphans: int = 0
    seconds: float = 0.0
    status: str = "ok"
    files: list[tuple[str, str]] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    written: int = 0

    def summary(self) -> dict[str, Any]:
        """The row of ``summary.json``."""
        return {
            "pool": self.pool,
            "folder": self.folder,
            "rows": self.rows,
            "associations": self.associations,
            "orphans": self.orphans,
            "seconds": round(self.seconds, 3),
            "status": self.status,
            "files_written": self.written,
            "problems": [d.concise() for d in self.problems],
            "warnings": [w.concise() for w in self.warnings],
        }


def jobs_for(
    pools: Sequence[Path],
    out: Path,
    rulesets: Sequence[str],
    options: dict[str, Any],
    orphans_file: str | None,
) -> list[PoolJob]:
    """One job per pool, each writing to ``out/<pool file stem>``.

    Raises
    ------
    UsageError
        ASN013 when two pools have the same file stem (their folders would be one).
    """
    seen: dict[str, Path] = {}
    jobs = []
    for pool in pools:
        stem = pool.name.split(".")[0] if pool.name.split(".")[0] else pool.name
        if stem in seen:
            raise error(
                pool,
                "ASN013",
                f"pools {seen[stem]} and {pool} would share the output folder {out / stem}; "
                "run them separately",
                kind=UsageError,
            )
        seen[stem] = pool
        jobs.append(PoolJob(str(pool), str(out / stem), tuple(rulesets), options, orphans_file))
    return jobs


def compute(job: PoolJob) -> PoolOutcome:
    """Generate one pool and prepare its files; write nothing (runs in a worker)."""
    from asnrules.api import run

    start = time.perf_counter()
    outcome = PoolOutcome(job.pool, job.folder)
    try:
        result = run(job.pool, list(job.rulesets) or None, **job.options)
        outcome.files, outcome.origins = result.outputs(job.orphans_file)
        outcome.inputs = [str(p) for p in result.inputs]
        outcome.rows = len(result.rows)
        outcome.associations = len(result.associations)
        outcome.orphans = len(result.orphans)
        outcome.warnings = list(result.warnings)
    except AsnRulesError as exc:
        outcome.status = "failed"
        outcome.problems = list(exc.diagnostics)
        outcome.files, outcome.origins = [], []
    except MemoryError:
        outcome.status = "failed"
        outcome.problems = [Diagnostic(job.pool, 0, 0, "ASN014", "out of memory")]
        outcome.files, outcome.origins = [], []
    outcome.seconds = time.perf_counter() - start
    return outcome


def write(outcome: PoolOutcome) -> WriteReport | None:
    """Write one pool's files as a set; record a failure in the outcome."""
    if outcome.status != "ok":
        return None
    try:
        report = write_set(
            Path(outcome.folder), outcome.files, outcome.origins, [Path(p) for p in outcome.inputs]
        )
    except AsnRulesError as exc:
        outcome.status = "failed"
        outcome.problems = list(exc.diagnostics)
        return None
    outcome.written = len(report.written)
    return report


def run_batch(
    jobs: Sequence[PoolJob],
    workers: int | None = None,
    dask: str | None = None,
    on_done: Callable[[PoolOutcome], None] | None = None,
) -> list[PoolOutcome]:
    """Compute every job on local processes or on Dask; return outcomes in job order.

    Parameters
    ----------
    jobs : sequence of PoolJob
        The pools.
    workers : int, optional
        Local processes (default: the number of cores); with ``dask="local"``, the
        number of workers of the local cluster.
    dask : str, optional
        ``tcp://host:port`` of a running ``dask.distributed`` scheduler, or ``local`` to
        start a ``LocalCluster``.
    on_done : callable, optional
        Called with each outcome as it arrives (in completion order), e.g. to write it.

    Raises
    ------
    UsageError
        ASN015 when Dask is asked for but not installed, ASN016 when the scheduler is not
        reached.
    """
    outcomes: dict[int, PoolOutcome] = {}
    for index, outcome in _completed(jobs, workers, dask):
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)
    return [outcomes[i] for i in range(len(jobs))]


def _completed(
    jobs: Sequence[PoolJob], workers: int | None, dask: str | None
) -> Iterator[tuple[int, PoolOutcome]]:
    if dask is not None:
        yield from _on_dask(jobs, workers, dask)
        return
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if count == 1:
        for index, job in enumerate(jobs):
            yield index, compute(job)
        return
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures: dict[Future[PoolOutcome], int] = {
            pool.submit(compute, job): i for i, job in enumerate(jobs)
        }
        try:
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _on_dask(
    jobs: Sequence[PoolJob], workers: int | None, address: str
) -> Iterator[tuple[int, PoolOutcome]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise error(
            "--dask",
            "ASN015",
            "Dask is not installed: pip install 'asnrules[dask]'",
            kind=UsageError,
        ) from None
    cluster = None
    try:
        if address == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be taken
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout="10s")
    except OSError as exc:
        raise error(
            "--dask", "ASN016", f"cannot reach the Dask scheduler {address}: {exc}", kind=UsageError
        ) from None
    try:
        futures = client.map(compute, list(jobs), pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures):
            yield index[future.key], future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def summary_json(outcomes: Sequence[PoolOutcome]) -> str:
    """The text of ``summary.json``: one entry per pool, in the order given."""
    return json.dumps({"pools": [o.summary() for o in outcomes]}, indent=4)
