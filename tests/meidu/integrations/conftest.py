import pytest

from meidu.core.permissions import AccountPermissions
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.apps import app_create
from meidu.integrations.services.webhooks import webhook_create
from tests.meidu.integrations.receiver import WebhookReceiver


@pytest.fixture
def bank_app(operator):
    app, raw = app_create(name="Bank of Yingkou", permissions=[AccountPermissions.MANAGE_USERS], actor=operator)
    app.raw_token = raw
    return app


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def customer_webhook(bank_app, receiver, operator):
    return webhook_create(
        bank_app, target_url=receiver.url, events=[WebhookEventType.CUSTOMER_CREATED.value], actor=operator
    )
