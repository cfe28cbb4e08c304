"""Issue 12: operators act on escalated complaints from a page (the admin only shows them)."""

from datetime import timedelta

import pytest

from marketplace.complaints.models import ComplaintStatus
from marketplace.complaints.services import complaint_create, complaint_escalate
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.support.buying import html, login

pytestmark = pytest.mark.django_db


def escalated(buyer, rural, pears, key="c"):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE", key=key)
    complaint = complaint_create(order, buyer=buyer, category="quality", description="梨烂了一半")
    assert complaint_escalate(complaint, now=complaint.due_at + timedelta(minutes=1))
    complaint.refresh_from_db()
    return complaint


def test_the_queue_lists_escalated_complaints_only(buyer, rural, pears, make_user, django_assert_max_num_queries):
    first = escalated(buyer, rural, pears, "a")
    second = escalated(buyer, rural, pears, "b")
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], key="fresh")
    fresh = complaint_create(order, buyer=buyer, category="other", description="还没到期")
    operator = login(make_user(Role.OPERATOR))
    with django_assert_max_num_queries(12):
        page = html(operator.get("/operator/complaints/"))
    assert f"投诉 {first.pk}" in page and f"投诉 {second.pk}" in page and f"投诉 {fresh.pk}" not in page
    assert "梨烂了一半" in page and "升级投诉" in page
    assert page.index(f"投诉 {first.pk}") < page.index(f"投诉 {second.pk}")  # the longest waiting first


def test_an_operator_refunds_part_of_the_payment(buyer, rural, pears, make_user):
    complaint = escalated(buyer, rural, pears)
    operator = login(make_user(Role.OPERATOR))
    response = operator.post(
        f"/operator/complaints/{complaint.pk}/resolve/",
        {"resolution": "refund", "amount": "5.00", "note": "部分退款"},
        follow=True,
    )
    assert f"投诉 {complaint.pk} 已处理" in html(response)
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_by_operator
    assert str(complaint.refund_amount) == "5.00"
    complaint.order.refresh_from_db()
    assert str(complaint.order.refunded_amount) == "5.00"
    # A second attempt is refused by the state machine, in Chinese, and changes nothing.
    again = html(
        operator.post(
            f"/operator/complaints/{complaint.pk}/resolve/", {"resolution": "refund", "amount": "5.00"}, follow=True
        )
    )
    assert f"投诉 {complaint.pk}：" in again and "already" not in again
    complaint.order.refresh_from_db()
    assert str(complaint.order.refunded_amount) == "5.00"


def test_a_rejection_without_a_reason_is_refused_in_the_readers_language(buyer, rural, pears, make_user):
    complaint = escalated(buyer, rural, pears)
    operator = login(make_user(Role.OPERATOR))
    page = html(operator.post(f"/operator/complaints/{complaint.pk}/resolve/", {"resolution": "rejected"}, follow=True))
    assert f"投诉 {complaint.pk}：" in page
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED
    operator.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = html(
        operator.post(
            f"/operator/complaints/{complaint.pk}/resolve/", {"resolution": "refund", "amount": "-1"}, follow=True
        )
    )
    assert f"Complaint {complaint.pk}: " in page and "Escalated complaints" in page


@pytest.mark.parametrize("role", [Role.SELLER, Role.BUYER, Role.STATION_AGENT])
def test_other_roles_are_refused(buyer, rural, pears, make_user, role):
    complaint = escalated(buyer, rural, pears)
    other = login(make_user(role))
    assert other.get("/operator/complaints/").status_code == 403
    assert other.post(f"/operator/complaints/{complaint.pk}/resolve/", {"resolution": "replacement"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ESCALATED


def test_the_buyer_attaches_photos_and_they_the_shop_and_the_operator_see_them(
    buyer, rural, pears, make_user, settings, tmp_path
):
    from tests.marketplace.complaints.helpers import jpeg

    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    web = login(buyer)
    form = html(web.get(f"/shop/orders/{order.number}/complaint/"))
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    refused = web.post(
        f"/shop/orders/{order.number}/complaint/",
        {"category": "quality", "description": "梨有碰伤", "photos": [jpeg() for _ in range(5)]},
    )
    assert refused.status_code == 400 and "最多只能上传 4 张照片" in html(refused)
    web.post(
        f"/shop/orders/{order.number}/complaint/",
        {"category": "quality", "description": "梨有碰伤", "photos": [jpeg(), jpeg("b.jpg")]},
    )
    complaint = order.complaints.get()
    assert complaint.photos.count() == 2
    assert html(web.get(f"/shop/orders/{order.number}/")).count('alt="买家照片') == 2  # the buyer sees what they sent
    seller_page = html(login(pears["owner"]).get(f"/seller/orders/{order.number}/"))
    assert seller_page.count('alt="买家照片') == 2 and f"complaints/o{order.pk}/" in seller_page
    assert complaint_escalate(complaint, now=complaint.due_at + timedelta(minutes=1))
    assert html(login(make_user(Role.OPERATOR)).get("/operator/complaints/")).count('alt="买家照片') == 2
