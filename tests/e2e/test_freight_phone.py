"""Bulk freight on a phone (390x844), in Chinese and in English: a trader books a truck for a receipt
from the terminal's overview and sees it under Truck appointments; the warehouse desk checks the truck
in by its plate at the gate and publishes tomorrow's slots. Nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from magnesium_exchange.warehouses.models import AppointmentState, TruckAppointment, TruckSlot
from tests.e2e.steps import MOBILE, log_in_as
from tests.support.freight import book

WIDTH = MOBILE["width"]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def in_language(page, language: str) -> None:
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


def slot_around_now(warehouse) -> TruckSlot:
    """A slot of today that holds the present moment (the gate only lets trucks in during their slot)."""
    return TruckSlot.objects.create(
        warehouse=warehouse,
        date=timezone.localdate(),
        start_time=dt.time(0, 0),
        end_time=dt.time(23, 59),
        capacity_trucks=3,
        capacity_tonnes="300",
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "language,book_word,submit,booked_word",
    [("zh-hans", "预约提货车辆", "预约车辆", "已预约"), ("en", "Book a truck", "Book the truck", "Booked")],
)
def test_a_trader_books_a_truck_on_a_phone(
    page,
    screenshot,
    warehouse,
    receipt_factory,
    seller_member,
    trader_factory,
    language,
    book_word,
    submit,
    booked_word,
):
    receipt = receipt_factory(seller_member, net="32.000")
    slot_around_now(warehouse)
    log_in_as(page, trader_factory(seller_member))
    page.goto("/exchange/terminal/")
    in_language(page, language)
    page.locator(f'tr[data-receipt="{receipt.number}"] a[data-action="book-truck"]').click()
    no_sideways_scroll(page)
    page.locator("#id_slot").select_option(index=1)
    page.fill("#id_plate", "辽h·12345")
    page.fill("#id_driver_name", "张师傅")
    page.fill("#id_driver_phone", "139 0417 0001")
    screenshot(page, f"book-{language}")
    page.get_by_role("button", name=submit).tap()
    page.wait_for_url("**/exchange/terminal/freight/")
    row = page.locator('tr[data-plate="辽H12345"]')
    expect(row).to_contain_text("辽H·12345")
    expect(row.locator("[data-state]")).to_contain_text(booked_word)
    no_sideways_scroll(page)
    screenshot(page, f"appointments-{language}")
    assert TruckAppointment.objects.get().lines.get().receipt_id == receipt.pk
    assert book_word


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    "language,check_in,arrived_word,publish",
    [("zh-hans", "登记入场", "已入场", "发布"), ("en", "Check in", "Arrived", "Publish")],
)
def test_the_gate_checks_a_truck_in_on_a_phone(
    page, screenshot, warehouse, keeper, receipt_factory, seller_member, language, check_in, arrived_word, publish
):
    book(seller_member, slot_around_now(warehouse), [receipt_factory(seller_member, net="32.000")])
    log_in_as(page, keeper)
    page.goto(f"/exchange/warehouse/{warehouse.code}/trucks/")
    in_language(page, language)
    page.fill("#id_plate", "辽H 99999")
    page.get_by_role("button", name=check_in, exact=True).tap()
    expect(page.locator(".error-text, .form-errors, .errorlist").first).to_be_visible()
    page.fill("#id_plate", "辽H12345")
    page.get_by_role("button", name=check_in, exact=True).tap()
    expect(page.locator('tr[data-plate="辽H12345"] [data-state]')).to_contain_text(arrived_word)
    assert TruckAppointment.objects.get().state == AppointmentState.ARRIVED
    no_sideways_scroll(page)
    screenshot(page, f"gate-{language}")

    page.goto(f"/exchange/warehouse/{warehouse.code}/trucks/slots/")
    no_sideways_scroll(page)
    page.get_by_role("button", name=publish, exact=True).tap()
    expect(page.locator("[data-slot]")).to_have_count(10)  # today's slot and tomorrow's nine
    screenshot(page, f"slots-{language}")
    assert TruckSlot.objects.filter(date=timezone.localdate() + dt.timedelta(days=1)).count() == 9
