import pytest

from meidu.accounts.roles import Role
from tests.marketplace.factories import catalogue_basics, channels, open_shop
from tests.support.graphql import GraphQLClient, token_for


@pytest.fixture
def channel_pair(db):
    return channels()


@pytest.fixture
def rural(channel_pair):
    return channel_pair[1]


@pytest.fixture
def basics(db):
    return catalogue_basics()


@pytest.fixture
def farmer(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def farmer_shop(farmer, channel_pair):
    return open_shop(farmer)


@pytest.fixture
def rival(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def rival_shop(rival, channel_pair):
    return open_shop(rival)


@pytest.fixture
def farmer_client(farmer, farmer_shop):
    return GraphQLClient(token_for(farmer))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path
