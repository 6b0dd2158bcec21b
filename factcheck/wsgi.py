"""
WSGI config for factcheck project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")

application = get_wsgi_application()

# Import every view now rather than on each worker's first request, which otherwise paid
# about 250 ms for the URL configuration and everything it imports.
import_module(settings.ROOT_URLCONF)

# What is loaded by now lives as long as the process. Frozen, it is left out of the
# collector's full passes: those otherwise rescan the whole application and stalled a worker
# for about 60 ms every few seconds under load (5 to 8 ms frozen), which set the p99 of
# `bench/api.py`.
gc.collect()
gc.freeze()
