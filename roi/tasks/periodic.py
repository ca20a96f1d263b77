"""Periodic tasks: Procrastinate's scheduler, run by the workers (one of them defers each
occurrence; the others see it is taken), in UTC.

- ``roi.purge_deleted`` daily at 03:00: the projects deleted more than the grace period ago
  removed for good (the same service as ``./manage.py purge_deleted``).
- ``roi.review_reminders`` daily at 06:00: the tracking reviews that are due (3, 6, 12 months
  after go-live, then yearly) e-mailed to the editors and the CFO, once per review.
- ``roi.daily_hooks`` daily at 07:00: every function registered with :func:`every_day`, each
  on its own (one that fails is logged and does not stop the others; none is retried, so that
  a reminder is never sent twice).
- ``roi.cull_cache`` every 5 minutes: the shared database cache kept under its
  ``MAX_ENTRIES`` (``config/cache.py``), so that no request ever counts its table.
- ``roi.retry_stalled_jobs`` every minute: a job whose worker died (killed mid-render, machine
  lost) stops sending heartbeats; it is put back in the queue and another worker finishes it.

To add daily work, call ``every_day(function)`` at import time in a module the workers import
(a module of ``settings.PROCRASTINATE_IMPORT_PATHS``, or one imported by it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from procrastinate import RetryStrategy, exceptions
from procrastinate.contrib.django import app

from roi.projects.services import projects_purge
from roi.tracking.services import send_review_reminders

logger = logging.getLogger(__name__)

#: The functions called once a day by ``roi.daily_hooks``, without arguments, in order.
DAILY_HOOKS: list[Callable[[], object]] = []

# A worker that stopped sending heartbeats this long ago is taken for dead.
STALLED_AFTER_SECONDS = 60


def every_day(function: Callable[[], object]) -> Callable[[], object]:
    """Register ``function`` to run once a day (usable as a decorator); idempotent."""
    if function not in DAILY_HOOKS:
        DAILY_HOOKS.append(function)
    return function


@app.periodic(cron="0 3 * * *", periodic_id="purge_deleted")
@app.task(name="roi.purge_deleted", queueing_lock="roi.purge_deleted",
          retry=RetryStrategy(max_attempts=3, wait=600))
def purge_deleted(timestamp: int) -> int:
    count = projects_purge()
    logger.info("purge_deleted: %s object(s) removed", count)
    return count


@app.periodic(cron="0 6 * * *", periodic_id="review_reminders")
@app.task(name="roi.review_reminders", queueing_lock="roi.review_reminders")
def review_reminders(timestamp: int) -> int:
    """Not retried: a reminder is recorded as sent in the same transaction as its email job."""
    count = send_review_reminders(today=timezone.localdate())
    logger.info("review_reminders: %s project(s) reminded", count)
    return count


@app.periodic(cron="0 7 * * *", periodic_id="daily_hooks")
@app.task(name="roi.daily_hooks", queueing_lock="roi.daily_hooks")
def daily_hooks(timestamp: int) -> list[str]:
    done = []
    for function in list(DAILY_HOOKS):
        name = f"{function.__module__}.{function.__qualname__}"
        try:
            function()
        except Exception:
            logger.exception("daily hook %s failed", name)
        else:
            done.append(name)
    return done


@app.periodic(cron="*/5 * * * *", periodic_id="cull_cache")
@app.task(name="roi.cull_cache", queueing_lock="roi.cull_cache")
def cull_cache(timestamp: int) -> int:
    return cache.cull()


async def _retry(manager, job) -> None:
    """Put a stalled job back in the queue. When a job with the same queueing lock already
    waits (a debounced re-render asked after this one started), the waiting one is cancelled:
    both would render the project's latest inputs, and the stalled job is the one retried
    and finished."""
    try:
        await manager.retry_job(job)
    except exceptions.UniqueViolation:
        for waiting in await manager.list_jobs_async(queueing_lock=job.queueing_lock,
                                                     status="todo"):
            await manager.cancel_job_by_id_async(waiting.id)  # kept, as "cancelled"
        await manager.retry_job(job)
    logger.warning("job %s (%s) stalled: retried", job.id, job.task_name)


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="roi.retry_stalled_jobs", queueing_lock="roi.retry_stalled_jobs",
          pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> int:
    manager = context.app.job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS))
    for job in stalled:
        await _retry(manager, job)
    return len(stalled)
