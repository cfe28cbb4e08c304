"""The layer contracts (pyproject.toml, [tool.importlinter]) hold on this tree, and `lint-imports`
fails on an import that breaks one: the check .ci/run runs before the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["meidu", "marketplace", "magnesium_exchange", "logistics", "storefront", "incubator"]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
            "--config",
            str(tree / "pyproject.toml"),
            "--no-cache",
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    """The project's packages and pyproject.toml, copied so that a test may break them."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale", "*.mo", "*.po"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_this_tree():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n\ndef _sneaked_in():\n    {line}\n")


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # meidu.core asking accounts directly, as graphql/auth.py once did (a function-local import counts too).
        (
            "meidu.core.graphql.auth",
            "from meidu.accounts.services import user_from_access_token",
            "meidu.core imports no domain",
        ),
        # The exchange reaching into the marketplace, as members/credit_code.py once did.
        (
            "magnesium_exchange.members.credit_code",
            "from marketplace.shops.identity import is_valid_credit_code",
            "The exchange and the marketplace share only meidu.core and accounts",
        ),
        # Payments calling up into checkout instead of through its payment_source hook.
        (
            "marketplace.payments.services.common",
            "from marketplace.checkout.selectors import checkout_payment_source",
            "Marketplace domains in one direction",
        ),
        # Orders calling settlement instead of firing order_changed.
        (
            "marketplace.orders.events",
            "from marketplace.settlement.services.sync import settlement_order_sync_soon",
            "Marketplace domains in one direction",
        ),
        # A model importing its app's services.
        (
            "marketplace.orders.models",
            "from marketplace.orders.services.lifecycle import order_cancel",
            "Inside every app",
        ),
        # A service importing a page.
        ("marketplace.orders.services.lifecycle", "import storefront.seller.views", "No service, selector"),
    ],
)
def test_an_import_that_breaks_a_layer_fails(tree_copy, module, line, contract):
    _add_import(tree_copy, module, line)
    result = _lint_imports(tree_copy)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
    imported = line.split()[1]
    assert f"{module} -> {imported}" in " ".join(broken.split())
