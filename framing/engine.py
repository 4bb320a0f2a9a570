"""Engines that run the per-document map: in this process, a local process pool, or Dask.

Every engine takes the documents in corpus order, analyses them in batches
(:func:`framing.packing.analyze_packed`) and yields the batches **in input order**, so the
reductions (and every output file) are the same whichever engine ran the map. For the pipeline
a batch is packed: the workers format the rows of hits, attributions and excluded spans as CSV
text and Arrow record batches (:class:`~framing.output.TableChunk`), and the main process only
writes them (:meth:`MappedCorpus.batches`); iterated, the map gives one
:class:`~framing.analysis.DocumentResult` per document with its rows.

* ``jobs=1`` — in this process (no pickling at all);
* ``engine="local"`` (default), ``jobs=N`` — a pool of ``N`` worker processes
  (``forkserver`` start method on Linux: no fork of a process that may hold threads or
  torch state), at most ``2·N`` batches in flight so memory stays flat;
* ``engine="dask"`` — a Dask distributed cluster: ``scheduler="tcp://HOST:PORT"`` for an
  existing one, or a ``LocalCluster`` of ``jobs`` single-threaded worker processes on
  127.0.0.1 (``pip install "framing[dask]"``).

Each worker builds its :class:`~framing.analysis.RunContext` once from the picklable
:class:`~framing.analysis.RunSpec`. A document whose analysis raises comes back as a
result with ``error`` set (the pipeline lists it as a problem); a worker that dies
raises :class:`~framing.errors.RunError`; Ctrl-C stops the workers and re-raises.

>>> from framing.lexicon import load_lexicons
>>> from framing.records import Document, Span
>>> from framing.analysis import RunSpec
>>> spec = RunSpec.from_lexicons(load_lexicons(None), topics=False, events=False)
>>> docs = [Document(f"d{i}", "قوات النظام", outlet="A") for i in range(3)]
>>> [r.doc_id for r in map_documents(docs, spec, jobs=1)]
['d0', 'd1', 'd2']
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import fields
from itertools import islice
from operator import attrgetter

from framing.analysis import DocumentResult, RunSpec, analyze_safely, context_for
from framing.corpus.chunks import LineChunk, line_chunks, merge_chunks, read_chunk, supports_line_chunks
from framing.errors import ConfigError, MissingDependencyError, RunError
from framing.packing import ResultBatch, analyze_packed
from framing.records import Document, Span

__all__ = ["ENGINES", "MappedCorpus", "default_jobs", "map_corpus", "map_documents"]

#: which file formats each row table is wanted in (``{"hits": ("csv", "parquet"), ...}``), or None
Formats = dict[str, tuple[str, ...]] | None

ENGINES = ("local", "dask")
#: documents per task: large enough to amortize pickling, small enough to keep workers busy
DEFAULT_BATCH = 64
#: documents per task on Dask, unless a batch size is given: every task costs this process (where
#: a local cluster's scheduler and nannies live) about eight messages on its event loop
DASK_BATCH = 256
#: Dask settings of the ``LocalCluster`` this module starts (never of a user's own cluster)
LOCAL_CLUSTER_CONFIG = {"distributed.scheduler.worker-saturation": "inf",
                        "distributed.worker.profile.enabled": False,
                        # the scheduler and the nannies run on this process's event loop: its
                        # periodic checks (50 ticks a second each, the system and memory
                        # monitors) wake it less often
                        "distributed.admin.tick.interval": "500ms",
                        "distributed.admin.system-monitor.interval": "2s",
                        "distributed.admin.system-monitor.disk": False,
                        "distributed.worker.memory.monitor-interval": "500ms"}


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def map_documents(documents: Iterable[Document], spec: RunSpec, *, jobs: int | None = None,
                  engine: str = "local", scheduler: str | None = None,
                  batch_size: int | None = None) -> Iterator[DocumentResult]:
    """Analyse ``documents`` with the chosen engine; results in input order (``batch_size``
    documents per task; default :data:`DEFAULT_BATCH`, :data:`DASK_BATCH` on Dask)."""
    _check(engine, scheduler, jobs, batch_size)
    batch_size = _batch_size(engine, batch_size)
    return _flatten(_document_batches(documents, spec, None, jobs=jobs, engine=engine, scheduler=scheduler,
                                      batch_size=batch_size))


def _flatten(batches: Iterator[ResultBatch]) -> Iterator[DocumentResult]:
    from contextlib import closing

    with closing(batches):
        for batch in batches:
            yield from batch.results


def _document_batches(documents: Iterable[Document], spec: RunSpec, formats: Formats, *, jobs: int | None,
                      engine: str, scheduler: str | None, batch_size: int, pool=None) -> Iterator[ResultBatch]:
    n = jobs or default_jobs()
    if engine == "dask":
        return _dask_map(documents, spec, formats, workers=n, scheduler=scheduler, batch_size=batch_size)
    if n == 1:
        return _in_process(documents, spec, formats, batch_size)
    return _pool_map(documents, spec, formats, workers=n, batch_size=batch_size, executor=pool)


class MappedCorpus:
    """The map over a corpus, not started yet: iterate it for the
    :class:`~framing.analysis.DocumentResult` objects in corpus order, or call :meth:`batches`
    for packed :class:`~framing.packing.ResultBatch` objects (rows already formatted by the
    workers: what the pipeline's reductions consume). ``close()`` stops the engine."""

    def __init__(self, corpus, spec: RunSpec, *, limit: int | None, jobs: int | None, engine: str,
                 scheduler: str | None, batch_size: int):
        self.corpus, self.spec, self.limit, self.jobs = corpus, spec, limit, jobs
        self.engine, self.scheduler, self.batch_size = engine, scheduler, batch_size
        self._active: Iterator | None = None
        self._started = None  # a concurrent Future of (client, cluster) once start() ran (Dask)

    def start(self) -> None:
        """Start the engine's workers now, in the background, so that their start-up overlaps
        what this process does before iterating (the corpus scan): the Dask cluster (or the
        connection to one), or the local pool's processes with their run context built. A
        no-op in this process (``jobs=1``)."""
        if self._started is not None or self._active is not None:
            return
        if self.engine == "dask":
            from concurrent.futures import ThreadPoolExecutor

            starter = ThreadPoolExecutor(1, thread_name_prefix="framing-dask-start")
            self._started = starter.submit(_dask_client, self.jobs or default_jobs(), self.scheduler, self.spec)
            starter.shutdown(wait=False)
        elif (self.jobs or default_jobs()) > 1:
            self._started = _start_pool(self.spec, self.jobs or default_jobs())

    def batches(self, formats: Formats = None) -> Iterator[ResultBatch]:
        """The results in corpus order, one batch at a time, packed in ``formats`` (None: unpacked)."""
        if self._active is not None:
            raise RuntimeError("the map of this corpus has already started")
        self._active = self._batches(formats)
        return self._active

    def __iter__(self) -> Iterator[DocumentResult]:
        return _flatten(self.batches(None))

    def close(self) -> None:
        if self._active is not None:
            self._active.close()
        if self._started is not None:  # started, never handed to the map: stop what start() began
            if self.engine == "dask":
                _close_started(self._started)
            else:
                _stop_pool(self._started)
            self._started = None

    def _take_started(self):
        """The client start() began, now owned (and closed) by the map that takes it."""
        started, self._started = self._started, None
        return started

    def _batches(self, formats: Formats) -> Iterator[ResultBatch]:
        corpus = self.corpus
        if self.engine == "dask" and self.limit is None and hasattr(corpus, "partitions"):
            parts = corpus.partitions()
            if len(parts) > 1:
                yield from _dask_partitions(corpus, parts, self.spec, formats, workers=self.jobs or default_jobs(),
                                            scheduler=self.scheduler, started=self._take_started())
                return
        workers = self.jobs or default_jobs()
        if (self.engine == "dask" or workers > 1) and supports_line_chunks(corpus):
            # JSON Lines read by this process: it reads the lines only, the workers build the documents
            chunks = line_chunks(corpus, size=self.batch_size, limit=self.limit)
            complete = self.limit is None or self.limit > len(corpus)
            if self.engine == "dask":
                yield from _dask_chunks(corpus, chunks, self.spec, formats, workers=workers, scheduler=self.scheduler,
                                        complete=complete, started=self._take_started())
            else:
                yield from _pool_chunks(corpus, chunks, self.spec, formats, workers=workers, complete=complete,
                                        executor=self._take_started())
            return
        docs = corpus.iter_documents()
        if self.limit is not None:
            docs = islice(docs, self.limit)
        if self.engine == "dask":
            yield from _dask_map(docs, self.spec, formats, workers=self.jobs or default_jobs(),
                                 scheduler=self.scheduler, batch_size=self.batch_size,
                                 started=self._take_started())
            return
        yield from _document_batches(docs, self.spec, formats, jobs=self.jobs, engine=self.engine,
                                     scheduler=self.scheduler, batch_size=self.batch_size,
                                     pool=self._take_started())


def map_corpus(corpus, spec: RunSpec, *, limit: int | None = None, jobs: int | None = None,
               engine: str = "local", scheduler: str | None = None,
               batch_size: int | None = None) -> MappedCorpus:
    """Analyse a corpus; results in corpus order (a :class:`MappedCorpus`: iterate it, or take
    its packed :meth:`~MappedCorpus.batches`).

    On the Dask engine a corpus of several partitions (shards of a glob, files of a folder,
    Parquet row groups: :meth:`framing.corpus.Corpus.partitions`) is read by the workers
    themselves, one task per partition, and the partitions' problems are merged in order;
    otherwise (and with ``limit``) this process reads the documents and ships them in batches.
    """
    _check(engine, scheduler, jobs, batch_size)
    return MappedCorpus(corpus, spec, limit=limit, jobs=jobs, engine=engine, scheduler=scheduler,
                        batch_size=_batch_size(engine, batch_size))


def _batch_size(engine: str, batch_size: int | None) -> int:
    if batch_size is not None:
        return batch_size
    return DASK_BATCH if engine == "dask" else DEFAULT_BATCH


def _check(engine: str, scheduler: str | None, jobs: int | None, batch_size: int | None) -> None:
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}", hint="use --engine local or --engine dask")
    if scheduler and engine != "dask":
        raise ConfigError("--scheduler needs --engine dask", hint="add --engine dask")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ConfigError(f"--jobs {jobs!r} is invalid", hint="use a whole number ≥ 1 (1 runs in this process)")
    if batch_size is not None and batch_size < 1:
        raise ConfigError(f"batch size {batch_size} is invalid", hint="use a positive number")


_DOC_FIELDS = tuple(f.name for f in fields(Document))
_EXCLUDED = _DOC_FIELDS.index("excluded")
_doc_values = attrgetter(*_DOC_FIELDS)
_span_values = attrgetter(*(f.name for f in fields(Span)))


def _pack_docs(docs: list[Document]) -> list[tuple]:
    """Documents as tuples of their fields (their spans too), what a batch sends to a worker: a
    tuple pickles in C, a dataclass with slots through Python code per object."""
    out = []
    for doc in docs:
        values = _doc_values(doc)
        if values[_EXCLUDED]:
            values = (*values[:_EXCLUDED], tuple(map(_span_values, values[_EXCLUDED])), *values[_EXCLUDED + 1:])
        out.append(values)
    return out


def _unpack_docs(rows: list[tuple]) -> list[Document]:
    """The documents of :func:`_pack_docs` again."""
    out = []
    for values in rows:
        if values[_EXCLUDED]:
            values = (*values[:_EXCLUDED], tuple(Span(*v) for v in values[_EXCLUDED]), *values[_EXCLUDED + 1:])
        out.append(Document(*values))
    return out


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(documents)
    while batch := list(islice(it, size)):
        yield batch


def _in_process(documents: Iterable[Document], spec: RunSpec, formats: Formats, batch_size: int
                ) -> Iterator[ResultBatch]:
    for batch in _batches(documents, batch_size):
        yield analyze_packed(batch, spec, formats)


# --- local process pool ---------------------------------------------------------------------


def _init_worker(spec: RunSpec) -> None:
    # Ctrl-C goes to the whole process group: the main process handles it and stops the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    context_for(spec)


def _pool_batch(rows: list[tuple], spec_key: str, formats: Formats) -> ResultBatch:
    from framing.analysis import _CONTEXT
    from framing.packing import pack_results

    ctx = _CONTEXT[spec_key]
    return pack_results([analyze_safely(doc, ctx) for doc in _unpack_docs(rows)], formats)


def _mp_context():
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def _new_pool(spec: RunSpec, workers: int):
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(), initializer=_init_worker,
                               initargs=(spec,))


def _warm() -> None:
    """A task that does nothing: its worker has run the initializer (the run context is built)."""


def _start_pool(spec: RunSpec, workers: int):
    """A pool whose ``workers`` processes are starting now (each builds its run context)."""
    executor = _new_pool(spec, workers)
    try:
        for _ in range(workers):  # the pool starts a process per task submitted while none is idle
            _submit(executor, _warm)
    except BaseException:
        _stop_pool(executor)
        raise
    return executor


def _pool_map(documents: Iterable[Document], spec: RunSpec, formats: Formats, *, workers: int, batch_size: int,
              executor=None) -> Iterator[ResultBatch]:
    """The batches analysed on a local pool (``executor``: one :func:`_start_pool` began)."""
    tasks = ((_pool_batch, (_pack_docs(batch), spec.key, formats), f"document {batch[0].doc_id!r}")
             for batch in _batches(documents, batch_size))
    yield from _pool_ordered(tasks, spec, workers, executor, len)


def _pool_chunk(chunk: LineChunk, spec_key: str, formats: Formats) -> tuple[ResultBatch, list, dict]:
    from framing.analysis import _CONTEXT
    from framing.packing import pack_results

    ctx = _CONTEXT[spec_key]
    docs, problems, line_texts = read_chunk(chunk)
    return pack_results([analyze_safely(doc, ctx) for doc in docs], formats), problems, line_texts


def _pool_chunks(corpus, chunks: Iterator[LineChunk], spec: RunSpec, formats: Formats, *, workers: int,
                 complete: bool, executor=None) -> Iterator[ResultBatch]:
    """The chunks of lines read into documents and analysed on a local pool; the corpus's
    problems merged from theirs at the end."""
    merged: list = []
    tasks = ((_pool_chunk, (chunk, spec.key, formats), _line_label(chunk)) for chunk in chunks)
    for batch, problems, line_texts in _pool_ordered(tasks, spec, workers, executor, lambda r: len(r[0])):
        merged.append((problems, line_texts))
        if len(batch):  # a chunk of problems only (after the last line) has no documents
            yield batch
    merge_chunks(corpus, merged, complete=complete)


def _line_label(chunk: LineChunk) -> str:
    return f"line {chunk.numbers[0]} of {chunk.reader.path}" if chunk.lines else "the end of the corpus"


#: a local pool's workers are replaced by fresh ones after this many tasks (of 64 documents: ~30,700
#: documents). A worker's caches (the matcher's token forms, the event words, the term map) grow with
#: the documents it has seen (20k articles: ~290 MiB a worker, a month: ~375); ``max_tasks_per_child``
#: would recycle them but deadlocks with queued tasks on Python 3.11 (cpython gh-115634). The pool is
#: drained first (never old and new workers at once); the new workers build their run context
#: (~1-2 s with both cores idle). Outputs do not depend on it: the caches only remember pure results.
RECYCLE_TASKS = 480


def _pool_ordered(tasks, spec: RunSpec, workers: int, executor, size, *, recycle: int | None = None) -> Iterator:
    """The results of ``tasks`` (``(function, args, label)``) run on a local pool, in order, at
    most ``2·workers`` in flight; ``size(result)`` documents each. Every ``recycle`` tasks
    (default :data:`RECYCLE_TASKS`; 0: never) the pool is drained and replaced by a fresh one."""
    from concurrent.futures.process import BrokenProcessPool

    recycle = RECYCLE_TASKS if recycle is None else recycle
    executor = executor if executor is not None else _new_pool(spec, workers)
    pending: deque = deque()
    done = 0
    submitted = 0  # tasks given to this pool
    finished = False
    try:
        for fn, args, label in tasks:
            if recycle and submitted >= recycle:
                while pending:  # this pool's results first, in order
                    fut, _label = pending.popleft()
                    result = fut.result()
                    done += size(result)
                    yield result
                old, executor = executor, None
                try:
                    old.shutdown(wait=True)
                except BaseException:
                    _stop_pool(old)
                    raise
                executor = _start_pool(spec, workers)
                submitted = 0
            pending.append((_submit(executor, fn, *args), label))
            submitted += 1
            if len(pending) >= 2 * workers:
                fut, _label = pending.popleft()
                result = fut.result()
                done += size(result)
                yield result
        while pending:
            fut, _label = pending.popleft()
            result = fut.result()
            done += size(result)
            yield result
        finished = True
    except BrokenProcessPool:
        label = pending[0][1] if pending else "?"
        raise RunError(f"a worker process died (killed, or out of memory) after {done} documents, while "
                       f"analysing the batch starting at {label}",
                       hint="rerun; if memory is short use fewer --jobs") from None
    finally:
        if executor is None:  # between two pools
            pass
        elif finished:
            executor.shutdown(wait=True)
        else:
            _stop_pool(executor)


def _submit(executor, fn, *args):
    """``executor.submit`` with Ctrl-C held back until it returns: a submit may start a worker
    (the pool starts them as work arrives), and a start cut short leaves the half-started
    worker printing a traceback; a Ctrl-C that came meanwhile is raised right after."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return executor.submit(fn, *args)
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        future = executor.submit(fn, *args)
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if held:
        raise KeyboardInterrupt
    return future


def _stop_pool(executor) -> None:
    """Stop a pool now (Ctrl-C, a dead worker, an error in the main process): cancel what is
    queued, end the workers, and wait for the pool's own thread so nothing leaks."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
    executor.shutdown(wait=True, cancel_futures=True)


# --- Dask -----------------------------------------------------------------------------------


def _dask_batch(rows: list[tuple], spec: RunSpec, formats: Formats) -> ResultBatch:
    return analyze_packed(_unpack_docs(rows), spec, formats)


def _dask_partition(part, spec: RunSpec, formats: Formats):
    from framing.packing import pack_results

    ctx = context_for(spec)
    results = [analyze_safely(doc, ctx) for doc in part.iter_documents()]
    return pack_results(results, formats), part.problems, part.line_texts


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise MissingDependencyError("--engine dask needs the optional packages dask and distributed",
                                     hint='pip install "framing[dask]"') from None
    return distributed


def _warm_worker(spec: RunSpec) -> None:
    """Build the run context on a Dask worker now (as a pool's initializer does)."""
    context_for(spec)


def _dask_client(workers: int, scheduler: str | None, spec: RunSpec | None = None):
    """A client of the scheduler, or of a new local cluster (returned too, to close it); with
    ``spec``, every worker has built its run context when it returns (started during the scan,
    that work is not in the map's time)."""
    import logging

    distributed = _import_distributed()
    cluster = client = None
    try:
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise RunError(f"cannot reach the Dask scheduler {scheduler} ({exc})",
                               hint="check the address (tcp://HOST:PORT) and that the scheduler runs") from None
        else:
            import dask

            # our own cluster runs one job: tasks go to the workers as soon as they are submitted
            # (no queue held back on the scheduler, which lives in this busy process), results come
            # straight from the workers, and no statistical profiler samples the workers' stacks
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                   host="127.0.0.1", dashboard_address=None,
                                                   silence_logs=logging.ERROR)
            client = distributed.Client(cluster, direct_to_workers=True)
        if spec is not None:
            client.run(_warm_worker, spec)
    except BaseException:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        raise
    return client, cluster


def _close_started(started) -> None:
    """Close the client (and cluster) that a :meth:`MappedCorpus.start` began, once it is up;
    a start that failed has nothing to close."""
    try:
        client, cluster = started.result()
    except Exception:  # a start that failed: the map would have reported it
        return
    client.close()
    if cluster is not None:
        cluster.close()


def _connected(started, workers: int, scheduler: str | None):
    """(client, cluster): the one :meth:`MappedCorpus.start` began, else a new one."""
    return started.result() if started is not None else _dask_client(workers, scheduler)


def _dask_partitions(corpus, parts, spec: RunSpec, formats: Formats, *, workers: int, scheduler: str | None,
                     started=None) -> Iterator[ResultBatch]:
    merged: list = []
    for batch, problems, texts in _dask_in_order(_dask_partition, parts, spec, formats, "partition",
                                                 workers=workers, scheduler=scheduler, started=started):
        merged.append((problems, texts))
        yield batch
    corpus.merge_partitions(merged)


def _dask_chunk(chunk: LineChunk, spec: RunSpec, formats: Formats) -> tuple[ResultBatch, list, dict]:
    docs, problems, line_texts = read_chunk(chunk)
    return analyze_packed(docs, spec, formats), problems, line_texts


def _dask_chunks(corpus, chunks: Iterator[LineChunk], spec: RunSpec, formats: Formats, *, workers: int,
                 scheduler: str | None, complete: bool, started=None) -> Iterator[ResultBatch]:
    """The chunks of lines read into documents and analysed on Dask workers (results in order)."""
    merged: list = []
    for batch, problems, line_texts in _dask_in_order(_dask_chunk, chunks, spec, formats, "chunk",
                                                      workers=workers, scheduler=scheduler, started=started):
        merged.append((problems, line_texts))
        if len(batch):
            yield batch
    merge_chunks(corpus, merged, complete=complete)


def _dask_map(documents: Iterable[Document], spec: RunSpec, formats: Formats, *, workers: int,
              scheduler: str | None, batch_size: int, started=None) -> Iterator[ResultBatch]:
    packed = (_pack_docs(batch) for batch in _batches(documents, batch_size))
    yield from _dask_in_order(_dask_batch, packed, spec, formats, "analyze",
                              workers=workers, scheduler=scheduler, started=started)


def _dask_in_order(fn, items: Iterable, spec: RunSpec, formats: Formats, name: str, *, workers: int,
                   scheduler: str | None, started=None) -> Iterator:
    """``fn(item, spec, formats)`` for each item on the cluster, two tasks per worker in flight, the
    results in the items' order (a result is a batch, or a tuple whose first element is one); on
    exit the tasks still pending are cancelled and the client (and a cluster started here) closed."""
    client, cluster = _connected(started, workers, scheduler)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
    token = f"{os.getpid()}-{spec.key[:12]}"
    pending: deque = deque()
    done = 0

    def take():
        nonlocal done
        result = _dask_result(pending.popleft(), done)
        done += len(result[0] if isinstance(result, tuple) else result)
        return result

    try:
        [spec_future] = client.scatter([spec], broadcast=True, hash=False)
        for i, item in enumerate(items):
            pending.append(client.submit(fn, item, spec_future, formats,
                                         key=f"framing-{name}-{token}-{i}", pure=False, retries=0))
            while len(pending) >= 2 * n_workers:
                yield take()
        while pending:
            yield take()
    finally:
        for fut in pending:
            fut.cancel()
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_result(future, done: int):
    distributed = sys.modules["distributed"]
    try:
        return future.result()
    except distributed.KilledWorker:
        raise RunError(f"a Dask worker died (killed, or out of memory) after {done} documents",
                       hint="rerun; check the workers' memory limit") from None
