"""Documents rendered by workers: the dossier after each committed change (debounced per
project), any document a download asks for, the frozen version PDFs.

One lock per document (``roi.doc:<kind>:<id>``): at most one job waits per document (the
*queueing lock*: a second request while one waits is the same request, and the job that runs
reads the latest revision, so the latest wins), and two never render the same document at once
(the *lock*). A render runs in a forked child process stopped after
``settings.RENDER_TIMEOUT_SECONDS``, so that no document can hold a worker for ever; a render
that fails is retried, one that times out is not (it would time out again).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import AlreadyEnqueued

from roi.documents.prepared import KINDS, render

logger = logging.getLogger(__name__)

RENDER_TASK = "roi.render_document"
# Jobs not finished yet, and finished for good.
PENDING = ("todo", "doing")
# Edits push a waiting render back (the debounce), but never past this long after it was
# first asked for.
MAX_WAIT_SECONDS = 30


class RenderFailed(RuntimeError):
    """The child process failed (retried)."""


class RenderTimeout(RuntimeError):
    """The child process ran past the render timeout and was stopped (not retried)."""


def lock_of(kind: str, target_id: int) -> str:
    return f"roi.doc:{kind}:{target_id}"


# The parent's connections, set aside in a forked child and never closed there (closing them
# would end the parent's sessions); the child leaves with os._exit, without finalizers.
_INHERITED: list = []


def _yield_processor(niceness: int) -> None:
    """Lower this (forked render) process below the web requests of the same machine.

    ``os.nice`` alone only counts against the processes of one scheduling group: with Linux's
    autogroup, every session (a service, a terminal) is one, and the web server's workers, as
    a group, would weigh no more than one render. So the child takes a session of its own and
    gives it the same niceness (``/proc/self/autogroup``, where the kernel has it); it asks to
    be killed with the worker (``PR_SET_PDEATHSIG``), which no longer reaches it through its
    process group."""
    if niceness <= 0:
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: stay in the worker's session
        os.nice(niceness)
        return
    if os.getppid() != parent:  # the worker died before the request took effect
        os._exit(1)
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(f"{niceness}")
    except OSError:  # no autogroup (disabled, or not Linux): the process's own niceness counts
        pass
    os.nice(niceness)


def _child(kind: str, target_id: int, errors) -> None:
    # The child leaves with os._exit: no finalizer, no interpreter shutdown (forked from a
    # worker's thread, the child's shutdown would wait on threads it does not have).
    code = 0
    try:
        # Background work yields the processor to the web requests on the same machine.
        _yield_processor(settings.RENDER_NICENESS)
        for wrapper in connections.all(initialized_only=True):
            _INHERITED.append(wrapper.connection)
            wrapper.connection = None
        if not render(kind, target_id):
            raise LookupError(f"{kind} {target_id}: not found")
        connections.close_all()  # the child's own connection
    except BaseException as error:
        errors.send(f"{type(error).__name__}: {error}\n{traceback.format_exc()[-3000:]}")
        code = 1
    finally:
        errors.close()
        os._exit(code)


def render_in_child(kind: str, target_id: int, *, timeout: float | None = None) -> None:
    """Render in a forked child process (every module already imported: it starts at once),
    killed after ``timeout`` seconds (``settings.RENDER_TIMEOUT_SECONDS``)."""
    timeout = settings.RENDER_TIMEOUT_SECONDS if timeout is None else timeout
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(kind, target_id, sender),
                            name=f"render-{kind}-{target_id}", daemon=True)
    child.start()
    sender.close()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        raise RenderTimeout(f"{kind} {target_id}: stopped after {timeout:g} s")
    try:
        message = receiver.recv() if receiver.poll() else ""
    except EOFError:  # the child finished without a word: it succeeded
        message = ""
    receiver.close()
    if child.exitcode != 0:
        raise RenderFailed(message or f"{kind} {target_id}: exit {child.exitcode}")


@app.task(name=RENDER_TASK, queue="documents",
          retry=RetryStrategy(max_attempts=3, wait=5, retry_exceptions={RenderFailed}))
def render_document(*, kind: str, target_id: int) -> None:
    if kind not in KINDS:
        raise ValueError(kind)
    render_in_child(kind, target_id)


def request_render(kind: str, target_id: int, *, delay: float = 0) -> None:
    """Ask a worker to render ``kind`` for ``target_id`` in ``delay`` seconds (the debounce
    after an edit), or now (a download waits for it).

    While a job for that document waits, nothing more is queued: the waiting job is moved to
    the new time instead (one query). Each edit thus pushes its document's render back until
    the edits pause, and a download brings it forward: one render per burst of edits, of the
    latest revision, rather than one every ``delay`` seconds of continuous editing. Never
    later than :data:`MAX_WAIT_SECONDS` after the job was first asked for, so that edits that
    never pause still get their document rendered."""
    lock = lock_of(kind, target_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs AS job SET scheduled_at = LEAST("
            " clock_timestamp() + make_interval(secs => %s),"
            " (SELECT min(event.at) FROM procrastinate_events AS event"
            "  WHERE event.job_id = job.id AND event.type = 'deferred')"
            " + make_interval(secs => %s)) "
            "WHERE job.queueing_lock = %s AND job.status = 'todo'",
            [delay, MAX_WAIT_SECONDS, lock])
        if cursor.rowcount:
            return
    task = render_document.configure(lock=lock, queueing_lock=lock,
                                      schedule_in={"seconds": delay} if delay else None)
    try:
        # A savepoint: a refused job (queued in between) leaves the caller's transaction
        # intact.
        with transaction.atomic():
            task.defer(kind=kind, target_id=target_id)
    except AlreadyEnqueued:
        pass


@dataclass(frozen=True)
class RenderState:
    status: str | None  # None (never asked), todo, doing, succeeded, failed, cancelled…
    attempts: int

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def render_state(kind: str, target_id: int) -> RenderState:
    """The state of the latest job for that document (one query)."""
    job = (ProcrastinateJob.objects.filter(lock=lock_of(kind, target_id))
           .order_by("-id").values("status", "attempts").first())
    if job is None:
        return RenderState(None, 0)
    return RenderState(job["status"], job["attempts"])
