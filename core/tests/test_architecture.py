"""The house rules that a linter of its own does not check (the layers: `lint-imports`, .importlinter)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "analytics", "monetization", "game", "retention", "dating", "compliance", "baolife")
# Imports inside a function that Django or Celery require: an AppConfig.ready() registering system
# checks, and the Celery app reading the job table once Django's settings are loaded.
ALLOWED = {
    ("core/apps.py", "ready"),
    ("monetization/apps.py", "ready"),
    ("dating/apps.py", "ready"),
    ("baolife/celery.py", "_schedule"),
}


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


def _imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_selectors_never_import_services():
    """Selectors are reads other apps call; a service behind one would let a read write, or loop back."""
    offenders = [
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for app in APPS
        for path in [ROOT / app / "selectors.py"]
        if path.exists()
        for name in _imports_of(path)
        if ".services" in f".{name}" or name.endswith(".services")
    ]
    assert offenders == []


def test_the_wire_shapes_are_built_in_one_module():
    """A protocol object's fields are written once (game/wire.py); services return domain results."""
    shaped = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or relative == "game/wire.py":
                continue
            text = path.read_text()
            for wire_type in ('"questionEvent"', '"messageEvent"', '"conversationEvent"', '"personObject"'):
                if wire_type in text:
                    shaped.append(f"{relative}: {wire_type}")
    assert shaped == []
