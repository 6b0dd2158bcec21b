"""The Celery application, configured from Django settings (CELERY_* names)."""

import logging
import os
import time

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import after_setup_logger, after_setup_task_logger, worker_ready
from celery.utils import uuid
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")

logger = logging.getLogger(__name__)

# After a failed publish, how long this process leaves the broker alone: each publish that
# fails costs its caller about a second (settings: broker socket timeouts, one retry), and a
# request that enqueues many tasks must not pay that for each.
BROKER_RETRY_AFTER_SECONDS = 5.0
_broker_unavailable_until = 0.0


class Task(DjangoTask):
    """Every task of the service (the app's task class).

    The broker only wakes workers up; the database row is the truth about work to do, and
    the periodic sweeps enqueue again what was never sent. So a publish the broker refuses or
    leaves unanswered is logged and given up on, and the caller (a request that committed,
    a sweep, a worker) goes on as if it had been sent. Every `delay`, `delay_on_commit`,
    `apply_async` and retry of every app publishes through here.

    In-process (the embedded default) there is nothing to run a task later: a task sent
    with a delay is not run, and the sweep that finds its row due runs it then.
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        global _broker_unavailable_until
        if self.app.conf.task_always_eager:
            if options.get("countdown") or options.get("eta"):
                return self.AsyncResult(task_id or uuid())
            # Runs in-process: an error is the task's own and must reach the caller.
            return super().apply_async(args, kwargs, task_id, **options)
        task_id = task_id or uuid()
        if time.monotonic() < _broker_unavailable_until:
            logger.warning(
                "Task %s[%s] not sent: the broker was unavailable moments ago. The work stays "
                "recorded in the database for the periodic sweeps.",
                self.name,
                task_id,
            )
            return self.AsyncResult(task_id)
        try:
            return super().apply_async(args, kwargs, task_id, **options)
        except (OperationalError, OSError) as exc:
            _broker_unavailable_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
            logger.warning(
                "Task %s[%s] not sent: the broker is unavailable (%s: %s). The work stays "
                "recorded in the database for the periodic sweeps.",
                self.name,
                task_id,
                type(exc).__name__,
                exc,
            )
            return self.AsyncResult(task_id)


app = Celery("factcheck", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


WORKER_HEARTBEAT_KEY = "factcheck:worker-heartbeat"


@app.task(name="factcheck.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Tell /healthz that a worker is taking tasks (scheduled by beat, recorded in the cache
    that every web process reads)."""
    from django.core.cache import cache

    cache.set(WORKER_HEARTBEAT_KEY, time.time(), timeout=None)


@worker_ready.connect
def _worker_started(**kwargs) -> None:
    worker_heartbeat()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_worker_logs(**kwargs) -> None:
    """The worker replaces Django's log handlers with its own; secrets are kept out of those
    as out of Django's (factcheck.redaction)."""
    from factcheck.redaction import add_redaction

    for handler in kwargs["logger"].handlers:
        add_redaction(handler)
