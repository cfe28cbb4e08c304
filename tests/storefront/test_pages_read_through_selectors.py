"""The pages read through the domains' selectors: no module of storefront/ touches a model's manager.

The scan reads every storefront/**/*.py with the ast module and fails on
* any ``.objects``, ``._default_manager`` or ``._base_manager`` attribute,
* any other manager of a model class imported into the module (``Model.<manager name>``),
* a model class handed to ``get_object_or_404`` / ``get_list_or_404`` (they read through its manager).
A page that needs a read calls the owning app's selector (``entity_list`` / ``entity_get``), which may
shape a queryset the page narrows further. Nothing is allowed here: add a selector instead.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.db import models

ROOT = Path(__file__).resolve().parents[2]
STOREFRONT = ROOT / "storefront"
MANAGER_ATTRIBUTES = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
# (file relative to the repository, line): why it may stay. Empty, and meant to stay so.
ALLOWED: dict[tuple[str, int], str] = {}


def _model_names(tree: ast.Module, module_name: str) -> dict[str, set[str]]:
    """{local name: manager names} of the model classes the module imports by name."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        source = node.module
        if node.level:
            package = module_name.rsplit(".", node.level)[0]
            source = f"{package}.{node.module}" if node.module else package
        try:
            module = importlib.import_module(source)
        except ImportError:
            continue
        for alias in node.names:
            value = getattr(module, alias.name, None)
            if isinstance(value, type) and issubclass(value, models.Model):
                found[alias.asname or alias.name] = {manager.name for manager in value._meta.managers}
    return found


def manager_reads(source: str, module_name: str) -> list[tuple[int, str]]:
    """(line, what) of every manager read in ``source``."""
    tree = ast.parse(source)
    model_names = _model_names(tree, module_name)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGER_ATTRIBUTES:
                problems.append((node.lineno, f".{node.attr}"))
            elif isinstance(node.value, ast.Name) and node.attr in model_names.get(node.value.id, ()):
                problems.append((node.lineno, f"{node.value.id}.{node.attr} (a manager)"))
        elif isinstance(node, ast.Call) and node.args:
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            first = node.args[0]
            if name in SHORTCUTS and isinstance(first, ast.Name) and first.id in model_names:
                problems.append((node.lineno, f"{name}({first.id}, ...)"))
    return problems


def _storefront_modules():
    for path in sorted(STOREFRONT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        yield relative, ".".join(relative.with_suffix("").parts)


def test_the_scan_finds_each_kind_of_manager_read():
    source = (
        "from django.shortcuts import get_object_or_404\n"
        "from marketplace.catalog.models import Product\n"
        "from magnesium_exchange.financing.models import Loan\n"
        "a = Product.objects.filter(pk=1)\n"
        "b = Loan._default_manager.all()\n"
        "c = something._base_manager\n"
        "d = get_object_or_404(Product, pk=1)\n"
        "e = Product.objects\n"
        "f = selector_list().filter(pk=1)\n"
    )
    found = manager_reads(source, "storefront.example")
    assert sorted(found) == [
        (4, ".objects"),
        (5, "._default_manager"),
        (6, "._base_manager"),
        (7, "get_object_or_404(Product, ...)"),
        (8, ".objects"),
    ]


def test_the_scan_knows_the_managers_of_imported_models_under_any_name():
    source = (
        "from marketplace.catalog.models import Product as P, WeightUnit\n"
        "from .models import Category\n"
        "from marketplace.catalog.selectors import product_type_list\n"
    )
    names = _model_names(ast.parse(source), "marketplace.catalog.example")
    assert names == {"P": {"objects"}, "Category": {"objects"}}  # choices and functions are not models


def test_the_scan_reads_every_page_module():
    modules = [name for _path, name in _storefront_modules()]
    assert "storefront.bank.views" in modules
    assert "storefront.shop.buying.cart" in modules
    assert len(modules) > 40


def test_no_page_reads_a_model_manager():
    problems = []
    for path, module_name in _storefront_modules():
        for line, what in manager_reads(path.read_text(encoding="utf-8"), module_name):
            if (str(path), line) not in ALLOWED:
                problems.append(f"{path}:{line}: {what}")
    assert problems == [], "pages read through the owning app's selectors:\n" + "\n".join(problems)


def test_every_allowed_exception_is_still_needed_and_says_why():
    for (path, line), reason in ALLOWED.items():
        assert reason.strip(), f"{path}:{line} needs a reason"
        module_name = ".".join(Path(path).with_suffix("").parts)
        source = (ROOT / path).read_text(encoding="utf-8")
        found = {found_line for found_line, _what in manager_reads(source, module_name)}
        assert line in found, f"{path}:{line} no longer reads a manager: drop it from ALLOWED"
