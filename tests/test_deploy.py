"""The compose file is valid for the real Compose v2 and describes the topology
that tests/server/test_scale_out.py runs without containers."""

import json
import os
import subprocess
from pathlib import Path

import compose

from samskapa.settings import DEFAULT_SECRETS_DIR

ROOT = Path(__file__).resolve().parent.parent
# The binary inside the package: the `docker-compose` wrapper that pip puts on
# PATH always exits 0.
BINARY = Path(os.path.dirname(compose.__file__)) / "docker-compose"


def _config(*args: str, secret: str | None = "s3cret") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SAMSKAPA_SECRET"}
    if secret is not None:
        env["SAMSKAPA_SECRET"] = secret
    return subprocess.run(
        [str(BINARY), "-f", str(ROOT / "docker-compose.yml"), "config", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )


def test_the_vote_secret_reaches_the_app_as_a_file() -> None:
    """Not as a variable (which `docker inspect` shows): as a secret file, where the
    settings look for it (settings.py, secrets folder)."""
    result = _config("--format", "json")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    app = config["services"]["app"]
    assert "SAMSKAPA_SECRET" not in app["environment"]
    assert {"source": "samskapa_secret", "target": "/run/secrets/samskapa_secret"} in app["secrets"]
    assert config["secrets"]["samskapa_secret"]["environment"] == "SAMSKAPA_SECRET"
    assert str(DEFAULT_SECRETS_DIR) == "/run/secrets"
    assert "SAMSKAPA_SECRETS_DIR=/run/secrets" in (ROOT / "Dockerfile").read_text()


def test_health_checks_use_readiness_and_liveness() -> None:
    result = _config("--format", "json")
    services = json.loads(result.stdout)["services"]
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(services["lb"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    healthcheck = dockerfile[dockerfile.index("HEALTHCHECK") :]
    assert "/livez" in healthcheck.split("CMD [")[0]


def test_compose_file_validates() -> None:
    result = _config("-q")
    assert result.returncode == 0, result.stderr


def test_compose_topology() -> None:
    result = _config("--format", "json")
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert {"postgres", "redis", "app", "lb"} <= set(services)
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["environment"]["SAMSKAPA_BROKER_URL"].startswith("redis://")
    assert app["environment"]["SAMSKAPA_DATABASE_URL"].startswith("postgresql+asyncpg://")
    for name in ("postgres", "redis", "app", "lb"):
        assert "healthcheck" in services[name], name
    assert services["lb"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_a_broken_compose_file_is_caught(tmp_path: Path) -> None:
    """The validator is real: an undefined dependency fails."""
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  a:\n    image: x\n    depends_on: [missing]\n")
    result = subprocess.run(
        [str(BINARY), "-f", str(broken), "config", "-q"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0


def test_nginx_passes_websockets() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Host $http_host;" in conf


def test_nginx_names_requests_and_keeps_metrics_inside() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Request-ID $request_id;" in conf
    metrics = conf[conf.index("location = /metrics") :]
    assert metrics[: metrics.index("}")].split("{")[1].strip() == "deny all;"
