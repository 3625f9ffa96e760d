"""The README's Python example runs as written and prints what it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs_and_replays_an_earlier_position(tmp_path: Path) -> None:
    example = re.search(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    assert example is not None
    completed = subprocess.run(
        [sys.executable, "-c", example.group(1)], cwd=tmp_path, capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "['project']",
        "['decision', 'dependency', 'project']",
    ]
