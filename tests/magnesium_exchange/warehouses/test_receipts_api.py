"""Warehouse operators' mutations and traders' receipt queries: who may do and see what."""

from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, WeighbridgeTicket
from magnesium_exchange.warehouses.services import warehouse_staff_add
from meidu.accounts.roles import Role
from tests.magnesium_exchange.records_factories import FUSED_98_ASSAY
from tests.support.graphql import GraphQLClient, token_for

INBOUND = """
mutation($input: InboundTicketCreateInput!) { inboundTicketCreate(input: $input) {
  ticket { number net grade { code } } errors { field code message } } }
"""
ISSUE = """
mutation($input: ReceiptIssueInput!) { receiptIssue(input: $input) {
  receipt { number status quantity holderName grade { code } verification { valid } verificationUrl }
  errors { field code } } }
"""
SPLIT = """
mutation($n: String!, $q: [Decimal!]!) { receiptSplit(number: $n, quantities: $q) {
  receipt { status } parts { number quantity status } errors { field code } } }
"""
MERGE = "mutation($n: [String!]!) { receiptMerge(numbers: $n) { receipt { number quantity } errors { field code } } }"
WITHDRAW = """
mutation($n: String!, $g: Decimal!, $t: Decimal!, $net: Decimal!) {
  receiptWithdraw(number: $n, gross: $g, tare: $t, net: $net) {
  receipt { status } withinTolerance difference errors { field code } } }
"""
CANCEL = (
    "mutation($n: String!, $r: String!) { receiptCancel(number: $n, reason: $r) {"
    " receipt { status } errors { code } } }"
)
MY_RECEIPTS = (
    "query { myReceipts(first: 20) { totalCount edges { node {"
    " number quantity holderName warehouse { code } grade { code } commodity { code } events { seq hash } } } } }"
)
RECEIPT = (
    "query($n: String!) { receipt(number: $n) {"
    " number events { seq action hash signature } verification { valid problems } } }"
)


def inbound_input(member, **overrides):
    return {
        "input": {
            "warehouse": "HC01",
            "commodity": "fused-magnesia",
            "depositor": member.credit_code,
            "gross": "52.300",
            "tare": "17.800",
            "net": "34.500",
            "assay": {"mgo": "98.2", "sio2": "0.4", "cao": "0.9", "fe2o3": "0.5", "bulkDensity": "3.52"},
            "vehiclePlate": "辽C55555",
            **overrides,
        }
    }


def error_codes(data):
    return [e["code"] for e in data["errors"]]


def test_keeper_weighs_in_and_issues(keeper_client, warehouse, catalogue, seller_member):
    data = keeper_client.execute(INBOUND, inbound_input(seller_member))["inboundTicketCreate"]
    assert data["errors"] == [] and data["ticket"]["grade"]["code"] == "fm-98" and data["ticket"]["net"] == "34.500"
    issued = keeper_client.execute(
        ISSUE,
        {
            "input": {
                "warehouse": "HC01",
                "ticket": data["ticket"]["number"],
                "packaging": "吨袋",
                "insuredValue": "103500.00",
                "storageUntil": "2027-05-31",
            }
        },
    )["receiptIssue"]
    assert issued["errors"] == []
    receipt = issued["receipt"]
    assert (
        receipt["quantity"] == "34.500" and receipt["status"] == "active" and receipt["verification"] == {"valid": True}
    )
    code = Receipt.objects.get(number=receipt["number"]).verification_code
    assert receipt["verificationUrl"].endswith(f"/exchange/receipts/{receipt['number']}/verify/?code={code}")
    again = keeper_client.execute(ISSUE, {"input": {"warehouse": "HC01", "ticket": data["ticket"]["number"]}})[
        "receiptIssue"
    ]
    assert error_codes(again) == ["TICKET_ALREADY_USED"]


def test_inbound_refusals(keeper_client, warehouse, catalogue, seller_member):
    data = keeper_client.execute(INBOUND, inbound_input(seller_member, net="34.400"))["inboundTicketCreate"]
    assert data["errors"] == [{"field": "net", "code": "NET_WEIGHT_MISMATCH", "message": data["errors"][0]["message"]}]
    data = keeper_client.execute(INBOUND, inbound_input(seller_member, assay={"mgo": "90"}))["inboundTicketCreate"]
    assert error_codes(data) == ["NO_MATCHING_GRADE"]
    data = keeper_client.execute(INBOUND, inbound_input(seller_member, depositor="91210381000000000X"))[
        "inboundTicketCreate"
    ]
    assert error_codes(data) == ["NOT_FOUND"]
    assert WeighbridgeTicket.objects.count() == 0


def test_staff_of_another_warehouse_and_non_staff_are_refused(
    make_user, other_warehouse, warehouse, catalogue, seller_member, receipt_factory, trader_factory
):
    stranger_keeper = make_user(Role.WAREHOUSE_OPERATOR)
    warehouse_staff_add(other_warehouse, stranger_keeper)
    client = GraphQLClient(token_for(stranger_keeper))
    data = client.execute(INBOUND, inbound_input(seller_member))["inboundTicketCreate"]
    assert error_codes(data) == ["NOT_WAREHOUSE_STAFF"]
    receipt = receipt_factory(seller_member)
    data = client.execute(CANCEL, {"n": receipt.number, "r": "x"})["receiptCancel"]
    assert error_codes(data) == ["NOT_WAREHOUSE_STAFF"]
    trader = GraphQLClient(token_for(trader_factory(seller_member)))  # even the holder cannot operate the warehouse
    response = trader.post(CANCEL, {"n": receipt.number, "r": "x"}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert Receipt.objects.get(pk=receipt.pk).status == ReceiptStatus.ACTIVE


def test_split_merge_withdraw_cancel_mutations(keeper_client, receipt_factory, seller_member, other_warehouse, fused):
    receipt = receipt_factory(seller_member, net="100.000")
    bad = keeper_client.execute(SPLIT, {"n": receipt.number, "q": ["70", "20"]})["receiptSplit"]
    assert bad["errors"] == [{"field": "quantities", "code": "SPLIT_QUANTITIES_MISMATCH"}]
    data = keeper_client.execute(SPLIT, {"n": receipt.number, "q": ["70", "20", "10"]})["receiptSplit"]
    assert data["receipt"]["status"] == "split" and [p["quantity"] for p in data["parts"]] == [
        "70.000",
        "20.000",
        "10.000",
    ]
    first, second, third = (p["number"] for p in data["parts"])
    merged = keeper_client.execute(MERGE, {"n": [second, third]})["receiptMerge"]
    assert merged["errors"] == [] and merged["receipt"]["quantity"] == "30.000"
    other = receipt_factory(seller_member, net="5.000", assay={**FUSED_98_ASSAY, "mgo": "97.5", "sio2": "0.8"})
    refused = keeper_client.execute(MERGE, {"n": [first, other.number]})["receiptMerge"]
    assert error_codes(refused) == ["MERGE_MISMATCH"]
    out = keeper_client.execute(WITHDRAW, {"n": first, "g": "90.100", "t": "20", "net": "70.100"})["receiptWithdraw"]
    assert out == {"receipt": {"status": "withdrawn"}, "withinTolerance": True, "difference": "0.100", "errors": []}
    frozen = keeper_client.execute(WITHDRAW, {"n": merged["receipt"]["number"], "g": "51", "t": "20", "net": "31"})[
        "receiptWithdraw"
    ]
    assert frozen["receipt"] == {"status": "frozen"} and frozen["withinTolerance"] is False
    cancelled = keeper_client.execute(CANCEL, {"n": merged["receipt"]["number"], "r": "x"})["receiptCancel"]
    assert error_codes(cancelled) == ["RECEIPT_FROZEN"]
    assert keeper_client.execute(CANCEL, {"n": other.number, "r": "录入错误"})["receiptCancel"]["receipt"] == {
        "status": "cancelled"
    }


def test_trader_sees_only_their_members_receipts(
    trader_factory, receipt_factory, seller_member, buyer_member, django_assert_max_num_queries
):
    mine = [receipt_factory(seller_member, net=n) for n in ("10", "20", "30")]
    theirs = receipt_factory(buyer_member, net="40")
    client = GraphQLClient(token_for(trader_factory(seller_member)))
    with django_assert_max_num_queries(12):
        data = client.execute(MY_RECEIPTS)["myReceipts"]
    assert data["totalCount"] == 3
    assert {e["node"]["number"] for e in data["edges"]} == {r.number for r in mine}
    detail = client.execute(RECEIPT, {"n": mine[0].number})["receipt"]
    assert detail["verification"] == {"valid": True, "problems": []} and detail["events"][0]["action"] == "issued"
    response = client.post(RECEIPT, {"n": theirs.number}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert response["data"]["receipt"] is None
    assert client.execute(RECEIPT, {"n": "MGNOPE"})["receipt"] is None


def test_my_receipts_needs_a_trader(buyer_api_client, db):
    response = buyer_api_client.post(MY_RECEIPTS).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_keeper_lists_their_warehouse_receipts(keeper_client, receipt_factory, seller_member, other_warehouse):
    receipt_factory(seller_member, net="12")
    data = keeper_client.execute('query { warehouseReceipts(warehouse: "HC01", first: 10) { totalCount } }')
    assert data["warehouseReceipts"]["totalCount"] == 1
    response = keeper_client.post('query { warehouseReceipts(warehouse: "DSQ02", first: 10) { totalCount } }').json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


WAREHOUSE_CREATE = """
mutation($code: String!) { exchangeWarehouseCreate(code: $code, name: "营口港监管仓", address: "辽宁省营口市鲅鱼圈区",
  keeperName: "营口港务仓储有限公司", lossTolerancePercent: "0.5") {
  warehouse { code keeperName } errors { field code } } }
"""


def test_operator_registers_a_warehouse_and_its_staff(operator_api_client, keeper_client, make_user):
    data = operator_api_client.execute(WAREHOUSE_CREATE, {"code": "ykg01"})["exchangeWarehouseCreate"]
    assert data == {"warehouse": {"code": "YKG01", "keeperName": "营口港务仓储有限公司"}, "errors": []}
    again = operator_api_client.execute(WAREHOUSE_CREATE, {"code": "YKG01"})["exchangeWarehouseCreate"]
    assert again["errors"] == [{"field": "code", "code": "UNIQUE"}]
    response = keeper_client.post(WAREHOUSE_CREATE, {"code": "EVIL1"}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    user = make_user(Role.BUYER)
    staff = operator_api_client.execute(
        'mutation($u: String!) { exchangeWarehouseStaffAdd(warehouse: "YKG01", user: $u) { errors { code } } }',
        {"u": user.phone},
    )
    assert staff["exchangeWarehouseStaffAdd"]["errors"] == []
    assert Role.WAREHOUSE_OPERATOR.value in set(user.groups.values_list("name", flat=True))
