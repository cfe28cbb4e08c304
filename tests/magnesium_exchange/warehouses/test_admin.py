"""Operator screens of the exchange records open for operators and show the chain's verification."""

from django.test import Client

from magnesium_exchange.members.models import FundsRequest
from magnesium_exchange.members.services import funds_deposit_request
from tests.support.graphql import PASSWORD


def test_operator_admin_screens(operator_user, receipt_factory, seller_member, catalogue):
    receipt = receipt_factory(seller_member)
    funds_deposit_request(seller_member, "10.00")
    client = Client()
    assert client.login(username=operator_user.phone, password=PASSWORD)
    for url in (
        "/admin/exchange_commodities/commodity/",
        "/admin/exchange_commodities/grade/",
        "/admin/exchange_members/member/",
        f"/admin/exchange_members/member/{seller_member.pk}/change/",
        "/admin/exchange_members/fundsrequest/",
        f"/admin/exchange_members/fundsrequest/{FundsRequest.objects.get().pk}/change/",
        "/admin/exchange_warehouses/warehouse/",
        "/admin/exchange_warehouses/weighbridgeticket/",
        "/admin/exchange_warehouses/receipt/",
        "/admin/exchange_warehouses/warehousealert/",
        f"/admin/exchange_commodities/commodity/{catalogue['fused-magnesia'].pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/exchange_warehouses/receipt/{receipt.pk}/change/").content.decode()
    assert "✔ valid" in page
    member_page = client.get(f"/admin/exchange_members/member/{seller_member.pk}/change/").content.decode()
    assert seller_member.bank_account_number not in member_page and seller_member.bank_account_last4 in member_page
