"""The import rules of docs/architecture.md, checked on the source itself (no import is executed).

- ``handlers`` never imports ``storage``: a handler calls a service in ``bot``.
- ``prompts`` and ``storage`` import nothing from ``bot`` or ``handlers``; ``prompts`` nothing from ``storage``.
- ``bot`` imports ``handlers`` only where the app is assembled (``bot.runtime.app``).
- No SQL outside ``storage``: ``bot``, ``handlers`` and ``prompts`` import nothing from SQLAlchemy or SQLModel, except
  the session type ``bot`` passes around.
- No cycles between modules (imports at module level; ``if TYPE_CHECKING:`` blocks and imports inside functions
  are not module-level).
- No module-level mutable state: state lives in objects the app owns (``bot.runtime.state``).
- ``docs/architecture.md`` names every module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "prompts", "storage")
SQL_LIBRARIES = ("sqlalchemy", "sqlmodel")
SQL_ALLOWED_IN_BOT = ("sqlmodel.ext.asyncio.session",)  # the session type services pass to storage


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        return self.name.split(".")[0]


def _modules() -> list[Module]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append(Module(".".join(parts), path, ast.parse(path.read_text(), filename=str(path))))
    return found


MODULES = _modules()
NAMES = {module.name for module in MODULES}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at import time (into try/if blocks, not into functions, classes or TYPE_CHECKING)."""
    for node in body:
        yield node
        if isinstance(node, ast.If) and not _is_type_checking(node):
            yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                yield from _module_level(block)


def _imports(module: Module, *, everywhere: bool) -> Iterator[str]:
    """Dotted names a module imports: ``from a.b import c`` gives ``a.b.c`` when that is a module, else ``a.b``."""
    nodes = ast.walk(module.tree) if everywhere else _module_level(module.tree.body)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in NAMES else node.module


def _breaks(rule: str, module: Module, imported: str) -> bool:
    top = imported.split(".")[0]
    if rule == "handlers-storage":
        return module.package == "handlers" and top == "storage"
    if rule == "pure-layers":
        forbidden = {"prompts": ("bot", "handlers", "storage"), "storage": ("bot", "handlers")}
        return top in forbidden.get(module.package, ())
    if rule == "bot-handlers":
        return module.package == "bot" and top == "handlers" and module.name != "bot.runtime.app"
    if rule == "sql":
        allowed = module.package == "bot" and imported.startswith(SQL_ALLOWED_IN_BOT)
        return module.package != "storage" and top in SQL_LIBRARIES and not allowed
    raise AssertionError(rule)


def _violations(rule: str) -> list[str]:
    return [
        f"{module.name} imports {imported}"
        for module in MODULES
        for imported in _imports(module, everywhere=True)
        if _breaks(rule, module, imported)
    ]


@pytest.mark.parametrize("rule", ["handlers-storage", "pure-layers", "bot-handlers", "sql"])
def test_import_rule(rule: str) -> None:
    bad = _violations(rule)
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    graph = {m.name: {n for n in _imports(m, everywhere=False) if n in NAMES and n != m.name} for m in MODULES}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert not cycles, "\n".join(" -> ".join(cycle) for cycle in cycles)


ALLOWED_MODULE_NAMES = {"logger", "__all__"}


def _mutable_globals(module: Module) -> Iterator[str]:
    for node in module.tree.body:
        if isinstance(node, ast.Global):
            yield f"{module.name}: global statement"
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if not isinstance(target, ast.Name) or target.id in ALLOWED_MODULE_NAMES:
                continue
            if target.id.upper() == target.id:  # a constant by convention (never mutated: see the check below)
                continue
            if isinstance(value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp):
                yield f"{module.name}.{target.id}: module-level {type(value).__name__}"
            elif isinstance(value, ast.Call) and not _harmless_call(value):
                yield f"{module.name}.{target.id}: module-level instance ({ast.unparse(value.func)})"
    for call in ast.walk(module.tree):  # nothing writes into a module constant
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            owner = call.func.value
            if (
                isinstance(owner, ast.Name)
                and owner.id.upper() == owner.id
                and owner.id.strip("_")
                and call.func.attr in {"append", "add", "update", "clear", "pop", "setdefault", "extend", "remove"}
            ):
                yield f"{module.name}: {owner.id}.{call.func.attr}(…) mutates a module constant"


def _harmless_call(call: ast.Call) -> bool:
    name = ast.unparse(call.func)
    return name in {"logging.getLogger", "TypeVar", "typing.TypeVar", "NewType", "ParamSpec", "frozenset", "tuple"}


def test_no_module_level_mutable_state() -> None:
    found = [line for module in MODULES for line in _mutable_globals(module)]
    assert not found, "\n".join(found)


def _mapped_modules() -> set[str]:
    """The modules docs/architecture.md lists: the first column of the tables under each ``### `package/` `` heading."""
    mapped: set[str] = set()
    package = None
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        if line.startswith("### "):
            heading = line[4:].strip().strip("`").rstrip("/")
            package = heading if heading in PACKAGES else None
        elif package and line.startswith("| `"):
            path = line.split("`")[1]
            mapped.add(f"{package}/{path}")
        elif line.startswith("## "):
            package = None
    return mapped


def test_the_architecture_map_is_true() -> None:
    """Every module is on the map (docs/architecture.md), and everything on the map exists."""
    modules = {str(m.path.relative_to(ROOT)) for m in MODULES if m.path.name != "__init__.py"}
    mapped = _mapped_modules()
    assert not modules - mapped, f"missing from docs/architecture.md: {sorted(modules - mapped)}"
    assert not mapped - modules, f"docs/architecture.md names modules that do not exist: {sorted(mapped - modules)}"
