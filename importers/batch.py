"""Parse many files in worker processes, each file within its time and memory limit.

A file that runs past `limits.timeout` has its worker killed and replaced, so it is really
stopped; a worker that dies (crash, MemoryError, killed) costs that one file an error result.
Workers come from a "forkserver" (or "spawn") context so that a threaded parent, such as the
web app, never forks its locks; their log records travel back with each result and are
replayed through the parent's logging, so a worker prints nothing itself.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from importers.limits import DEFAULT_LIMITS, MB, Limits
from importers.parse import ParseResult, parse_file
from kb.core.errors import ImportFailure, ParseTimeout, TooLarge, UnreadableFile
from kb.core.messages import say

log = logging.getLogger(__name__)
# A library does not print: without logging configured by the application, tracebacks and
# notices from here go nowhere (each file's error is in its result anyway).
log.addHandler(logging.NullHandler())

Parser = Callable[[Path, Limits], ParseResult]

# A worker must import the parsing stack before its first file; that is not the file's time.
STARTUP_TIMEOUT = 60.0
# Grace for a stopped idle worker to exit before it is killed.
SHUTDOWN_GRACE = 2.0
# How much workers yield the CPU to their parent (os.nice steps). The parent stores and
# indexes what they parse: if it fell behind, a bulk import would end with one core indexing
# a backlog while the others idle; and a web server parsing uploads keeps answering pages.
WORKER_NICENESS = 10


def parse_paths(paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS,
                workers: int | None = None,
                on_result: Callable[[ParseResult], None] | None = None, *,
                parser: Parser = parse_file) -> list[ParseResult]:
    """Parse every file in worker processes; one result per path, in input order.

    Workers start as "forkserver" (or "spawn") processes, which import the main module: a
    script calling this must do its work under `if __name__ == "__main__":`.

    `on_result` is called in the parent as each file finishes (in finishing order), for
    progress display. `workers` defaults to os.cpu_count(). `parser` is what a worker calls on
    each path; it must be a module-level function (it is pickled by name).
    """
    return list(iter_results(paths, limits, workers, on_result, parser=parser))


def iter_results(paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS,
                 workers: int | None = None,
                 on_result: Callable[[ParseResult], None] | None = None, *,
                 parser: Parser = parse_file) -> Iterator[ParseResult]:
    """Like parse_paths, but yield each result in input order as soon as it can be.

    Exhaust or close() the iterator: its workers are stopped when it ends.
    """
    todo = [Path(path) for path in paths]
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if not todo:
        return
    count = min(workers or os.cpu_count() or 1, len(todo))
    finished: dict[int, ParseResult] = {}
    next_index = 0
    with _Pool(count, limits, parser) as pool:
        for index, result in pool.run(todo):
            if on_result is not None:
                on_result(result)
            finished[index] = result
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1


def unexpected_error(path: str | Path, exc: BaseException) -> UnreadableFile:
    """The one message for a bug or library failure that no reader turned into our error."""
    detail = " ".join(str(exc).split())[:200] or "no details"
    return UnreadableFile(say("parser-failed", name=Path(path).name,
                              reason=f"{type(exc).__name__}: {detail}"))


def _timeout_error(path: Path, limits: Limits) -> ParseTimeout:
    return ParseTimeout(say("parser-timeout", name=path.name, seconds=f"{limits.timeout:g}"))


def _memory_error(path: Path, limits: Limits) -> TooLarge:
    return TooLarge(say("parser-memory", name=path.name, limit=f"{limits.max_memory / MB:.0f}"))


def _crash_error(path: Path, exitcode: int | None) -> UnreadableFile:
    if exitcode is not None and exitcode < 0:
        try:
            how = signal.Signals(-exitcode).name
        except ValueError:
            how = str(-exitcode)
        return UnreadableFile(say("parser-killed", name=path.name, signal=how))
    return UnreadableFile(say("parser-exited", name=path.name, code=exitcode))


# ----------------------------------------------------------------------------- parent side

class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, limits: Limits, parser: Parser, log_level: int):
        self.conn, child_end = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child_end, limits, parser, log_level),
            name="kb-parse-worker", daemon=True)
        self.process.start()
        child_end.close()
        self.ready = False
        self.started = time.monotonic()
        self.task: tuple[int, Path] | None = None
        self.deadline = math.inf
        self.exitcode: int | None = None
        self.stopped = False

    def assign(self, index: int, path: Path, timeout: float) -> None:
        self.conn.send(str(path))
        self.task = (index, path)
        self.deadline = time.monotonic() + timeout

    def stop(self, grace: float = SHUTDOWN_GRACE) -> int | None:
        """End the process (politely if it is idle) and reap it, so no zombie stays behind.

        Returns its exit code (negative: the signal that ended it).
        """
        if self.stopped:
            return self.exitcode
        self.stopped = True
        if self.ready and self.task is None and self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.exitcode = self.process.exitcode
        self.conn.close()
        self.process.close()
        return self.exitcode


class _Pool:
    """A fixed number of workers, each replaced when it dies or is killed."""

    def __init__(self, size: int, limits: Limits, parser: Parser):
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context(
            "forkserver" if "forkserver" in methods else "spawn")
        if self.context.get_start_method() == "forkserver":
            # The fork server imports the parsing stack once; each worker forks from it.
            self.context.set_forkserver_preload(["importers.batch"])
        self.limits = limits
        self.parser = parser
        self.log_level = logging.getLogger().getEffectiveLevel()
        self.size = size
        self.workers: list[_Worker] = []

    def __enter__(self) -> _Pool:
        self.workers = [self._new_worker() for _ in range(self.size)]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []

    def _new_worker(self) -> _Worker:
        return _Worker(self.context, self.limits, self.parser, self.log_level)

    def _replace(self, slot: int) -> int | None:
        """Stop the worker in `slot` and start another; the old one's exit code."""
        exitcode = self.workers[slot].stop()
        self.workers[slot] = self._new_worker()
        return exitcode

    def run(self, paths: list[Path]) -> Iterator[tuple[int, ParseResult]]:
        """Yield (input index, result) for every path, in finishing order."""
        queue = deque(enumerate(paths))
        while queue or any(worker.task for worker in self.workers):
            for slot, worker in enumerate(self.workers):
                if not (worker.ready and worker.task is None and queue):
                    continue
                if not worker.process.is_alive():
                    self._replace(slot)  # died while idle
                    continue
                index, path = queue.popleft()
                try:
                    worker.assign(index, path, self.limits.timeout)
                except OSError:
                    queue.appendleft((index, path))
                    self._replace(slot)
            self._wait()
            for slot, worker in enumerate(self.workers):
                if not worker.ready:
                    self._check_startup(slot, worker)
                elif worker.task is not None:
                    outcome = self._check_task(slot, worker)
                    if outcome is not None:
                        yield outcome

    def _wait(self) -> None:
        """Sleep until a worker says something, dies, or reaches its deadline."""
        watched, deadline = [], math.inf
        for worker in self.workers:
            if worker.task is None and worker.ready:
                continue
            watched += [worker.conn, worker.process.sentinel]
            deadline = min(deadline, worker.deadline if worker.ready
                           else worker.started + STARTUP_TIMEOUT)
        if watched:
            wait(watched, max(0.0, deadline - time.monotonic()))

    def _check_startup(self, slot: int, worker: _Worker) -> None:
        if worker.conn.poll():
            try:
                _replay(worker.conn.recv())
                worker.ready = True
                return
            except (EOFError, OSError):
                pass
        elif worker.process.is_alive() and time.monotonic() < worker.started + STARTUP_TIMEOUT:
            return
        exitcode = worker.stop()
        # Not one file's fault: the parsing stack cannot even start, so no file can be parsed.
        raise RuntimeError(f"a parsing worker could not start (exit code {exitcode}); check "
                           "the installation, and that the main module starts its work under "
                           "`if __name__ == '__main__':`")

    def _check_task(self, slot: int, worker: _Worker) -> tuple[int, ParseResult] | None:
        assert worker.task is not None
        index, path = worker.task
        if worker.conn.poll():
            try:
                result, records, retire = worker.conn.recv()
            except (EOFError, OSError):
                pass  # died while answering: a crash, below
            except (pickle.UnpicklingError, AttributeError, ImportError, TypeError) as exc:
                worker.task = None
                return index, ParseResult(str(path), error=unexpected_error(path, exc))
            else:
                _replay(records)
                worker.task = None
                if retire:
                    self._replace(slot)
                return index, result
        elif worker.process.is_alive():
            if time.monotonic() < worker.deadline:
                return None
            self._replace(slot)
            log.warning("stopped the parser on %s after %g s", path, self.limits.timeout)
            return index, ParseResult(str(path), error=_timeout_error(path, self.limits))
        exitcode = self._replace(slot)
        log.warning("the parser process died on %s (exit code %s)", path, exitcode)
        return index, ParseResult(str(path), error=_crash_error(path, exitcode))


def _replay(records: list[logging.LogRecord]) -> None:
    """Hand a worker's log records to the parent's loggers, as if logged here."""
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


# ----------------------------------------------------------------------------- worker side

class _RecordBuffer(logging.Handler):
    """Keeps a worker's log records, made picklable, until they go back with a result."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # As logging.handlers.QueueHandler.prepare: the message and traceback become text.
        message = self.format(record)
        record = logging.makeLogRecord(record.__dict__)
        record.msg, record.message = message, message
        record.args, record.exc_info, record.exc_text = None, None, None
        self.records.append(record)

    def drain(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


def _worker_main(conn: Any, limits: Limits, parser: Parser, log_level: int) -> None:
    """Parse the paths the parent sends, one at a time, until it sends None or goes away."""
    # Ctrl-C reaches the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    buffer = _RecordBuffer()
    root = logging.getLogger()
    root.handlers[:] = [buffer]
    root.setLevel(log_level)
    logging.captureWarnings(True)
    _limit_memory(limits.max_memory)
    _lower_priority()
    conn.send(buffer.drain())
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path = Path(task)
        # Should the parent vanish, a stuck parse must not live on as an orphan.
        _alarm(limits.timeout * 2 + 5)
        result, retire = _parse_one(parser, path, limits)
        _alarm(0)
        try:
            conn.send((result, buffer.drain(), retire))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            log.error("could not send the result for %s back", path, exc_info=True)
            conn.send((ParseResult(str(path), error=unexpected_error(path, exc)),
                       buffer.drain(), retire))
        except OSError:
            return


def _parse_one(parser: Parser, path: Path, limits: Limits) -> tuple[ParseResult, bool]:
    """Run the parser on one file; (result, whether to retire this worker).

    After a MemoryError the heap is suspect, so the parent replaces the worker.
    """
    try:
        return parser(path, limits), False
    except MemoryError:
        return ParseResult(str(path), error=_memory_error(path, limits)), True
    except ImportFailure as exc:
        return ParseResult(str(path), error=exc), False
    except Exception as exc:  # noqa: BLE001 - recorded in the result, traceback logged
        log.error("unexpected error while parsing %s", path, exc_info=True)
        return ParseResult(str(path), error=unexpected_error(path, exc)), False


def _limit_memory(max_memory: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        max_memory = min(max_memory, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, hard))
    except (ValueError, OSError):  # e.g. macOS refuses RLIMIT_AS
        log.debug("could not limit the worker's memory to %d bytes", max_memory)


def _lower_priority() -> None:
    if hasattr(os, "nice"):  # not on Windows
        try:
            os.nice(WORKER_NICENESS)
        except OSError:
            log.debug("could not lower the worker's priority")


def _alarm(seconds: float) -> None:
    if hasattr(signal, "alarm"):
        signal.alarm(math.ceil(seconds))
