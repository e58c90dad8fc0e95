"""The suite's own layout (docs/development.md): a test module sits where the code it
tests sits, and no test module imports another (what two of them need is in
tests/helpers.py, or a fixture in a conftest.py)."""

import ast
from pathlib import Path

from tests.helpers import ROOT

TESTS = ROOT / "tests"
# Folders for what crosses ats/ or surrounds it, and so mirrors no one module.
OWN_FOLDERS = {"properties", "integration", "e2e"}


def mirrored(path: Path) -> bool:
    """Whether ats/ has a module or a package at this path."""
    code = ROOT / "ats" / path
    return code.is_dir() or code.with_suffix(".py").is_file()


def imported(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names += [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    found = [
        f"{path.relative_to(TESTS)}: {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in imported(path)
        if name.rpartition(".")[2].startswith("test_") or name.rpartition(".")[2] == "conftest"
    ]
    assert found == []


def test_every_test_module_mirrors_a_module_of_ats_or_sits_in_a_folder_of_its_own():
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        place = path.relative_to(TESTS).parent
        if place == Path("."):
            if not mirrored(Path(path.stem.removeprefix("test_"))):
                found.append(str(path.relative_to(TESTS)))
        elif place.parts[0] not in OWN_FOLDERS and not mirrored(place):
            found.append(str(path.relative_to(TESTS)))
    assert found == []
