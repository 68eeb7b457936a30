"""`samskapa check`, `samskapa --version` and the checks before `serve`, as real processes.

Each configuration problem is one line on stderr (no traceback) and a documented
exit status (README, Operations; samskapa/check.py `Exit`).
"""

import os
import resource
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from samskapa import __version__
from samskapa.check import Exit
from samskapa.settings import Settings
from tests.services import ServerProcess, free_port, postgres_database, redis_or_skip


def samskapa(
    tmp_path: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SAMSKAPA_")}
    return subprocess.run(
        [sys.executable, "-m", "samskapa", *args],
        env={
            **base,
            "SAMSKAPA_DATA_DIR": str(tmp_path / "data"),
            "SAMSKAPA_SECRETS_DIR": str(tmp_path / "no-secrets"),
            **env,
        },
        cwd=tmp_path,  # no .env from the checkout
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(result: subprocess.CompletedProcess[str], status: Exit, *words: str) -> str:
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    line = lines[0]
    assert line.startswith("samskapa: ")
    for word in words:
        assert word in line
    return line


def test_version(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"samskapa {__version__}"


def test_check_passes_on_the_default_sqlite(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "check")
    assert result.returncode == Exit.OK, result.stderr
    assert "configuration ok" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", ["check", "serve"])
def test_a_bad_database_url(tmp_path: Path, command: str) -> None:
    result = samskapa(tmp_path, command, SAMSKAPA_DATABASE_URL="postgres//nowhere")
    one_line(result, Exit.CONFIG, "SAMSKAPA_DATABASE_URL", "not a database URL")


def test_an_unsupported_driver(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "check", SAMSKAPA_DATABASE_URL="postgresql://u@localhost/db")
    one_line(result, Exit.CONFIG, "SAMSKAPA_DATABASE_URL", "postgresql+asyncpg://")


@pytest.mark.parametrize("command", ["check", "serve"])
def test_postgresql_without_a_secret(tmp_path: Path, command: str) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none"
    result = samskapa(tmp_path, command, SAMSKAPA_DATABASE_URL=url)
    one_line(result, Exit.CONFIG, "SAMSKAPA_SECRET", "PostgreSQL")


@pytest.mark.parametrize("command", ["check", "serve"])
def test_an_unreachable_database(tmp_path: Path, command: str) -> None:
    url = f"postgresql+asyncpg://postgres:hunter2@127.0.0.1:{free_port()}/none"
    result = samskapa(tmp_path, command, SAMSKAPA_DATABASE_URL=url, SAMSKAPA_SECRET="s" * 32)
    line = one_line(result, Exit.DATABASE, "database", "cannot connect")
    assert "hunter2" not in line  # the password is never printed


@pytest.mark.postgres
def test_a_database_that_does_not_exist(tmp_path: Path) -> None:
    with postgres_database() as url:
        missing = url.rsplit("/", 1)[0] + "/samskapa_no_such_database"
        result = samskapa(tmp_path, "check", SAMSKAPA_DATABASE_URL=missing, SAMSKAPA_SECRET="s")
        one_line(result, Exit.DATABASE, "samskapa_no_such_database", "does not exist")


def test_an_unwritable_sqlite_folder(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "check", SAMSKAPA_DATA_DIR="/proc/samskapa")
    one_line(result, Exit.DATABASE, "SQLite folder /proc/samskapa")


@pytest.mark.parametrize("command", ["check", "serve"])
def test_a_bad_broker_url(tmp_path: Path, command: str) -> None:
    result = samskapa(tmp_path, command, SAMSKAPA_BROKER_URL="amqp://rabbit")
    one_line(result, Exit.CONFIG, "SAMSKAPA_BROKER_URL", "redis://host:port")


def test_an_unreachable_broker(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "check", SAMSKAPA_BROKER_URL=f"redis://127.0.0.1:{free_port()}")
    one_line(result, Exit.BROKER, "broker redis://127.0.0.1", "cannot connect")


def test_every_bad_value_gets_its_line(tmp_path: Path) -> None:
    result = samskapa(tmp_path, "check", SAMSKAPA_PORT="eighty", SAMSKAPA_LOG_LEVEL="loud")
    assert result.returncode == Exit.CONFIG
    lines = sorted(result.stderr.strip().splitlines())
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("samskapa: SAMSKAPA_LOG_LEVEL: ")
    assert lines[1].startswith("samskapa: SAMSKAPA_PORT: ")
    result = samskapa(tmp_path, "check", SAMSKAPA_ALLOWED_ORIGINS="https://a.example")
    one_line(result, Exit.CONFIG, "SAMSKAPA_ALLOWED_ORIGINS", "JSON")


@pytest.mark.postgres
def test_secrets_from_files(tmp_path: Path) -> None:
    """The database URL and the secret as files in the secrets folder, as Docker
    and Kubernetes mount them: PostgreSQL then needs nothing in the environment."""
    redis = redis_or_skip()
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    with postgres_database() as url:
        (secrets / "samskapa_database_url").write_text(url + "\n")
        (secrets / "SAMSKAPA_BROKER_URL").write_text(redis)
        without = samskapa(tmp_path, "check", SAMSKAPA_SECRETS_DIR=str(secrets))
        one_line(without, Exit.CONFIG, "SAMSKAPA_SECRET")
        (secrets / "samskapa_secret").write_text("a-long-random-secret-from-a-file\n")
        result = samskapa(tmp_path, "check", SAMSKAPA_SECRETS_DIR=str(secrets))
        assert result.returncode == Exit.OK, result.stderr
        assert "database postgresql+asyncpg://" in result.stdout
        assert "broker redis://: ok" in result.stdout


def test_a_secret_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if k.startswith("SAMSKAPA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samskapa_secret").write_text("from-the-file\n")
    monkeypatch.setenv("SAMSKAPA_SECRETS_DIR", str(tmp_path))
    assert Settings().secret == "from-the-file"
    monkeypatch.setenv("SAMSKAPA_SECRET", "from-the-environment")
    assert Settings().secret == "from-the-environment"


def test_no_secrets_folder_no_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMSKAPA_SECRETS_DIR", str(tmp_path / "absent"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Settings()


def test_logging_comes_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SAMSKAPA_LOG_FORMAT=JSON\nSAMSKAPA_LOG_LEVEL=warning\n")
    monkeypatch.delenv("SAMSKAPA_LOG_FORMAT", raising=False)
    monkeypatch.delenv("SAMSKAPA_LOG_LEVEL", raising=False)
    settings = Settings()
    assert (settings.log_format, settings.log_level) == ("json", "warning")


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Several processes")]
    missing = [name for name in Settings.model_fields if f"`SAMSKAPA_{name.upper()}`" not in table]
    assert missing == []


def test_serve_raises_its_open_files_limit_and_says_when_it_is_too_low(tmp_path: Path) -> None:
    """Started with the soft limit many services get (1,024), `serve` raises it
    to the hard limit, since every websocket is an open file; and it warns when
    even that is below what SAMSKAPA_MAX_CONNECTIONS allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard <= 1024 or hard == resource.RLIM_INFINITY:
        pytest.skip(f"the hard open-files limit ({hard}) leaves nothing to raise")
    server = ServerProcess(
        f"sqlite+aiosqlite:///{(tmp_path / 'samskapa.db').as_posix()}",
        tmp_path / "data",
        env={"SAMSKAPA_MAX_CONNECTIONS": str(hard)},  # needs hard + 100
    )
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))  # inherited by the server
    try:
        server.start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        assert server.proc is not None and server.log_path is not None
        limits = Path(f"/proc/{server.proc.pid}/limits").read_text()
        (line,) = [x for x in limits.splitlines() if x.startswith("Max open files")]
        assert line.split()[3:5] == [str(hard), str(hard)]
        assert "SAMSKAPA_MAX_CONNECTIONS" in server.log_path.read_text()
    finally:
        server.stop()
