"""The browser's prediction of a note's place (frontend/js/core/placement.js) gives
the server's answer (domain/placement.py) on random scenes."""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from samskapa.domain.placement import frame_grid, free_place, loose_grid
from samskapa.domain.state import Frame, Note

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import { freePlace, frameGrid, looseGrid } from './frontend/js/core/placement.js';
let data = '';
process.stdin.on('data', (c) => (data += c));
process.stdin.on('end', () => {
  const out = JSON.parse(data).map(({ frame, frames, notes }) =>
    freePlace(frame ? frameGrid(frame) : looseGrid(frames), notes));
  process.stdout.write(JSON.stringify(out));
});
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_predicts_the_servers_place() -> None:
    rng = random.Random(5)
    scenes = []
    expected = []
    for i in range(150):
        frame = Frame(
            id="f",
            title="",
            prompt="",
            x=rng.uniform(-500, 500),
            y=rng.uniform(-500, 500),
            w=rng.choice([40.0, 300.0, rng.uniform(40, 3000)]),
            h=rng.choice([40.0, 250.0, rng.uniform(40, 2000)]),
        )
        notes = [
            Note(
                id=f"n{k}",
                text="",
                x=rng.uniform(frame.x - 200, frame.x + frame.w),
                y=rng.uniform(frame.y - 150, frame.y + frame.h),
                color="yellow",
                kind="idea",
                frame_id=None,
                author="a",
                origin="participant",
            )
            for k in range(rng.randint(0, 40))
        ]
        loose = i % 5 == 0
        grid = loose_grid([frame]) if loose else frame_grid(frame)
        expected.append(list(free_place(grid, notes)))
        scenes.append(
            {
                "frame": None if loose else frame.model_dump(),
                "frames": {"f": frame.model_dump()},
                "notes": [{"x": n.x, "y": n.y} for n in notes],
            }
        )
    run = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT],
        input=json.dumps(scenes),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    got = [c for p in json.loads(run.stdout) for c in (p["x"], p["y"])]
    assert got == pytest.approx([c for place in expected for c in place])
