"""The core's areas stay visible: each area is a package with a docstring saying what it owns
and what it may import, and its imports fall one way (an area imports only the areas below it,
never one above, so no area can grow a back door into another)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"

# each area and the areas it may import; "top" is core's own modules and commands/
BELOW: dict[str, set[str]] = {
    "base": set(),
    "interface": {"base"},
    "store": {"base", "interface"},
    "quotes": {"base", "interface", "store"},
    "ledger": {"base", "interface", "store", "quotes"},
    "reads": {"base", "interface", "store", "quotes", "ledger"},
}


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in BELOW else "top"


def imported(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "core":
                names += [f"core.{alias.name}" for alias in node.names]
            elif node.module.startswith("core."):
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names if a.name.startswith("core.")]
    return names


@pytest.mark.parametrize("name", sorted(BELOW))
def test_each_area_says_what_it_owns_and_may_import(name: str) -> None:
    doc = ast.get_docstring(ast.parse((CORE / name / "__init__.py").read_text(encoding="utf-8")))
    assert doc, f"core/{name}/__init__.py has no docstring"
    if name != "base":
        assert "import" in doc, f"core/{name}/__init__.py does not say what it may import"


def test_imports_fall_one_way() -> None:
    wrong = []
    for path in sorted(CORE.rglob("*.py")):
        module = ".".join(path.relative_to(CORE.parent).with_suffix("").parts)
        here = area(module)
        if here == "top":
            continue
        for name in imported(path):
            there = area(name)
            if there != here and there not in BELOW[here]:
                wrong.append(f"{path.relative_to(CORE.parent)}: imports {name} ({here} -> {there})")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_way_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from core.reads.balances import PoolView\nimport core.ledger.bids\n")
    names = imported(module)
    assert names == ["core.reads.balances", "core.ledger.bids"]
    assert area(names[0]) not in BELOW["ledger"]
    assert area("core.app") == "top"


def test_no_flat_module_left_but_the_top() -> None:
    flat = sorted(p.name for p in CORE.glob("*.py"))
    assert flat == ["__init__.py", "app.py", "notices.py", "services.py"], flat
