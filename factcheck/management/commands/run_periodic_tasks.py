"""Beat's schedule run in this process, for the embedded default.

With no broker, tasks run inside whoever sends them and there is no `celery beat`: without
this, nothing would sweep sources whose retry came due, articles whose fetch ended, webhook
deliveries waiting to be retried or expired tokens. `./scripts/serve` starts it next to the
web server. With a broker configured, beat does this job and the command has nothing to do.
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from factcheck.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic tasks of beat's schedule in this process (embedded default only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every periodic task once, then stop."
        )

    def handle(self, *args, once: bool = False, **options):
        if not app.conf.task_always_eager:
            self.stdout.write(
                "A broker is configured: periodic tasks are celery beat's job "
                "(celery -A factcheck beat). Nothing to do here."
            )
            return
        # A line per task run every few seconds would bury the web server's own log.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        app.loader.import_default_modules()
        schedule = {
            name: (app.tasks[entry["task"]], float(entry["schedule"]))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        due = dict.fromkeys(schedule, 0.0)
        if not once:
            self.stdout.write(f"Running {len(schedule)} periodic tasks in this process.")
        while True:
            for name, (task, every) in schedule.items():
                if time.monotonic() < due[name]:
                    continue
                outcome = task.apply()
                if outcome.failed():
                    # One failing task must not stop the others: log it, try again next time.
                    logger.error("Periodic task %s failed: %r", name, outcome.result)
                due[name] = time.monotonic() + every
            if once:
                return
            time.sleep(max(0.5, min(due.values()) - time.monotonic()))
