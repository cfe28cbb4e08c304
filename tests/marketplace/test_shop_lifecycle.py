"""Opening a shop: the light and business tracks, the computed checklist, review, and every refusal."""

import pytest
from graphql_relay import to_global_id

from marketplace.shops.models import Shop, ShopEvent, ShopNotice
from meidu.accounts.roles import Role
from tests.marketplace.factories import valid_id_number
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

APPLY = """
mutation($input: ShopApplyInput!) {
  shopApply(input: $input) {
    shop { id slug status track kind idNumberLast4 payoutAccountLast4 checklist { code done } }
    errors { field code message }
  }
}
"""


def light_input(**overrides):
    data = {
        "name": "老李家南果梨",
        "kind": "MICROSHOP",
        "track": "FARMER_LIGHT",
        "realName": "李建国",
        "idNumber": valid_id_number(7),
        "payoutAccountName": "李建国",
        "payoutAccountNumber": "6222 0200 0000 1234",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant(make_user):
    return make_user(Role.BUYER)


@pytest.fixture
def applicant_client(applicant):
    return GraphQLClient(token_for(applicant))


def test_farmer_light_track_needs_no_licence_and_hides_the_id_number(applicant_client, applicant, channel_pair):
    data = applicant_client.execute(APPLY, {"input": light_input()})["shopApply"]
    assert data["errors"] == []
    shop = data["shop"]
    assert (shop["status"], shop["track"], shop["kind"]) == ("APPLIED", "FARMER_LIGHT", "MICROSHOP")
    assert shop["idNumberLast4"] == valid_id_number(7)[-4:] and shop["payoutAccountLast4"] == "1234"
    assert {item["code"]: item["done"] for item in shop["checklist"]} == {
        "product": False,
        "delivery": False,
        "terms": False,
    }
    stored = Shop.objects.get()
    assert valid_id_number(7) not in stored.id_number_hash and len(stored.id_number_hash) == 64
    applicant.refresh_from_db()
    assert sorted(applicant.groups.values_list("name", flat=True)) == ["buyer", "seller"]
    assert list(stored.events.values_list("action", flat=True)) == ["apply"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"idNumber": "210804198001010000"}, "idNumber", "INVALID_ID_NUMBER"),
        ({"idNumber": "12345"}, "idNumber", "INVALID_ID_NUMBER"),
        ({"realName": " "}, "real_name", "REQUIRED"),
        ({"payoutAccountNumber": "12"}, "payoutAccountNumber", "INVALID"),
        ({"track": "BUSINESS"}, "businessLicenceNumber", "REQUIRED"),
        ({"track": "BUSINESS", "businessLicenceNumber": "not-a-code"}, "businessLicenceNumber", "REQUIRED"),
    ],
    ids=[
        "bad_checksum_case",
        "short_id_case",
        "no_real_name_case",
        "bad_account_case",
        "business_without_licence_case",
        "bad_licence_case",
    ],
)
def test_bad_applications_are_refused_and_write_nothing(applicant_client, channel_pair, overrides, field, code):
    errors = applicant_client.execute(APPLY, {"input": light_input(**overrides)})["shopApply"]["errors"]
    assert (field, code) in [(e["field"], e["code"]) for e in errors]
    assert Shop.objects.count() == 0 and ShopEvent.objects.count() == 0


def test_business_track_with_licence(applicant_client, channel_pair):
    data = applicant_client.execute(
        APPLY, {"input": light_input(track="BUSINESS", kind="COOPERATIVE", businessLicenceNumber="93210882MA0XY71234")}
    )["shopApply"]
    assert data["errors"] == [] and data["shop"]["track"] == "BUSINESS"


def test_account_without_mobile_cannot_open_a_shop(make_user, channel_pair):
    client = GraphQLClient(token_for(make_user(email="farmer@example.com")))
    errors = client.execute(APPLY, {"input": light_input()})["shopApply"]["errors"]
    assert ("phone", "PHONE_NOT_VERIFIED") in [(e["field"], e["code"]) for e in errors]


def test_anonymous_cannot_apply(api_client):
    content = api_client.post(APPLY, {"input": light_input()}).json()
    assert content["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_same_identity_cannot_open_two_microshops(applicant_client, channel_pair):
    applicant_client.execute(APPLY, {"input": light_input()})
    errors = applicant_client.execute(APPLY, {"input": light_input(name="另一家")})["shopApply"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("idNumber", "UNIQUE")]


TRANSITION = "mutation($id: ID!) {{ {name}(id: $id{extra}) {{ shop {{ status }} errors {{ field code message }} }} }}"


def _do(client, name, shop, reason=None):
    extra = ", reason: $reason" if reason is not None else ""
    query = TRANSITION.format(name=name, extra=extra).replace(
        "$id: ID!)", "$id: ID!, $reason: String!)" if reason is not None else "$id: ID!)"
    )
    variables = {"id": to_global_id("MarketplaceShop", shop.pk)}
    if reason is not None:
        variables["reason"] = reason
    return client.post(query, variables).json()


def test_checklist_then_review_reject_retry_approve_suspend_reinstate_close(
    applicant_client, applicant, operator_api_client, channel_pair, basics
):
    from marketplace.catalog.services import product_create
    from marketplace.inventory.services import warehouse_create

    applicant_client.execute(APPLY, {"input": light_input()})
    shop = Shop.objects.get()
    refused = _do(applicant_client, "shopSubmitForReview", shop)["data"]["shopSubmitForReview"]
    assert (
        refused["errors"][0]["code"] == "CHECKLIST_INCOMPLETE"
        and "product, delivery, terms" in refused["errors"][0]["message"]
    )

    product_create(shop, actor=applicant, product_type=basics["produce"], name="南果梨")
    warehouse_create(shop, actor=applicant, name="自家仓", kind="home", is_pickup_point=True)
    applicant_client.execute(
        "mutation($id: ID!) { shopUpdate(id: $id, input: {acceptTerms: true}) { errors { code } } }",
        {"id": to_global_id("MarketplaceShop", shop.pk)},
    )
    assert (
        _do(applicant_client, "shopSubmitForReview", shop)["data"]["shopSubmitForReview"]["shop"]["status"]
        == "IN_REVIEW"
    )

    no_reason = _do(operator_api_client, "shopReject", shop, reason=" ")["data"]["shopReject"]["errors"]
    assert no_reason[0]["code"] == "REQUIRED"
    assert (
        _do(operator_api_client, "shopReject", shop, reason="照片不清楚")["data"]["shopReject"]["shop"]["status"]
        == "REJECTED"
    )
    assert ShopNotice.objects.filter(shop=shop, kind="shop_reject", message="照片不清楚").exists()
    assert (
        _do(applicant_client, "shopSubmitForReview", shop)["data"]["shopSubmitForReview"]["shop"]["status"]
        == "IN_REVIEW"
    )
    assert _do(operator_api_client, "shopApprove", shop)["data"]["shopApprove"]["shop"]["status"] == "ACTIVE"
    assert (
        _do(operator_api_client, "shopSuspend", shop, reason="投诉核查")["data"]["shopSuspend"]["shop"]["status"]
        == "SUSPENDED"
    )
    assert _do(operator_api_client, "shopReinstate", shop)["data"]["shopReinstate"]["shop"]["status"] == "ACTIVE"
    assert _do(applicant_client, "shopClose", shop)["data"]["shopClose"]["shop"]["status"] == "CLOSED"
    again = _do(applicant_client, "shopSubmitForReview", shop)["data"]["shopSubmitForReview"]["errors"]
    assert again[0]["code"] == "INVALID_TRANSITION"
    assert list(shop.events.values_list("action", flat=True)) == [
        "apply",
        "update",
        "submit",
        "reject",
        "submit",
        "approve",
        "suspend",
        "reinstate",
        "close",
    ]


@pytest.mark.parametrize("name", ["shopApprove", "shopReinstate"])
def test_sellers_cannot_review_their_own_shop(applicant_client, applicant, channel_pair, name):
    applicant_client.execute(APPLY, {"input": light_input()})
    shop = Shop.objects.get()
    content = _do(applicant_client, name, shop)
    assert content["errors"][0]["message"] == "You need one of the following permissions: MANAGE_SHOPS"
    shop.refresh_from_db()
    assert shop.status == "applied"


def test_approving_an_applied_shop_skips_nothing(operator_api_client, applicant_client, channel_pair):
    applicant_client.execute(APPLY, {"input": light_input()})
    errors = _do(operator_api_client, "shopApprove", Shop.objects.get())["data"]["shopApprove"]["errors"]
    assert errors[0]["code"] == "INVALID_TRANSITION"


def test_private_fields_are_hidden_from_the_public(api_client, farmer_shop):
    query = (
        "query($slug: String) { marketplaceShop(slug: $slug) {"
        " name idNumberLast4 payoutAccountLast4 checklist { code } } }"
    )
    data = api_client.execute(query, {"slug": farmer_shop.slug})["marketplaceShop"]
    assert data["name"] == farmer_shop.name
    assert data["idNumberLast4"] is None and data["payoutAccountLast4"] is None and data["checklist"] is None


def test_shops_listing_shows_only_active_shops_to_the_public(
    api_client, operator_api_client, farmer_shop, applicant_client
):
    applicant_client.execute(APPLY, {"input": light_input(name="新店")})
    public = api_client.execute("{ shops(first: 10) { totalCount edges { node { name status } } } }")["shops"]
    assert public["totalCount"] == 1 and public["edges"][0]["node"]["status"] == "ACTIVE"
    staff = operator_api_client.execute("{ shops(first: 10, status: APPLIED) { edges { node { name } } } }")["shops"]
    assert [edge["node"]["name"] for edge in staff["edges"]] == ["新店"]
