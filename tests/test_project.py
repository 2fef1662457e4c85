"""Project-wide guards: the README commands, the public names and the core's boundaries."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import k2core
import k2io

ROOT = Path(__file__).resolve().parent.parent

# Modules the pure core must never import: I/O, clocks, randomness, the shell.
FORBIDDEN_IN_CORE = {
    "k2io",
    "urllib3",
    "socket",
    "time",
    "random",
    "secrets",
    "logging",
    "os",
    "http.client",
    "urllib.request",
    "asyncio",
    "threading",
    "subprocess",
}


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme)


def test_readme_has_two_fresh_machine_commands() -> None:
    commands = _readme_commands()

    assert len(commands) >= 2
    assert commands[0].endswith("k2 demo")
    assert "pytest" in commands[1]


def test_ci_runs_readme_test_command() -> None:
    test_command = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()

    assert test_command in ci_lines


def test_ci_starts_from_fresh_environment() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert ci.index("rm -rf .venv") < ci.index(_readme_commands()[1])
    assert "mypy --strict k2core k2io" in ci
    assert "ruff check" in ci


def test_k2core_all_names_exist_once() -> None:
    for name in k2core.__all__:
        assert hasattr(k2core, name), name
    assert len(set(k2core.__all__)) == len(k2core.__all__)


def test_k2io_all_names_exist() -> None:
    for name in k2io.__all__:
        assert hasattr(k2io, name), name


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_io_modules() -> None:
    for path in sorted((ROOT / "k2core").rglob("*.py")):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            assert module not in FORBIDDEN_IN_CORE, f"{path.name} imports {module}"
            assert top not in FORBIDDEN_IN_CORE, f"{path.name} imports {module}"


def test_importing_core_loads_no_shell() -> None:
    code = (
        "import sys, k2core\n"
        "loaded = [m for m in ('k2io', 'urllib3', 'socket') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == ""


def test_package_markers_present() -> None:
    assert (ROOT / "k2core" / "py.typed").exists()
    assert (ROOT / "k2io" / "py.typed").exists()
    assert (ROOT / "docs" / "ARCHITECTURE.md").exists()


def test_importing_shell_defers_http_libraries() -> None:
    code = (
        "import sys, k2io\n"
        "loaded = [m for m in ('urllib3', 'http.client') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
        "k2io.Urllib3Transport\n"
        "print('urllib3' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.splitlines() == ["", "True"]
