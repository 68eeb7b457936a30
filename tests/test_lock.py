"""The lock (requirements/*.txt) covers pyproject.toml, so a fresh install never resolves.

scripts/venv installs the locks with --require-hashes and then the project with
--no-deps: a dependency added to pyproject.toml but not to the locks would only fail
on a fresh machine. These checks make it fail here first.
"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.MULTILINE)


def _pins(name: str) -> dict[str, Version]:
    text = (ROOT / "requirements" / name).read_text()
    return {canonicalize_name(n): Version(v) for n, v in PIN.findall(text)}


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    return [Requirement(r) for r in [*listed, *build]]


def _check(lock: dict[str, Version], wanted: list[Requirement]) -> list[str]:
    problems = []
    for req in wanted:
        pinned = lock.get(canonicalize_name(req.name))
        if pinned is None:
            problems.append(f"{req.name} is not in the lock")
        elif not req.specifier.contains(pinned, prereleases=True):
            problems.append(f"{req.name}=={pinned} does not satisfy {req.specifier}")
    return problems


def test_runtime_lock_covers_the_runtime_dependencies() -> None:
    assert _check(_pins("runtime.txt"), _declared(None)) == []


def test_dev_lock_covers_runtime_and_dev_dependencies() -> None:
    assert _check(_pins("dev.txt"), _declared(None) + _declared("dev")) == []


def test_runtime_and_dev_locks_agree() -> None:
    runtime, dev = _pins("runtime.txt"), _pins("dev.txt")
    assert {n: v for n, v in runtime.items() if dev.get(n) != v} == {}


def test_every_pin_carries_hashes() -> None:
    for name in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        unhashed = [b.split()[0] for b in blocks if "==" in b and "--hash=sha256:" not in b]
        assert unhashed == [], name
