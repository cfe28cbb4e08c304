"""Alipay through Saleor's Transactions API: transactionInitialize hands back the signed pay URL,
transactionProcess asks Alipay; the amount comes from the checkout, never from the client's data."""

import requests
from graphql_relay import to_global_id

from tests.support.graphql import GraphQLClient, token_for

ALIPAY = "meidu.payments.alipay"
INITIALIZE = """
mutation($id: ID!, $data: JSON, $key: String) {
  transactionInitialize(id: $id, paymentGateway: {id: "meidu.payments.alipay", data: $data}, idempotencyKey: $key) {
    transaction { id token pspReference chargedAmount { amount } chargePendingAmount { amount } }
    transactionEvent { type }
    data
    errors { field code message }
  }
}"""
PROCESS = """
mutation($id: ID!) {
  transactionProcess(id: $id) {
    transaction { chargedAmount { amount } }
    transactionEvent { type pspReference }
    errors { field code message }
  }
}"""
GATEWAYS = """
mutation($id: ID!) {
  paymentGatewayInitialize(id: $id, paymentGateways: [{id: "meidu.payments.alipay"}]) {
    gatewayConfigs { id data errors { code } }
  }
}"""


def test_pay_with_alipay_through_the_api(make_checkout, buyer, alipay_api):
    client = GraphQLClient(token_for(buyer))
    checkout = make_checkout(buyer)
    checkout_id = to_global_id("Checkout", str(checkout.token))
    config = client.execute(GATEWAYS, {"id": checkout_id})["paymentGatewayInitialize"]["gatewayConfigs"]
    assert config == [{"id": ALIPAY, "data": {"modes": ["wap", "page"], "amount": "25.00"}, "errors": []}]

    started = client.execute(
        INITIALIZE,
        {"id": checkout_id, "data": {"mode": "page", "returnUrl": "https://app.example.cn/paid", "amount": "0.01"}},
    )["transactionInitialize"]
    assert started["errors"] == [] and started["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
    assert started["transaction"]["chargePendingAmount"]["amount"] == 25.0
    pay_url = started["data"]["alipay"]["payUrl"]
    assert started["data"]["alipay"]["totalAmount"] == "25.00" and "alipay.trade.page.pay" in pay_url
    assert requests.get(pay_url, timeout=5).status_code == 200

    transaction_id = started["transaction"]["id"]
    waiting = client.execute(PROCESS, {"id": transaction_id})["transactionProcess"]
    assert waiting["errors"] == [] and waiting["transaction"]["chargedAmount"]["amount"] == 0
    alipay_api.pay(started["transaction"]["pspReference"])
    done = client.execute(PROCESS, {"id": transaction_id})["transactionProcess"]
    assert done["transactionEvent"]["type"] == "CHARGE_SUCCESS"
    assert done["transaction"]["chargedAmount"]["amount"] == 25.0
    assert (
        done["transactionEvent"]["pspReference"] == alipay_api.trades[started["transaction"]["pspReference"]].trade_no
    )
