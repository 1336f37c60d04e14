"""The engine is pure: no Django, no clock, no network, no salted hash()."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = {
    "django",
    "time",
    "datetime",
    "socket",
    "urllib",
    "requests",
    "http",
    "asyncio",
    "threading",
    "os",
    "yaml",
    "pathlib",
    "io",
    "shutil",  # the engine takes parsed content: no file is read in it
}


def test_engine_imports_without_django_or_a_file_reader():
    code = (
        "import sys, game.engine; assert 'django' not in sys.modules and 'yaml' not in sys.modules;"
        "from game.content_files import load_content; load_content(); assert 'django' not in sys.modules"
    )
    root = ENGINE.parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_engine_source_has_no_forbidden_imports_or_hash_calls():
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                names = []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "hash", f"{path.name} calls hash(): salted per process"
