"""Complaint mutations and queries over /graphql/, run as every kind of caller: the buyer files
and rates, the shop's members and operators respond and resolve, nobody else acts or reads;
refusals return a code (or a permission error) and write nothing; lists cost fixed queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.complaints.models import ComplaintEvent
from marketplace.complaints.services import complaint_create, complaint_resolve, complaints_escalate_overdue
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.complaints.helpers import CREATE, FIELDS, state
from tests.marketplace.reviews.helpers import deliver

RESPOND = f"""mutation($id: ID!, $message: String!) {{
  complaintRespond(id: $id, message: $message) {{ complaint {{ {FIELDS} }} errors {{ field code }} }} }}"""
RESOLVE = f"""mutation($id: ID!, $resolution: ComplaintResolution!, $amount: String, $note: String) {{
  complaintResolve(id: $id, resolution: $resolution, amount: $amount, note: $note) {{
    complaint {{ {FIELDS} }} errors {{ field code message }} }} }}"""
RATE = f"""mutation($id: ID!, $rating: Int!) {{
  complaintRate(id: $id, rating: $rating) {{ complaint {{ {FIELDS} }} errors {{ field code }} }} }}"""
READ = (
    f"query($id: ID!) {{ complaint(id: $id) {{ {FIELDS}"
    " order { number } shop { name } events { type actor data } } }"
)
MINE = """query($first: Int, $status: ComplaintStatus) { myComplaints(first: $first, status: $status) {
  totalCount edges { node { id status category order { number } shop { name } events { type } } } } }"""
SHOP = """query($shop: ID!, $first: Int) { shopComplaints(shop: $shop, first: $first) {
  totalCount edges { node { id status order { number } shop { name } events { type actor } } } } }"""
QUEUE = """query($status: ComplaintStatus) { complaints(first: 20, status: $status) {
  totalCount edges { node { id status } } } }"""


def gid(obj):
    return to_global_id("Complaint", obj.pk)


def data_of(response, name):
    assert "errors" not in response, response
    return response["data"][name]


def test_the_whole_handling_over_the_api(clients, order, owner):
    created = data_of(
        clients["buyer"]
        .post(CREATE, {"order": to_global_id("Order", order.pk), "category": "QUALITY", "description": "梨子有黑心"})
        .json(),
        "complaintCreate",
    )
    assert created["errors"] == []
    complaint = created["complaint"]
    assert (complaint["status"], complaint["category"]) == ("AWAITING_SHOP", "QUALITY") and complaint["dueAt"]
    assert complaint["events"] == [{"type": "CREATED", "actor": "BUYER"}, {"type": "ROUTED", "actor": "SYSTEM"}]
    responded = data_of(
        clients["owner"].post(RESPOND, {"id": complaint["id"], "message": "马上处理"}).json(), "complaintRespond"
    )
    assert responded["errors"] == [] and responded["complaint"]["response"] == "马上处理"
    resolved = data_of(
        clients["owner"]
        .post(RESOLVE, {"id": complaint["id"], "resolution": "REFUND", "amount": "12.50", "note": "退一斤"})
        .json(),
        "complaintResolve",
    )
    assert resolved["errors"] == [] and resolved["complaint"]["refund"] == {"amount": 12.5, "currency": "CNY"}
    rated = data_of(clients["buyer"].post(RATE, {"id": complaint["id"], "rating": 5}).json(), "complaintRate")
    assert rated["errors"] == [] and (rated["complaint"]["status"], rated["complaint"]["handlingRating"]) == (
        "CLOSED",
        5,
    )
    timeline = data_of(clients["buyer"].post(READ, {"id": complaint["id"]}).json(), "complaint")["events"]
    assert [(e["type"], e["actor"]) for e in timeline] == [
        ("CREATED", "BUYER"),
        ("ROUTED", "SYSTEM"),
        ("RESPONDED", "SHOP"),
        ("RESOLVED", "SHOP"),
        ("RATED", "BUYER"),
    ]


@pytest.mark.parametrize("who", ["anonymous", "stranger", "rival_seller", "owner"])
def test_only_the_buyer_files_a_complaint(who, clients, order):
    before = state()
    response = (
        clients[who]
        .post(CREATE, {"order": to_global_id("Order", order.pk), "category": "SERVICE", "description": "态度差"})
        .json()
    )
    if who == "anonymous":
        assert response["errors"][0]["message"]
    else:
        payload = data_of(response, "complaintCreate")
        assert payload["complaint"] is None and [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
    assert state() == before


@pytest.mark.parametrize("who", ["anonymous", "buyer", "stranger", "rival_seller", "owner", "operator"])
@pytest.mark.parametrize("step", ["respond", "resolve"])
def test_who_handles_a_complaint(who, step, clients, buyer, order):
    complaint = complaint_create(order, buyer=buyer, category="quality", description="坏果")
    document, variables = {
        "respond": (RESPOND, {"id": gid(complaint), "message": "已处理"}),
        "resolve": (RESOLVE, {"id": gid(complaint), "resolution": "REFUND", "amount": "1.00"}),
    }[step]
    before = state()
    response = clients[who].post(document, variables).json()
    name = "complaintRespond" if step == "respond" else "complaintResolve"
    if who in ("owner", "operator"):
        payload = data_of(response, name)
        assert payload["errors"] == [] and payload["complaint"]["status"] == (
            "RESPONDED" if step == "respond" else "RESOLVED"
        )
        actor = ComplaintEvent.objects.filter(complaint=complaint).order_by("-pk").first().actor_kind
        assert actor == ("shop" if who == "owner" else "operator")
    else:
        assert response["errors"][0]["message"] and response["data"][name] is None
        assert state() == before


@pytest.mark.parametrize(
    "case",
    [
        "refund_above_paid",
        "resolve_twice",
        "double_rating",
        "stranger_rates",
        "rate_unresolved",
        "reject_without_reason",
        "bad_rating",
        "second_open",
    ],
)
def test_refusals_over_the_api(case, clients, buyer, owner, order):
    complaint = complaint_create(order, buyer=buyer, category="wrong_weight", description="缺斤少两")
    if case in ("resolve_twice", "double_rating", "stranger_rates", "bad_rating"):
        complaint_resolve(complaint, actor=owner, as_operator=False, resolution="replacement", note="补发")
    if case == "double_rating":
        clients["buyer"].execute(RATE, {"id": gid(complaint), "rating": 3})
    client, document, variables, expected = {
        "refund_above_paid": (
            "owner",
            RESOLVE,
            {"id": gid(complaint), "resolution": "REFUND", "amount": str(order.charged_amount + 1)},
            "REFUND_ABOVE_PAID",
        ),
        "resolve_twice": (
            "owner",
            RESOLVE,
            {"id": gid(complaint), "resolution": "REFUND", "amount": "1.00"},
            "ALREADY_RESOLVED",
        ),
        "double_rating": ("buyer", RATE, {"id": gid(complaint), "rating": 5}, "ALREADY_RATED"),
        "stranger_rates": ("stranger", RATE, {"id": gid(complaint), "rating": 1}, "NOT_FOUND"),
        "rate_unresolved": ("buyer", RATE, {"id": gid(complaint), "rating": 5}, "NOT_RESOLVED"),
        "reject_without_reason": ("operator", RESOLVE, {"id": gid(complaint), "resolution": "REJECTED"}, "REQUIRED"),
        "bad_rating": ("buyer", RATE, {"id": gid(complaint), "rating": 0}, "INVALID"),
        "second_open": (
            "buyer",
            CREATE,
            {"order": to_global_id("Order", order.pk), "category": "OTHER", "description": "又一个"},
            "ALREADY_OPEN",
        ),
    }[case]
    before = state()
    response = clients[client].post(document, variables).json()
    assert "errors" not in response, response
    payload = next(iter(response["data"].values()))
    assert payload["complaint"] is None and [e["code"] for e in payload["errors"]] == [expected]
    assert state() == before


def test_escalated_complaints_reach_the_operators_queue(clients, buyer, order):
    start = timezone.now()
    complaint = complaint_create(order, buyer=buyer, category="late_delivery", description="没送到", now=start)
    assert complaints_escalate_overdue(start + timedelta(hours=49)) == 1
    queue = clients["operator"].execute(QUEUE, {"status": "ESCALATED"})["complaints"]
    assert [edge["node"]["id"] for edge in queue["edges"]] == [gid(complaint)]
    for who in ("owner", "buyer", "anonymous"):
        response = clients[who].post(QUEUE, {"status": "ESCALATED"}).json()
        assert response["errors"][0]["message"] and response["data"]["complaints"] is None
    refused = data_of(
        clients["owner"].post(RESPOND, {"id": gid(complaint), "message": "晚了"}).json(), "complaintRespond"
    )
    assert [e["code"] for e in refused["errors"]] == ["ESCALATED_TO_OPERATOR"]
    done = data_of(
        clients["operator"].post(RESOLVE, {"id": gid(complaint), "resolution": "REPLACEMENT", "note": "补发"}).json(),
        "complaintResolve",
    )
    assert done["errors"] == [] and done["complaint"]["status"] == "RESOLVED"


@pytest.mark.parametrize(
    "who,sees",
    [
        ("buyer", True),
        ("owner", True),
        ("operator", True),
        ("stranger", False),
        ("rival_seller", False),
        ("anonymous", False),
    ],
)
def test_who_reads_a_complaint(who, sees, clients, buyer, order, pears):
    complaint = complaint_create(order, buyer=buyer, category="quality", description="坏果")
    found = clients[who].execute(READ, {"id": gid(complaint)})["complaint"]
    assert (found is not None) == sees
    if sees:
        assert found["order"]["number"] == str(order.number)
    shop_list = clients[who].post(SHOP, {"shop": to_global_id("MarketplaceShop", pears["shop"].pk), "first": 5}).json()
    if who in ("owner", "operator"):
        assert data_of(shop_list, "shopComplaints")["totalCount"] == 1
    else:
        assert shop_list["errors"][0]["message"] and shop_list["data"]["shopComplaints"] is None
    mine = clients[who].post(MINE, {"first": 5}).json()
    if who == "anonymous":
        assert mine["errors"][0]["message"]
    else:
        assert data_of(mine, "myComplaints")["totalCount"] == (1 if who == "buyer" else 0)


def _complaints(n, make_user, rural, pears, start=0):
    for k in range(start, start + n):
        someone = make_user()
        [placed] = placed_orders(someone, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key=f"c{k}")
        deliver(placed, pears["owner"], someone)
        complaint_create(placed, buyer=someone, category="quality", description=f"第{k}单")


def test_shop_complaints_cost_a_fixed_number_of_queries(
    clients, make_user, rural, pears, django_assert_max_num_queries
):
    variables = {"shop": to_global_id("MarketplaceShop", pears["shop"].pk), "first": 20}
    _complaints(2, make_user, rural, pears)
    with CaptureQueriesContext(connection) as small:
        first = clients["owner"].execute(SHOP, variables)["shopComplaints"]
    assert first["totalCount"] == 2
    _complaints(5, make_user, rural, pears, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = clients["owner"].execute(SHOP, variables)["shopComplaints"]
    assert data["totalCount"] == 7 and len(data["edges"]) == 7
    assert all([e["type"] for e in edge["node"]["events"]] == ["CREATED", "ROUTED"] for edge in data["edges"])


def test_my_complaints_cost_a_fixed_number_of_queries(
    buyer, rural, pears, order, clients, django_assert_max_num_queries
):
    complaint_create(order, buyer=buyer, category="quality", description="一")
    with CaptureQueriesContext(connection) as small:
        assert clients["buyer"].execute(MINE, {"first": 10})["myComplaints"]["totalCount"] == 1
    for k in range(4):
        [placed] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key=f"m{k}")
        complaint_create(placed, buyer=buyer, category="late_delivery", description=f"第{k}单")
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = clients["buyer"].execute(MINE, {"first": 10})["myComplaints"]
    assert data["totalCount"] == 5 and data["edges"][0]["node"]["category"] == "LATE_DELIVERY"
