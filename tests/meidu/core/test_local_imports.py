"""An import tucked inside a function to dodge a cycle is a cycle (ARCHITECTURE.md): a function-local
import of another app is allowed only where ALLOWED names its module and says why. The import
contracts (pyproject.toml) check the direction of these imports too; this keeps them from hiding."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("meidu", "marketplace", "magnesium_exchange", "logistics", "storefront", "incubator")

ALLOWED = {
    "meidu.cli": "the command line starts before Django is configured; each command imports after django.setup()",
    "meidu.wiring": "connect() runs from WiringConfig.ready(), after the app registry is loaded",
    "magnesium_exchange.warehouses.apps": "AppConfig.ready() publishes the seal keys once the registry is loaded",
    "meidu.runtime.safety": "wsgi/asgi import it before the app registry is ready; the payment gateways (their "
    "models) are asked only when the check runs, after setup",
    "meidu.runtime.scheduler": "the Celery app configures itself from Django's settings when first imported",
    "meidu.accounts.api": "Saleor's me { orders checkoutIds }: listed in the import contract 'project' (to untie)",
}


def _app(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in PACKAGES else parts[0]


def local_imports_between_apps(root: Path = ROOT) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        targets = [node.module]
                    elif isinstance(node, ast.Import):
                        targets = [alias.name for alias in node.names]
                    else:
                        continue
                    for target in targets:
                        if target.split(".")[0] in PACKAGES and _app(target) != _app(module):
                            found.setdefault(module, []).append(f"{path.relative_to(root)}:{node.lineno} {target}")
    return found


def test_function_local_imports_between_apps_are_listed_with_a_reason():
    found = local_imports_between_apps()
    unlisted = {module: where for module, where in found.items() if module not in ALLOWED}
    assert not unlisted, f"import at the top of the module, or list it in ALLOWED with the reason: {unlisted}"
    stale = sorted(set(ALLOWED) - set(found))
    assert not stale, f"ALLOWED names modules without such an import any more: {stale}"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_scan_sees_a_function_local_import(tmp_path):
    package = tmp_path / "marketplace" / "orders"
    package.mkdir(parents=True)
    (package / "events.py").write_text("def sync():\n    from marketplace.settlement.services import x\n")
    (package / "state.py").write_text("def f():\n    from marketplace.orders.models import Order\n")  # same app
    assert local_imports_between_apps(tmp_path) == {
        "marketplace.orders.events": ["marketplace/orders/events.py:2 marketplace.settlement.services"]
    }
