"""Saleor's Transactions API over GraphQL: paymentGatewayInitialize, transactionInitialize, transactionProcess."""

from decimal import Decimal

from graphql_relay import to_global_id

from marketplace.payments.models import TransactionEvent, TransactionItem
from tests.support.graphql import GraphQLClient, token_for

GATEWAYS = """
mutation($id: ID!, $gateways: [PaymentGatewayToInitialize!]) {
  paymentGatewayInitialize(id: $id, paymentGateways: $gateways) {
    gatewayConfigs { id data errors { field code message } }
    errors { field code message }
  }
}"""

INITIALIZE = """
mutation($id: ID!, $gateway: String!, $data: JSON, $amount: Decimal, $key: String,
         $action: TransactionFlowStrategyEnum) {
  transactionInitialize(id: $id, paymentGateway: {id: $gateway, data: $data}, amount: $amount, idempotencyKey: $key,
                        action: $action) {
    transaction { id token name pspReference authorizedAmount { amount currency } chargedAmount { amount currency }
                  refundedAmount { amount } canceledAmount { amount } chargePendingAmount { amount } createdAt
                  events { id type amount { amount currency } pspReference message createdAt } }
    transactionEvent { id type amount { amount } }
    data
    errors { field code message }
  }
}"""

PROCESS = """
mutation($id: ID!) {
  transactionProcess(id: $id) {
    transaction { id chargedAmount { amount } }
    transactionEvent { type }
    errors { field code message }
  }
}"""

REQUEST_ACTION = """
mutation($id: ID!, $action: TransactionActionEnum!, $amount: Decimal) {
  transactionRequestAction(id: $id, actionType: $action, amount: $amount) {
    transaction { refundedAmount { amount } chargedAmount { amount } }
    errors { field code message }
  }
}"""


def _cid(checkout):
    return to_global_id("Checkout", str(checkout.token))


def test_gateway_initialize_lists_configs(make_checkout, buyer):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    data = client.execute(GATEWAYS, {"id": _cid(checkout)})["paymentGatewayInitialize"]
    assert data["errors"] == []
    assert [c["id"] for c in data["gatewayConfigs"]] == [
        "meidu.payments.cod",
        "meidu.payments.bank_transfer",
        "meidu.payments.offline",
    ]
    data = client.execute(GATEWAYS, {"id": _cid(checkout), "gateways": [{"id": "meidu.payments.stripe"}]})[
        "paymentGatewayInitialize"
    ]
    assert data["gatewayConfigs"] == [
        {
            "id": "meidu.payments.stripe",
            "data": None,
            "errors": [{"field": "id", "code": "NOT_FOUND", "message": "该支付方式不可用。"}],
        }
    ]


def test_gateway_initialize_with_stripe_returns_publishable_key(make_checkout, buyer, stripe_api):
    client = GraphQLClient(token_for(buyer))
    data = client.execute(GATEWAYS, {"id": _cid(make_checkout(buyer)), "gateways": [{"id": "meidu.payments.stripe"}]})
    assert data["paymentGatewayInitialize"]["gatewayConfigs"][0]["data"] == {"stripePublishableKey": "pk_test_local"}


def test_transaction_initialize_cod_and_idempotent_retry(make_checkout, buyer):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    variables = {"id": _cid(checkout), "gateway": "meidu.payments.cod", "key": "tap-1"}
    first = client.execute(INITIALIZE, variables)["transactionInitialize"]
    assert first["errors"] == []
    transaction = first["transaction"]
    assert transaction["authorizedAmount"] == {"amount": 25.0, "currency": "CNY"}
    assert transaction["chargedAmount"]["amount"] == 0
    assert [e["type"] for e in transaction["events"]] == ["AUTHORIZATION_REQUEST", "AUTHORIZATION_SUCCESS"]
    assert first["transactionEvent"]["type"] == "AUTHORIZATION_SUCCESS"
    assert transaction["id"] == to_global_id("TransactionItem", transaction["token"])

    again = client.execute(INITIALIZE, variables)["transactionInitialize"]
    assert again["transaction"]["id"] == transaction["id"] and again["errors"] == []
    clash = client.execute(INITIALIZE, {**variables, "amount": "3.00"})["transactionInitialize"]
    assert clash["errors"] == [{"field": "idempotencyKey", "code": "UNIQUE", "message": clash["errors"][0]["message"]}]
    assert clash["transaction"] is None and TransactionItem.objects.count() == 1


def test_buyer_pays_only_own_or_anonymous_checkout(make_checkout, buyer, make_user):
    stranger = GraphQLClient(token_for(make_user()))
    theirs = make_checkout(buyer)
    data = stranger.execute(INITIALIZE, {"id": _cid(theirs), "gateway": "meidu.payments.offline"})[
        "transactionInitialize"
    ]
    assert data["errors"][0]["code"] == "NOT_FOUND" and TransactionItem.objects.count() == 0
    data = GraphQLClient().execute(INITIALIZE, {"id": _cid(theirs), "gateway": "meidu.payments.offline"})[
        "transactionInitialize"
    ]
    assert data["errors"][0]["code"] == "NOT_FOUND" and TransactionItem.objects.count() == 0

    anonymous = make_checkout(None)
    data = GraphQLClient().execute(INITIALIZE, {"id": _cid(anonymous), "gateway": "meidu.payments.offline"})[
        "transactionInitialize"
    ]
    assert data["errors"] == [] and data["transaction"]["chargedAmount"]["amount"] == 25.0


def test_initialize_refusals_over_graphql(make_checkout, buyer):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    cases = [
        ({"id": to_global_id("Order", str(checkout.token)), "gateway": "meidu.payments.cod"}, "GRAPHQL_ERROR", "id"),
        ({"id": to_global_id("Checkout", "12"), "gateway": "meidu.payments.cod"}, "GRAPHQL_ERROR", "id"),
        ({"id": "garbage", "gateway": "meidu.payments.cod"}, "GRAPHQL_ERROR", "id"),
        ({"id": _cid(checkout), "gateway": "wechat.pay"}, "NOT_FOUND", "paymentGateway"),
        ({"id": _cid(checkout), "gateway": "meidu.payments.cod", "amount": "-5"}, "INVALID", "amount"),
    ]
    for variables, code, field in cases:
        errors = client.execute(INITIALIZE, variables)["transactionInitialize"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], variables
    assert TransactionItem.objects.count() == 0 and TransactionEvent.objects.count() == 0


def test_declined_offline_payment_and_process(make_checkout, buyer):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    data = client.execute(
        INITIALIZE, {"id": _cid(checkout), "gateway": "meidu.payments.offline", "data": {"simulate": "decline"}}
    )
    declined = data["transactionInitialize"]
    assert declined["errors"] == [] and declined["transactionEvent"]["type"] == "CHARGE_FAILURE"
    processed = client.execute(PROCESS, {"id": declined["transaction"]["id"]})["transactionProcess"]
    assert processed["errors"] == [] and processed["transactionEvent"]["type"] == "CHARGE_FAILURE"
    missing = client.execute(PROCESS, {"id": to_global_id("TransactionItem", "7d4d3a1e-5b7b-4a55-9a43-3c1c2b0c0f00")})
    assert missing["transactionProcess"]["errors"][0]["code"] == "NOT_FOUND"


def test_process_stripe_after_buyer_confirms(make_checkout, buyer, make_user, stripe_api):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    started = client.execute(INITIALIZE, {"id": _cid(checkout), "gateway": "meidu.payments.stripe"})[
        "transactionInitialize"
    ]
    assert started["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
    assert started["data"]["paymentIntent"]["stripeClientSecret"] == "pi_test1_secret_local"
    stranger = GraphQLClient(token_for(make_user()))
    assert (
        stranger.execute(PROCESS, {"id": started["transaction"]["id"]})["transactionProcess"]["errors"][0]["code"]
        == "NOT_FOUND"
    )
    stripe_api.confirm("pi_test1")
    processed = client.execute(PROCESS, {"id": started["transaction"]["id"]})["transactionProcess"]
    assert processed["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    assert processed["transaction"]["chargedAmount"]["amount"] == 25.0


def test_request_action_needs_handle_payments(make_checkout, buyer, operator):
    checkout = make_checkout(buyer)
    client = GraphQLClient(token_for(buyer))
    paid = client.execute(INITIALIZE, {"id": _cid(checkout), "gateway": "meidu.payments.offline"})[
        "transactionInitialize"
    ]
    variables = {"id": paid["transaction"]["id"], "action": "REFUND", "amount": "5.00"}
    response = client.post(REQUEST_ACTION, variables).json()
    assert "HANDLE_PAYMENTS" in response["errors"][0]["message"]
    staff = GraphQLClient(token_for(operator))
    too_much = staff.execute(REQUEST_ACTION, {**variables, "amount": "25.01"})["transactionRequestAction"]
    assert too_much["errors"][0]["code"] == "AMOUNT_EXCEEDS_CHARGED"
    done = staff.execute(REQUEST_ACTION, variables)["transactionRequestAction"]
    assert done["errors"] == [] and done["transaction"]["refundedAmount"]["amount"] == 5.0
    assert TransactionItem.objects.get().refunded_amount == Decimal("5.00")
