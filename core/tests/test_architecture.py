"""The house rules that a linter of its own does not check (the layers: `lint-imports`, .importlinter)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "analytics", "monetization", "game", "retention", "dating", "compliance", "baolife")
# Imports inside a function that Django or Celery require: an AppConfig.ready() registering system
# checks, and the Celery app reading the job table once Django's settings are loaded.
ALLOWED = {("core/apps.py", "ready"), ("monetization/apps.py", "ready"), ("baolife/celery.py", "_schedule")}


def _function_level_imports() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(), filename=relative)
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Import | ast.ImportFrom) and (relative, function.name) not in ALLOWED:
                        found.append(f"{relative}:{node.lineno} in {function.name}()")
    return found


def test_no_import_hides_inside_a_function():
    """An import inside a function usually dodges a cycle between apps; the layers forbid the cycle."""
    assert _function_level_imports() == []
