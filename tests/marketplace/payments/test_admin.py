"""Operator screens: payment staff see transactions and confirm bank transfers; others do not."""

from decimal import Decimal

from django.test import Client

from marketplace.payments import services
from marketplace.payments.models import TransactionItem
from meidu.accounts.roles import Role

CHANGELIST = "/admin/payments/transactionitem/"


def test_operator_confirms_bank_transfer_in_admin(make_checkout, buyer, operator):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id="meidu.payments.bank_transfer", user=buyer
    ).item
    client = Client()
    client.force_login(operator)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{item.pk}/change/").status_code == 200
    form = {"action": "confirm_bank_transfers", "_selected_action": [item.pk]}
    page = client.post(CHANGELIST, form)
    assert page.status_code == 200 and b"apply" in page.content
    client.post(CHANGELIST, {**form, "apply": "1", "reason": "ABC bank slip 77"})
    item.refresh_from_db()
    assert (item.charged_amount, item.charge_pending_amount) == (Decimal("25.00"), 0)
    assert item.events.get(type="CHARGE_SUCCESS").created_by == operator


def test_other_roles_cannot_open_payment_screens(make_checkout, buyer, make_user):
    services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id="meidu.payments.bank_transfer", user=buyer
    )
    for user in (buyer, make_user(Role.DRIVER)):
        client = Client()
        client.force_login(user)
        assert client.get(CHANGELIST).status_code in (302, 403)
        client.post(
            CHANGELIST,
            {"action": "confirm_bank_transfers", "_selected_action": [TransactionItem.objects.get().pk], "apply": "1"},
        )
    assert TransactionItem.objects.get().charged_amount == 0
