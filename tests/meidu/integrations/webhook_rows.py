"""A webhook row written straight to the table, for tests whose target the service refuses on purpose
(a loopback receiver) or that need no audit row. It bypasses webhook_create, so it does what that
service does for the cached subscription list: subscriptions_forget (there is no signal doing it)."""

from meidu.integrations.models import Webhook
from meidu.integrations.subscriptions import subscriptions_forget


def webhook_row_insert(**fields) -> Webhook:
    webhook = Webhook.objects.create(**fields)
    subscriptions_forget()
    return webhook
