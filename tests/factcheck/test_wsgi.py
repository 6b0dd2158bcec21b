"""The WSGI entry point gunicorn loads: ready to serve before its first request."""

import subprocess
import sys

from tests.processes import PROJECT, service_env

REPORT_STARTUP_STATE = """
import gc, sys
import factcheck.wsgi
views_loaded = all(name in sys.modules for name in ("reviews.api.views", "articles.views"))
print(gc.get_freeze_count() > 0, views_loaded)
"""


def test_wsgi_module_loads_every_view_and_freezes_what_it_loaded():
    finished = subprocess.run(
        [sys.executable, "-c", REPORT_STARTUP_STATE],
        cwd=PROJECT,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert finished.stdout.split() == ["True", "True"]
