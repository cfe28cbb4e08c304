"""Fixtures for the storefront page tests: a clean cache (login throttling lives there) and users."""

import pytest
from django.core.cache import cache

from logistics.geography.services import geography_load_county
from meidu.accounts.services import account_register, user_roles_set

PASSWORD = "Meidu-Pass-2024"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def county(db):
    return geography_load_county()


@pytest.fixture
def make_user(db):
    """Register through the account service, then give the roles asked for."""

    def make(phone="13800138000", roles=("buyer",), **kwargs):
        user = account_register(phone=phone, password=PASSWORD, **kwargs)
        if list(roles) != ["buyer"]:
            user_roles_set(user, list(roles))
        return user

    return make


@pytest.fixture
def buyer(make_user):
    return make_user(phone="13800138000", first_name="小明", last_name="王")
