"""Arrows point one way: the layers of docs/architecture.md, checked on the imports.

Every import in app/ is read (also those inside functions), so a rule broken in a late
import fails here as well.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"


def _module(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in APP.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[_module(path)] = {n for n in names if n.startswith("app")}
    return found


IMPORTS = _imports()


def _offenders(importer, imported) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in IMPORTS.items()
        if importer(module)
        for name in names
        if imported(name)
    )


def _kind(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def test_models_import_no_services_routes_or_forms():
    lower = {"services", "routes", "forms", "queries", "loading"}
    found = _offenders(
        lambda m: _kind(m) == "models",
        lambda n: any(part in lower or part.endswith("_routes") for part in n.split(".")[1:]),
    )
    assert found == []


def test_the_policy_imports_no_routes_or_services():
    found = _offenders(
        lambda m: m == "app.policy",
        lambda n: any(p in {"routes", "services"} or p.endswith("_routes") for p in n.split(".")),
    )
    assert found == []


def test_no_area_reaches_into_another_areas_routes():
    def is_routes(name: str) -> bool:
        return _kind(name) == "routes" or _kind(name).endswith("_routes")

    found = _offenders(
        lambda m: True,
        lambda n: is_routes(n) and n.count(".") >= 2,
    )

    # Within an area, route modules are one layer (the blueprint registers them, one page may
    # answer with another's). Across areas nothing reaches into routes: loaders live in
    # loading.py, page helpers beside them.
    def area(module: str) -> str:
        return ".".join(module.split(".")[:2])

    across = [f for f in found if area(f.split(" imports ")[0]) != area(f.split(" imports ")[1])]
    assert across == []


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("app.consultations", "app.compilations"),
        ("app.consultations", "app.outcomes"),
        ("app.organizations", "app.submissions"),
        ("app.auth", "app.demo"),
    ],
)
def test_a_lower_area_never_imports_a_higher_one(lower, higher):
    found = _offenders(lambda m: m.startswith(lower), lambda n: n.startswith(higher))
    assert found == []


def test_demo_data_is_used_only_by_the_command_line():
    found = _offenders(
        lambda m: not m.startswith("app.demo") and m != "app.cli",
        lambda n: n.startswith("app.demo"),
    )
    assert found == []
