"""The domain core stays pure: no web, database, asyncio or websocket imports."""

import ast
from pathlib import Path

import samskapa.domain

FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "asyncio", "websockets", "uvicorn", "redis")


def test_domain_imports_no_io() -> None:
    root = Path(samskapa.domain.__file__).parent
    offenders = []
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
