"""Domain versions: a bump moves a version after commit only, and a lost version restarts past old ones."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from meidu.core import cache_versions
from meidu.core.cache_versions import CATALOG, STOCK, bump, versions

pytestmark = pytest.mark.django_db


def test_versions_are_stable_and_sorted_until_a_bump(django_capture_on_commit_callbacks):
    first = versions([STOCK, CATALOG])
    assert first == versions([CATALOG, STOCK, CATALOG])
    assert len(first.split(".")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        bump(STOCK)
    after = versions([CATALOG, STOCK])
    assert after.split(".")[0] == first.split(".")[0]  # catalog unchanged
    assert after.split(".")[1] != first.split(".")[1]
    assert versions([]) == ""


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_bump_is_at_once():
    before = versions([STOCK])
    bump(STOCK)
    assert versions([STOCK]) != before


@pytest.mark.django_db(transaction=True)
def test_a_bump_waits_for_the_commit_and_is_dropped_on_rollback():
    before = versions([CATALOG])
    with transaction.atomic():
        bump(CATALOG)
        assert versions([CATALOG]) == before  # readers inside or outside see the old version until commit
    committed = versions([CATALOG])
    assert committed != before

    with pytest.raises(RuntimeError), transaction.atomic():
        bump(CATALOG)
        raise RuntimeError("rolled back")
    assert versions([CATALOG]) == committed


def test_an_evicted_version_restarts_past_every_earlier_value(django_capture_on_commit_callbacks):
    before = versions([CATALOG])
    with django_capture_on_commit_callbacks(execute=True):
        bump(CATALOG)
    bumped = versions([CATALOG])
    cache.delete(cache_versions.KEY_PREFIX + CATALOG)  # Redis evicted it, or the process restarted
    restarted = versions([CATALOG])
    assert restarted not in (before, bumped)
    assert int(restarted, 16) > int(bumped, 16)


def test_bumping_a_missing_version_starts_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bump(STOCK)
    assert versions([STOCK]) != "0"
