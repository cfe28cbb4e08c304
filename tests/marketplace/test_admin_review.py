import pytest
from django.urls import reverse

from marketplace.shops.models import ShopStatus
from marketplace.shops.services import shop_transition
from meidu.accounts.roles import Role
from tests.marketplace.factories import open_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user(Role.OPERATOR))
    return client


@pytest.fixture
def in_review(make_user, channel_pair):
    owner = make_user()
    shop = open_shop(owner, active=False)
    from marketplace.catalog.services import product_create
    from tests.marketplace.factories import catalogue_basics

    product_create(shop, actor=owner, product_type=catalogue_basics()["produce"], name="南果梨")
    return shop_transition(shop, "submit", actor=owner)


def test_operator_approves_in_admin(staff_client, in_review):
    url = reverse("admin:shops_shop_changelist")
    response = staff_client.post(url, {"action": "approve_shops", "_selected_action": [in_review.pk]})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == ShopStatus.ACTIVE
    assert in_review.events.last().action == "approve"


def test_reject_in_admin_asks_for_the_reason(staff_client, in_review):
    url = reverse("admin:shops_shop_changelist")
    page = staff_client.post(url, {"action": "reject_shops", "_selected_action": [in_review.pk]})
    assert page.status_code == 200 and b"reason" in page.content
    staff_client.post(
        url, {"action": "reject_shops", "_selected_action": [in_review.pk], "apply": "1", "reason": "身份证照片模糊"}
    )
    in_review.refresh_from_db()
    assert in_review.status == ShopStatus.REJECTED and in_review.rejection_reason == "身份证照片模糊"


def test_shop_change_page_shows_the_checklist(staff_client, in_review):
    page = staff_client.get(reverse("admin:shops_shop_change", args=[in_review.pk]))
    assert page.status_code == 200 and "至少一件商品" in page.content.decode()  # the admin speaks zh-Hans


def test_buyer_cannot_open_the_admin(client, make_user):
    client.force_login(make_user(Role.BUYER))
    response = client.get(reverse("admin:shops_shop_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_operator_sees_users_and_audit_but_cannot_edit_roles_there(staff_client, make_user):
    user = make_user(Role.BUYER)
    assert staff_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = staff_client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200 and 'name="groups"' not in page.content.decode()
