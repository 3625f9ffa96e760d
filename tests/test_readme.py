"""The README's Python example runs as written and prints what it promises."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from ledger.settings import Settings

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


def test_every_test_the_guarantees_section_cites_exists() -> None:
    """A promise is only as good as its test: a renamed or deleted test must fail here."""
    section = README.read_text().split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    cited = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
    assert len(cited) >= 8
    root = README.parent
    for path, name in cited:
        tree = ast.parse((root / path).read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in defined, f"README cites {path}::{name}, which does not exist"


def test_the_configuration_table_lists_every_setting() -> None:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {name.lower() for name in re.findall(r"`LEDGER_([A-Z_]+)`", section)}
    internal = {"create_tables"}  # tests only: Alembic owns the schema otherwise
    assert documented == set(Settings.model_fields) - internal


def test_the_readme_and_the_makefile_agree_on_how_long_the_benchmarks_take() -> None:
    comments = (line.lstrip("#").strip() for line in
                (README.parent / "Makefile").read_text().splitlines())
    timings = re.search(r"\(~(\d+) min once the large logs are cached.*?~(\d+) min when they "
                        r"must be written\).*?small ones \(~([\d-]+) min\)", " ".join(comments))
    assert timings is not None, "the Makefile no longer says how long the benchmarks take"
    cached, written, quick = timings.groups()
    readme = " ".join(README.read_text().split())
    assert f"`make bench` (about {cached} minutes once its logs are cached; about {written} " \
           "when" in readme
    assert f"`make bench-quick` (about {quick} minutes)" in readme
