"""The pure domain core: commands, events, state, `decide` and `apply`.

Nothing in this package may import FastAPI, SQLAlchemy, asyncio or any I/O;
`tests/domain/test_boundary.py` enforces it. REST, websockets, the event store
and replay are adapters over `decide` and `apply`.
"""
