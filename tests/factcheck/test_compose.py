"""docker-compose.yml is checked against the Compose specification's JSON schema.

The schema in tests/fixtures is the Compose specification's (Apache-2.0), as shipped by the
docker-compose 1.29.2 package.
"""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((PROJECT / "tests/fixtures/compose-spec.schema.json").read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT / "docker-compose.yml").read_text())


def test_compose_file_follows_the_compose_specification(compose):
    validator = jsonschema.Draft201909Validator(SCHEMA)

    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))

    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_compose_runs_web_worker_beat_postgres_and_redis(compose):
    services = compose["services"]

    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["web"]["command"][:2] == ["gunicorn", "factcheck.wsgi:application"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "factcheck", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "factcheck", "beat"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_compose_services_have_health_checks_and_data_volumes(compose):
    services = compose["services"]

    for name in ("web", "worker", "db", "redis"):
        assert "test" in services[name]["healthcheck"], name
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert set(compose["volumes"]) >= {"pgdata", "redisdata"}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_compose_app_services_are_configured_for_production(compose):
    for name in ("web", "worker", "beat", "migrate"):
        environment = compose["services"][name]["environment"]
        assert environment["DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        # The secret has no default: compose refuses to start without one.
        assert ":?" in environment["SECRET_KEY"]


def test_web_worker_and_beat_share_one_match_index_volume(compose):
    # Each process memory-maps the index saved under MATCH_INDEX_DIR; one written by
    # `rebuild_match_index` in any container must be the one every other container reads.
    services = compose["services"]
    mounted = {}
    for name in ("web", "worker", "beat"):
        index_dir = services[name]["environment"]["MATCH_INDEX_DIR"]
        sources = [
            volume.split(":")[0]
            for volume in services[name].get("volumes", [])
            if volume.split(":")[1] == index_dir
        ]
        assert len(sources) == 1, f"{name} does not mount a volume at {index_dir}"
        mounted[name] = (sources[0], index_dir)

    assert mounted["web"] == mounted["worker"] == mounted["beat"]
    volume, _path = mounted["web"]
    assert volume in compose["volumes"], "the index is kept in a named volume, not a host path"
