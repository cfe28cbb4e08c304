"""The warehouse desk: weigh in, issue, release, list; staff of that warehouse only; refusals as form messages."""

from decimal import Decimal

import pytest
from django.test import Client

from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, WarehouseAlert, WeighbridgeTicket
from meidu.accounts.roles import Role
from tests.magnesium_exchange.records_factories import FUSED_97_ASSAY
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.phone, password=PASSWORD)
    return client


def inbound_data(fused, member, **changes):
    data = {
        "commodity": fused.pk,
        "depositor": member.pk,
        "gross": "58.400",
        "tare": "18.400",
        "net": "40.000",
        "vehicle_plate": "辽C88888",
        "lot_no": "L-11",
        **{key: value for key, value in FUSED_97_ASSAY.items()},
    }
    data.update(changes)
    return data


def test_staff_weigh_in_issue_and_list(keeper, warehouse, fused, seller_member):
    client = logged_in(keeper)
    assert client.get("/exchange/warehouse/").url == f"/exchange/warehouse/{warehouse.code}/"
    page = client.get(f"/exchange/warehouse/{warehouse.code}/inbound/")
    assert page.status_code == 200 and "过磅入库" in page.content.decode()
    response = client.post(f"/exchange/warehouse/{warehouse.code}/inbound/", inbound_data(fused, seller_member))
    ticket = WeighbridgeTicket.objects.get()
    assert ticket.net == Decimal("40.000") and ticket.grade.code == "fm-97" and ticket.operator == keeper
    assert (
        response.status_code == 302
        and response.url == f"/exchange/warehouse/{warehouse.code}/tickets/{ticket.number}/issue/"
    )
    listing = client.get(f"/exchange/warehouse/{warehouse.code}/").content.decode()
    assert f'data-ticket="{ticket.number}"' in listing
    response = client.post(
        response.url, {"packaging": "吨袋", "pieces": "40", "location": "B区2垛", "insured_value": "152000.00"}
    )
    receipt = Receipt.objects.get()
    assert response.status_code == 302 and receipt.quantity == Decimal("40.000") and receipt.holder == seller_member
    listing = client.get(response.url).content.decode()
    assert f'data-receipt="{receipt.number}"' in listing and "已签发仓单" in listing
    assert f'data-ticket="{ticket.number}"' not in listing
    # A second receipt for the same ticket is refused on the form.
    again = client.post(f"/exchange/warehouse/{warehouse.code}/tickets/{ticket.number}/issue/", {"pieces": "40"})
    assert again.status_code == 200 and "该磅单已签发过仓单" in again.content.decode() and Receipt.objects.count() == 1


def test_net_weight_mismatch_is_shown_on_the_form_and_nothing_is_written(keeper, warehouse, fused, seller_member):
    response = logged_in(keeper).post(
        f"/exchange/warehouse/{warehouse.code}/inbound/", inbound_data(fused, seller_member, net="41.000")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "净重必须等于毛重减皮重" in html and "field--error" in html
    assert not WeighbridgeTicket.objects.exists()


def test_an_assay_matching_no_grade_is_refused_on_the_form(keeper, warehouse, fused, seller_member):
    response = logged_in(keeper).post(
        f"/exchange/warehouse/{warehouse.code}/inbound/", inbound_data(fused, seller_member, mgo="80.000")
    )
    assert response.status_code == 200 and "化验结果不符合该商品的任何等级" in response.content.decode()
    assert not WeighbridgeTicket.objects.exists()


def test_release_within_tolerance_and_freeze_beyond(keeper, warehouse, receipt_factory, seller_member):
    client = logged_in(keeper)
    first, second = receipt_factory(seller_member), receipt_factory(seller_member)
    url = f"/exchange/warehouse/{warehouse.code}/receipts/{first.number}/withdraw/"
    assert "出库放货" in client.get(url).content.decode()
    response = client.post(url, {"gross": "120.100", "tare": "20.000", "net": "100.100"}, follow=True)
    assert "已放货" in response.content.decode()
    first.refresh_from_db()
    assert first.status == ReceiptStatus.WITHDRAWN and first.outbound_ticket.net == Decimal("100.100")
    response = client.post(
        f"/exchange/warehouse/{warehouse.code}/receipts/{second.number}/withdraw/",
        {"gross": "110.000", "tare": "20.000", "net": "90.000"},
        follow=True,
    )
    assert "已冻结" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ReceiptStatus.FROZEN and WarehouseAlert.objects.count() == 1
    # A frozen receipt cannot be released: the refusal is a form message.
    again = client.post(
        f"/exchange/warehouse/{warehouse.code}/receipts/{second.number}/withdraw/",
        {"gross": "120.000", "tare": "20.000", "net": "100.000"},
    )
    assert again.status_code == 200 and "仓单已冻结" in again.content.decode()


def test_withdraw_net_mismatch_is_a_form_message(keeper, warehouse, receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    response = logged_in(keeper).post(
        f"/exchange/warehouse/{warehouse.code}/receipts/{receipt.number}/withdraw/",
        {"gross": "120.000", "tare": "20.000", "net": "99.000"},
    )
    assert response.status_code == 200 and "净重必须等于毛重减皮重" in response.content.decode()
    receipt.refresh_from_db()
    assert (
        receipt.status == ReceiptStatus.ACTIVE and not WeighbridgeTicket.objects.filter(direction="outbound").exists()
    )


def test_pages_refuse_anyone_but_this_warehouses_staff(
    make_user, keeper, warehouse, other_warehouse, fused, seller_member, receipt_factory, trader_factory
):
    receipt = receipt_factory(seller_member)
    ticket_number = receipt.inbound_ticket.number
    urls = [
        f"/exchange/warehouse/{warehouse.code}/",
        f"/exchange/warehouse/{warehouse.code}/inbound/",
        f"/exchange/warehouse/{warehouse.code}/tickets/{ticket_number}/issue/",
        f"/exchange/warehouse/{warehouse.code}/receipts/{receipt.number}/withdraw/",
    ]
    from magnesium_exchange.warehouses.services import warehouse_staff_add

    elsewhere = make_user(Role.WAREHOUSE_OPERATOR)
    warehouse_staff_add(other_warehouse, elsewhere)
    strangers = [elsewhere, make_user(Role.WAREHOUSE_OPERATOR), trader_factory(seller_member), make_user(Role.BUYER)]
    for user in strangers:
        client = logged_in(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(urls[1], inbound_data(fused, seller_member)).status_code == 403
        assert client.post(urls[3], {"gross": "120.000", "tare": "20.000", "net": "100.000"}).status_code == 403
    assert logged_in(strangers[1]).get("/exchange/warehouse/").status_code == 403
    for url in urls:
        assert Client().get(url).status_code == 302  # to the login page
    assert WeighbridgeTicket.objects.count() == 1
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE


def test_receipts_page_query_count_does_not_grow_with_receipts(
    keeper, warehouse, receipt_factory, seller_member, django_assert_max_num_queries
):
    client = logged_in(keeper)
    receipt_factory(seller_member)
    with django_assert_max_num_queries(12) as first:
        client.get(f"/exchange/warehouse/{warehouse.code}/")
    for _ in range(4):
        receipt_factory(seller_member)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(f"/exchange/warehouse/{warehouse.code}/").content.decode()
    assert html.count("data-receipt=") == 5


def test_desk_home_lists_the_warehouses_of_staff_working_at_several(keeper, warehouse, other_warehouse):
    from magnesium_exchange.warehouses.services import warehouse_staff_add

    warehouse_staff_add(other_warehouse, keeper)
    html = logged_in(keeper).get("/exchange/warehouse/").content.decode()
    assert f"/exchange/warehouse/{warehouse.code}/" in html and f"/exchange/warehouse/{other_warehouse.code}/" in html
    assert "请选择您工作的仓库" in html
