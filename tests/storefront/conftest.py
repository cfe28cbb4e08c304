"""Fixtures for the storefront page tests (the root conftest clears the cache and makes users)."""

import pytest

from logistics.geography.services import geography_load_county
from meidu.accounts.services import account_register
from tests.support.graphql import PASSWORD


@pytest.fixture
def county(db):
    return geography_load_county()


@pytest.fixture
def named_buyer(db):
    """A buyer with a Chinese name and a known mobile number, registered through the service."""
    return account_register(phone="13800138000", password=PASSWORD, first_name="小明", last_name="王")
