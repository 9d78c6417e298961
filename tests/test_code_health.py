"""Guard rails for the product code (portal/, signup/, localcognito/): no function longer than 40 lines, nothing
rated D or worse by radon's cyclomatic complexity. Migrations are generated code and do not count."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "signup", "localcognito")
MAX_LINES = 40


def product_files() -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts
    )


def functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the `def` to the last statement, without the docstring."""
    first = function.body[0]
    docstring = (
        isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    )
    start = function.body[1].lineno if docstring and len(function.body) > 1 else function.lineno
    return (function.end_lineno or function.lineno) - start + 1


@pytest.mark.parametrize("path", product_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_product_function_is_longer_than_forty_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    too_long = [f"{f.name} ({body_lines(f)} lines)" for f in functions(tree) if body_lines(f) > MAX_LINES]
    assert too_long == []


@pytest.mark.parametrize("path", product_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_nothing_in_product_code_is_rated_d_or_worse(path):
    blocks = cc_visit(path.read_text(encoding="utf-8"))
    complex_ = [f"{block.name} ({cc_rank(block.complexity)}, {block.complexity})" for block in blocks]
    assert [entry for entry in complex_ if entry.split("(")[1][0] in "DEF"] == []


BOTO_MODULES = {"signup/cognito.py"}


def imported_modules(tree: ast.AST) -> set[str]:
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_only_the_cognito_gateway_imports_boto3_or_botocore():
    # localcognito/ is the development emulator, outside the product's request path.
    importers = {
        path.relative_to(ROOT).as_posix()
        for path in product_files()
        if "localcognito" not in path.parts
        and any(name.split(".")[0] in {"boto3", "botocore"} for name in imported_modules(ast.parse(path.read_text())))
    }
    assert importers == BOTO_MODULES


def module_map() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Where the code lives")
    return readme[start : readme.index("\n## ", start + 1)]


@pytest.mark.parametrize(
    "path",
    [path for path in product_files() if path.name != "__init__.py" and "localcognito" not in path.parts],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_the_readme_module_map_names_every_product_module(path):
    """A newcomer finds each module's one job in the README; localcognito/ is described as a whole."""
    assert f"`{path.relative_to(ROOT).as_posix()}`" in module_map()


def test_every_module_the_readme_names_exists():
    named = re.findall(r"`((?:portal|signup|localcognito|bench|templates|static|tests)/[^`]*)`", module_map())
    assert [name for name in named if not (ROOT / name).exists()] == []
