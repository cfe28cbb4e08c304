"""The SQL toolkit (meidu.core.sql) leans on Django internals that are not public API. It was read
against one Django feature release; on another, this test fails so that someone re-reads the
internals each module's docstring lists (compiled, bulk, batch, locks), runs tests/meidu/core/sql and
the checkout and exchange suites, and only then moves `DJANGO_CHECKED`."""

import django

from meidu.core.sql import DJANGO_CHECKED


def test_django_is_the_release_the_sql_toolkit_was_checked_against():
    assert django.VERSION[:2] == DJANGO_CHECKED, (
        f"Django {django.get_version()} is installed, but meidu.core.sql was checked against Django "
        f"{'.'.join(map(str, DJANGO_CHECKED))}: re-read the private internals listed in the docstrings of "
        "meidu/core/sql/{compiled,bulk,batch,locks}.py against this release, run tests/meidu/core/sql, "
        "tests/marketplace/checkout and tests/magnesium_exchange/trading, then update DJANGO_CHECKED"
    )
