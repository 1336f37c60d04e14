"""docker-compose.yml stays in production shape and in step with the settings (no Docker engine runs here)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS_TEXT = "\n".join(p.read_text() for p in (ROOT / "baolife" / "settings").glob("*.py"))
# production.py refuses to import without its secrets: its list is read from the source
REQUIRED = re.search(r"REQUIRED = \(([^)]*)\)", (ROOT / "baolife/settings/production.py").read_text()).group(1)
REQUIRED_NAMES = set(re.findall(r'"([A-Z_]+)"', REQUIRED))
READ_BY_SETTINGS = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS_TEXT)) | REQUIRED_NAMES
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "WEB_CONCURRENCY"}  # read by Django itself and by uvicorn


def _services() -> dict:
    return COMPOSE["services"]


def test_the_production_roles_are_all_there():
    assert {"web", "worker", "beat", "mariadb", "redis"} <= set(_services())
    assert _services()["beat"]["deploy"]["replicas"] == 1
    assert _services()["beat"]["command"][:4] == ["celery", "-A", "baolife", "beat"]
    assert _services()["worker"]["command"][:4] == ["celery", "-A", "baolife", "worker"]
    assert "WEB_CONCURRENCY" in _services()["web"]["environment"]


def test_redis_keeps_its_data_and_never_evicts():
    command = " ".join(_services()["redis"]["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command


def test_every_app_variable_is_one_the_settings_read_and_every_required_one_is_set():
    for name in ("web", "worker", "beat"):
        environment = _services()[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "baolife.settings.production"
        unknown = set(environment) - READ_BY_SETTINGS - NOT_SETTINGS
        assert unknown == set(), f"{name}: {unknown} are read by no setting"
        assert len(REQUIRED_NAMES) >= 5 and REQUIRED_NAMES <= set(environment)
        assert environment["RUN_JOBS_IN_PROCESS"] == "false"  # beat runs the jobs, not the web processes
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["DATABASE_URL"].startswith("mysql://") and "@mariadb:3306/" in environment["DATABASE_URL"]


def test_the_app_services_wait_for_healthy_dependencies():
    for name in ("web", "worker", "beat"):
        depends = _services()[name]["depends_on"]
        assert depends["mariadb"]["condition"] == depends["redis"]["condition"] == "service_healthy"
