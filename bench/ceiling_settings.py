"""Settings for `bench/api.py`: the service's, with `bench.ceiling` as the URL conf."""

from factcheck.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling"
