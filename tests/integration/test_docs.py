"""The docs say what the code is: docs/architecture.md's map names every module of ats/
and its floors are those the imports keep; docs/configuration.md's table of the app's
settings names every ATS_* setting, and no other; no module of ats/ outgrows 500 lines."""

import ast
import re
from pathlib import Path

from ats.app_settings import DEFAULTS
from tests.helpers import ROOT

ATS = ROOT / "ats"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CONFIGURATION = ROOT / "docs" / "configuration.md"
# The two faces of the app stand side by side: neither imports the other.
SIDE_BY_SIDE = {"views", "api"}


def section(page: Path, heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    text = page.read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def holds_code(init: Path) -> bool:
    """Whether a package's __init__.py holds more than a docstring, imports and __all__."""
    for node in ast.parse(init.read_text()).body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        exports = isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"
        if not (docstring or exports or isinstance(node, ast.Import | ast.ImportFrom)):
            return True
    return False


def python_files() -> list[Path]:
    """Every Python file of ats/, the migrations' too, but its empty __init__.py."""
    return [path for path in sorted(ATS.rglob("*.py")) if path != ATS / "__init__.py"]


def mapped_modules() -> list[str]:
    """The modules the map must name, as paths under ats/: not the migrations, and a
    package's __init__.py only when it holds code (not when it only re-exports or
    imports its modules)."""
    return [
        path.relative_to(ATS).as_posix()
        for path in python_files()
        if "migrations" not in path.parts and (path.name != "__init__.py" or holds_code(path))
    ]


def test_the_map_names_every_module_of_ats():
    the_map = section(ARCHITECTURE, "The map")
    assert [f"`{name}`" for name in mapped_modules() if f"`{name}`" not in the_map] == []


def test_no_module_of_ats_is_over_500_lines():
    """One that grows past it holds more than one use case: split it, and map the part."""
    lengths = {path: len(path.read_text().splitlines()) for path in python_files()}
    too_long = {
        path.relative_to(ATS).as_posix(): length
        for path, length in lengths.items()
        if length > 500 and "migrations" not in path.parts
    }
    assert too_long == {}


def test_every_module_the_architecture_names_is_there():
    named = re.findall(r"`([\w/]+\.py)`", ARCHITECTURE.read_text())
    assert [n for n in named if not (ATS / n).is_file() and not (ROOT / n).is_file()] == []


def floor_entries() -> list[tuple[str, int]]:
    """Each folder or module at the top of ats/, with the floor the architecture puts it on."""
    return [
        (entry.removesuffix("/").removesuffix(".py"), int(number))
        for number, entries in re.findall(
            r"^floor (\d+) +(.+)$", section(ARCHITECTURE, "Layers"), flags=re.MULTILINE
        )
        for entry in entries.split()
    ]


def top(path: Path) -> str:
    """The folder or module at the top of ats/ that holds `path`."""
    return path.relative_to(ATS).parts[0].removesuffix(".py")


def imported_tops(path: Path) -> set[str]:
    """The folders and modules at the top of ats/ that `path` imports from, lazily or not."""
    package = path.relative_to(ROOT).parent.parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names |= {f"{module}.{a.name}" for a in node.names} if module == "ats" else {module}
    return {name.split(".")[1] for name in names if name.startswith("ats.")}


def test_every_folder_and_module_at_the_top_of_ats_is_on_one_floor():
    entries = [entry for entry, _ in floor_entries()]
    assert sorted({top(path) for path in python_files()} ^ set(entries)) == []
    assert sorted(entry for entry in set(entries) if entries.count(entry) > 1) == []


def test_each_module_imports_from_its_own_floor_or_below():
    floor = dict(floor_entries())
    found = [
        f"{path.relative_to(ATS)} imports {name}"
        for path in python_files()
        for name in imported_tops(path)
        if floor[name] > floor[top(path)] or {name, top(path)} == SIDE_BY_SIDE
    ]
    assert found == []


def test_the_settings_table_names_every_ats_setting_and_no_other():
    rows = section(CONFIGURATION, "The app's settings").splitlines()
    first_cells = [row.split("|")[1] for row in rows if row.startswith("| `ATS_")]
    named = {name for cell in first_cells for name in re.findall(r"`(ATS_\w+)`", cell)}
    settings = {f"ATS_{name}" for name in DEFAULTS}
    assert sorted(settings - named) == []
    assert sorted(named - settings) == []
