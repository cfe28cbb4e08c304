"""commissionSettingsChange / commissionSettings / commissionRuleChanges: commission staff only;
the lawful refusals come back as errors { field code } with nothing written."""

import pytest

from incubator.commission.models import CommissionSettings
from meidu.accounts.roles import Role
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

CHANGE = """
mutation($input: CommissionSettingsChangeInput!) {
  commissionSettingsChange(input: $input) {
    commissionSettings { levels secondLevelRatePercent selfPurchaseCommission joiningFee { amount } }
    errors { field code message }
  }
}"""
READ = "{ commissionSettings { levels selfPurchaseCommission } commissionRuleChanges { action actor data } }"


def test_operator_changes_rules_and_reads_the_trail(operator_api_client):
    data = operator_api_client.execute(
        CHANGE, {"input": {"levels": 2, "reason": "法务审查通过", "secondLevelRatePercent": "1.50"}}
    )["commissionSettingsChange"]
    assert data["errors"] == [] and data["commissionSettings"]["levels"] == 2
    read = operator_api_client.execute(READ)
    assert read["commissionSettings"] == {"levels": 2, "selfPurchaseCommission": False}
    [change] = read["commissionRuleChanges"]
    assert change["action"] == "commission.settings_change"


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"levels": 3}, "LEVEL_LIMIT"),
        ({"levels": 2}, "REASON_REQUIRED"),
        ({"levels": 1, "joiningFee": "199"}, "JOINING_FEE_FORBIDDEN"),
        ({"levels": 1, "recruitReward": "10"}, "RECRUIT_REWARD_FORBIDDEN"),
        ({"levels": 1, "base": "paid"}, "BASE_FORBIDDEN"),
    ],
)
def test_unlawful_changes_are_refused_with_codes(operator_api_client, payload, code):
    data = operator_api_client.execute(CHANGE, {"input": payload})["commissionSettingsChange"]
    assert data["commissionSettings"] is None and [e["code"] for e in data["errors"]] == [code]
    assert not CommissionSettings.objects.exists()


def test_buyers_and_anonymous_are_refused(buyer_api_client, api_client):
    for client in (buyer_api_client, api_client):
        response = client.post(CHANGE, {"input": {"levels": 1, "selfPurchaseCommission": True}}).json()
        assert response["errors"] and "MANAGE_COMMISSION" in response["errors"][0]["message"]
        assert client.post(READ).json()["errors"]
    assert not CommissionSettings.objects.exists()


def test_the_trail_is_for_commission_staff(make_user):
    supplier = make_user(Role.SUPPLIER)
    response = GraphQLClient(token_for(supplier)).post(READ).json()
    assert response["errors"]
