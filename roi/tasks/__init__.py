"""Background work, on Procrastinate (a task queue that lives in our PostgreSQL).

Nothing slow happens inside a web request or under a row lock: the request enqueues a job and
any number of workers, on any machine that reaches the same ``DATABASE_URL``, run it
(``./manage.py procrastinate worker``; ``make run`` starts one next to the web server). A job
enqueued inside a transaction is committed or rolled back with it, so a worker never sees a
job about something that did not happen, and no committed job is lost on a restart.

The modules (listed in ``settings.PROCRASTINATE_IMPORT_PATHS``, which workers import):

- :mod:`roi.tasks.documents`: the dossier re-rendered after each committed change (debounced
  per project: one job waits per project, and the one that runs reads the latest revision),
  the documents asked for by a download, the frozen version PDFs. Each render runs in a
  child process stopped after ``settings.RENDER_TIMEOUT_SECONDS``.
- :mod:`roi.tasks.bundles`: the portfolio's zip of dossiers (``DossierBundle``), project after
  project, its progress counted for the page that polls it.
- :mod:`roi.tasks.mail`: every email (:func:`roi.mail.mail_after_commit` enqueues it).
- :mod:`roi.tasks.periodic`: the periodic tasks (``purge_deleted`` daily, stalled jobs
  retried) and the hook list where other periodic work registers.

Registering a periodic task (e.g. the tracking's review reminders) is one line in the module
that owns the function, no edit here::

    from roi.tasks.periodic import every_day

    every_day(send_review_reminders)          # called as send_review_reminders()

or, for another schedule, a Procrastinate task of its own in a module added to
``PROCRASTINATE_IMPORT_PATHS``::

    from procrastinate.contrib.django import app

    @app.periodic(cron="0 7 * * 1")           # Mondays 07:00 (UTC)
    @app.task(name="roi.weekly_digest", queueing_lock="roi.weekly_digest")
    def weekly_digest(timestamp: int) -> None: ...

This package imports nothing itself, so that importing one of its modules (the mail one from
the writes) does not pull in the others.
"""
