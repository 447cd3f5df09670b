"""Background jobs: archives submitted over HTTP, run by workers on the batch runner, fetched later.

:mod:`.store` keeps jobs, progress and results in the service's store; :mod:`.execute` runs one job
on :func:`service.batch.runner.run_batch` (one engine for the CLI and HTTP); :mod:`.worker` holds a
worker's steps and the embedded queue; :mod:`.procrastinate_queue` the PostgreSQL queue for several
hosts; :mod:`.webhooks` signs and delivers callbacks; :mod:`.service` is what the doors use.
"""
