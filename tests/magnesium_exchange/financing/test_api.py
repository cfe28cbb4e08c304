"""The loans API: a borrower applies and repays, a bank's officer or App decides and disburses, and
nobody acts on or sees another's loan: an officer of another bank gets NOT_YOUR_BANK, and lists none
of that bank's loans; operators set the financing rules; a page of loans costs a fixed number of
queries whatever its length."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from magnesium_exchange.financing.models import FinancingRule, Loan, LoanStatus
from magnesium_exchange.financing.services.loans import loan_apply, loan_approve, loan_disburse
from magnesium_exchange.warehouses.models import ReceiptStatus
from meidu.accounts.roles import Role
from tests.magnesium_exchange.financing.lending import snapshot
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

LOAN_FIELDS = """
    id number status statusDisplay amountRequested principal annualRatePercent maxLtvPercent registryFilingNo
    bank { code name } borrowerName
    collateral { receiptNumber grade quantity status }
    events { action fromStatus toStatus }
    debt { principal interest total }
    latestValuation { day ltvPercent }
"""
APPLY = f"""mutation($bank: ID!, $receipts: [ID!]!, $amount: Decimal!, $term: Int!, $key: String) {{
  loanApply(bank: $bank, receipts: $receipts, amount: $amount, termDays: $term, purpose: "采购",
            idempotencyKey: $key) {{
    loan {{ {LOAN_FIELDS} }} errors {{ field code message }} }} }}"""
APPROVE = f"""mutation($id: ID!, $input: LoanApproveInput!) {{
  loanApprove(id: $id, input: $input) {{ loan {{ {LOAN_FIELDS} }} errors {{ field code message }} }} }}"""
DISBURSE = (
    """mutation($id: ID!) { loanDisburse(id: $id) { loan { status debt { principal } } errors { field code } } }"""
)
REPAY = """mutation($id: ID!, $amount: Decimal!) { loanRepay(id: $id, amount: $amount) {
  loan { status debt { total } } errors { field code message } } }"""
REJECT = """mutation($id: ID!) { loanReject(id: $id, reason: "资料不全") { loan { status } errors { field code } } }"""
CANCEL = """mutation($id: ID!) { loanCancel(id: $id, reason: "放弃") { loan { status } errors { field code } } }"""
WITHDRAW = """mutation($id: ID!) { loanWithdraw(id: $id) { loan { status } errors { field code } } }"""
ADD = """mutation($id: ID!, $receipts: [ID!]!) { loanCollateralAdd(id: $id, receipts: $receipts) {
  loan { collateral { receiptNumber status } } errors { field code } } }"""
RELEASE = """mutation($id: ID!, $receipts: [ID!]!) { loanCollateralRelease(id: $id, receipts: $receipts) {
  loan { collateral { receiptNumber status } } errors { field code message } } }"""
LOANS = f"""query($status: String) {{ loans(first: 50, status: $status) {{
  totalCount edges {{ node {{ {LOAN_FIELDS} }} }} }} }}"""
LOAN = f"""query($id: ID!) {{ loan(id: $id) {{ {LOAN_FIELDS} }} }}"""
RULE = """mutation($bank: ID, $grade: String, $h: Decimal!, $m: Decimal!, $w: Decimal!, $l: Decimal!) {
  financingRuleSet(bank: $bank, grade: $grade, haircutPercent: $h, maxLtvPercent: $m, warningPercent: $w,
                   liquidationPercent: $l, marginCallHours: 48) {
    rule { bank grade haircutPercent maxLtvPercent warningPercent liquidationPercent marginCallHours }
    errors { field code } } }"""


def rid(receipt):
    return to_global_id("WarehouseReceipt", receipt.pk)


def lid(loan):
    return to_global_id("FinancingLoan", loan.pk if isinstance(loan, Loan) else loan)


def bid(bank):
    return to_global_id("FinancingBank", bank.pk)


def client(user):
    return GraphQLClient(token_for(user))


def _terms(principal="100000.00"):
    return {"principal": principal, "annualRatePercent": "4.350", "termDays": 90, "registryFilingNo": "ZD20261206001"}


def _applied(lending, bank=None, net="100.000"):
    receipt = lending.receipt(net=net)
    return loan_apply(
        member=lending.borrower, bank=bank or lending.ccb, receipts=[receipt], amount="100000.00", term_days=90
    ), receipt


def test_borrower_applies_the_banks_app_approves_and_disburses_the_borrower_repays(lending):
    trader = client(lending.trader)
    receipt = lending.receipt()
    data = trader.execute(
        APPLY,
        {"bank": bid(lending.ccb), "receipts": [rid(receipt)], "amount": "100000.00", "term": 90, "key": "apply-1"},
    )["loanApply"]
    assert data["errors"] == [] and data["loan"]["status"] == "applied"
    loan_id = data["loan"]["id"]
    again = trader.execute(
        APPLY,
        {"bank": bid(lending.ccb), "receipts": [rid(receipt)], "amount": "100000.00", "term": 90, "key": "apply-1"},
    )["loanApply"]
    assert again["loan"]["id"] == loan_id and Loan.objects.count() == 1  # a retried application is the same loan

    bank_app = GraphQLClient(lending.ccb_app.raw_token)
    approved = bank_app.execute(APPROVE, {"id": loan_id, "input": _terms()})["loanApprove"]
    assert approved["errors"] == [], approved
    loan = approved["loan"]
    assert loan["status"] == "approved" and loan["principal"] == "100000.00" and loan["maxLtvPercent"] == "60.00"
    assert loan["registryFilingNo"] == "ZD20261206001"
    assert loan["collateral"] == [
        {"receiptNumber": receipt.number, "grade": "fm-98", "quantity": "100.000", "status": "pledged"}
    ]
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.PLEDGED

    disbursed = bank_app.execute(DISBURSE, {"id": loan_id})["loanDisburse"]
    assert disbursed == {"loan": {"status": "active", "debt": {"principal": "100000.00"}}, "errors": []}
    part = trader.execute(REPAY, {"id": loan_id, "amount": "40000.00"})["loanRepay"]
    assert part == {"loan": {"status": "active", "debt": {"total": "60000.00"}}, "errors": []}
    too_much = trader.execute(REPAY, {"id": loan_id, "amount": "60000.01"})["loanRepay"]
    assert too_much["errors"][0]["code"] == "REPAYMENT_EXCEEDS_DEBT" and too_much["loan"] is None
    rest = trader.execute(REPAY, {"id": loan_id, "amount": "60000.00"})["loanRepay"]
    assert rest == {"loan": {"status": "repaid", "debt": {"total": "0.00"}}, "errors": []}
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE
    events = trader.execute(LOAN, {"id": loan_id})["loan"]["events"]
    assert [e["action"] for e in events] == ["apply", "approve", "disburse", "repay", "repay", "repay_in_full"]


def test_an_officer_of_another_bank_is_refused_and_sees_nothing(lending):
    loan, receipt = _applied(lending)
    other = client(lending.hxb_officer)
    before = snapshot()
    for document, variables in (
        (APPROVE, {"id": lid(loan), "input": _terms()}),
        (REJECT, {"id": lid(loan)}),
        (DISBURSE, {"id": lid(loan)}),
        (CANCEL, {"id": lid(loan)}),
    ):
        payload = next(iter(other.execute(document, variables).values()))
        assert payload["errors"][0]["code"] == "NOT_YOUR_BANK" and payload["loan"] is None
    other_app = GraphQLClient(lending.hxb_app.raw_token)
    refused = other_app.execute(APPROVE, {"id": lid(loan), "input": _terms()})["loanApprove"]
    assert refused["errors"][0]["code"] == "NOT_YOUR_BANK"
    released = other.execute(RELEASE, {"id": lid(loan), "receipts": [rid(receipt)]})["loanCollateralRelease"]
    assert released["errors"][0]["code"] == "NOT_YOUR_LOAN"
    assert snapshot() == before
    assert other.execute(LOANS)["loans"] == {"totalCount": 0, "edges": []}
    assert other.execute(LOAN, {"id": lid(loan)})["loan"] is None


def test_each_bank_lists_only_its_loans_and_the_borrower_its_members(lending, make_user, operator_user):
    ccb_loan, _ = _applied(lending, lending.ccb)
    hxb_loan, _ = _applied(lending, lending.hxb)
    stranger_member = lending.market.member("营口青花耐火材料有限公司")
    from magnesium_exchange.members.services import trader_add

    stranger = make_user(Role.TRADER)
    trader_add(stranger_member, stranger)

    def numbers(user_or_client, status=None):
        c = user_or_client if isinstance(user_or_client, GraphQLClient) else client(user_or_client)
        return {edge["node"]["number"] for edge in c.execute(LOANS, {"status": status})["loans"]["edges"]}

    assert numbers(lending.ccb_officer) == {ccb_loan.number}
    assert numbers(GraphQLClient(lending.ccb_app.raw_token)) == {ccb_loan.number}
    assert numbers(lending.hxb_officer) == {hxb_loan.number}
    assert numbers(lending.trader) == {ccb_loan.number, hxb_loan.number}
    assert numbers(lending.trader, "approved") == set()
    assert numbers(operator_user) == {ccb_loan.number, hxb_loan.number}
    assert numbers(stranger) == set()
    assert numbers(make_user(Role.BUYER)) == set()
    assert GraphQLClient().execute(LOANS)["loans"]["totalCount"] == 0
    # One loan by id: its bank, its borrower and operators; not the other bank, a stranger or anonymous.
    assert client(lending.ccb_officer).execute(LOAN, {"id": lid(ccb_loan)})["loan"]["number"] == ccb_loan.number
    assert client(lending.ccb_officer).execute(LOAN, {"id": lid(hxb_loan)})["loan"] is None
    assert client(stranger).execute(LOAN, {"id": lid(ccb_loan)})["loan"] is None
    assert GraphQLClient().execute(LOAN, {"id": lid(ccb_loan)})["loan"] is None


def test_only_the_borrowers_traders_with_the_funds_grant_act_for_it(lending, make_user):
    from magnesium_exchange.members.services import trader_add

    loan, receipt = _applied(lending)
    no_grant = make_user(Role.TRADER)
    trader_add(lending.borrower, no_grant, can_trade=True, can_manage_funds=False)
    stranger_member = lending.market.member("营口青花耐火材料有限公司")
    stranger = make_user(Role.TRADER)
    trader_add(stranger_member, stranger, can_manage_funds=True)
    extra = lending.receipt(net="20.000")
    before = snapshot()
    body = (
        client(no_grant)
        .post(APPLY, {"bank": bid(lending.ccb), "receipts": [rid(extra)], "amount": "1000.00", "term": 30})
        .json()
    )
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert client(stranger).execute(WITHDRAW, {"id": lid(loan)})["loanWithdraw"]["errors"][0]["code"] == "NOT_YOUR_LOAN"
    assert client(stranger).execute(ADD, {"id": lid(loan), "receipts": [rid(extra)]})["loanCollateralAdd"]["errors"][0][
        "code"
    ] in ("NOT_YOUR_LOAN",)
    assert (
        client(stranger).execute(REPAY, {"id": lid(loan), "amount": "1.00"})["loanRepay"]["errors"][0]["code"]
        == "NOT_YOUR_LOAN"
    )
    # another member's receipt offered by the stranger: not theirs
    body = client(stranger).execute(
        APPLY, {"bank": bid(lending.ccb), "receipts": [rid(extra)], "amount": "1000.00", "term": 30}
    )
    assert body["loanApply"]["errors"][0]["code"] == "RECEIPT_NOT_YOURS"
    assert snapshot() == before
    assert client(lending.trader).execute(WITHDRAW, {"id": lid(loan)})["loanWithdraw"] == {
        "loan": {"status": "withdrawn"},
        "errors": [],
    }


def test_collateral_added_and_released_through_the_api(lending):
    loan, receipt = _applied(lending)
    loan_approve(loan, bank=lending.ccb, principal="100000.00", annual_rate_percent="4.000", term_days=90)
    loan_disburse(loan, bank=lending.ccb)
    extra = lending.receipt(net="50.000")
    trader = client(lending.trader)
    added = trader.execute(ADD, {"id": lid(loan), "receipts": [rid(extra)]})["loanCollateralAdd"]
    assert {c["receiptNumber"]: c["status"] for c in added["loan"]["collateral"]} == {
        receipt.number: "pledged",
        extra.number: "pledged",
    }
    # 100,000 owed on 50 t (120,000 after the haircut): 83.34% > 60%: the 100 t receipt must stay.
    refused = trader.execute(RELEASE, {"id": lid(loan), "receipts": [rid(receipt)]})["loanCollateralRelease"]
    assert refused["errors"][0]["code"] == "LOAN_TO_VALUE_EXCEEDED" and refused["loan"] is None
    released = client(lending.ccb_officer).execute(RELEASE, {"id": lid(loan), "receipts": [rid(extra)]})[
        "loanCollateralRelease"
    ]
    assert released["errors"] == [] and {c["status"] for c in released["loan"]["collateral"]} == {"pledged", "released"}


def test_hostile_numbers_are_refused_with_codes_and_write_nothing(lending):
    receipt = lending.receipt()
    trader = client(lending.trader)
    before = snapshot()
    for amount in ("NaN", "Infinity", "1e30", "-5", "0", "0.001"):
        response = trader.post(
            APPLY, {"bank": bid(lending.ccb), "receipts": [rid(receipt)], "amount": amount, "term": 30}
        )
        body = response.json()
        codes = [e.get("extensions", {}).get("exception", {}).get("code") for e in body.get("errors") or []]
        payload = (body.get("data") or {}).get("loanApply") or {}
        assert codes or payload["errors"][0]["code"] == "INVALID_AMOUNT", (amount, body)
    for term in (0, -1, 100000):
        payload = trader.execute(
            APPLY, {"bank": bid(lending.ccb), "receipts": [rid(receipt)], "amount": "1000.00", "term": term}
        )["loanApply"]
        assert payload["errors"][0]["code"] == "INVALID_TERM"
    loan, _ = _applied(lending)
    after_apply = snapshot()
    officer = client(lending.ccb_officer)
    for terms, code in (
        ({"annualRatePercent": "NaN"}, None),
        ({"annualRatePercent": "0"}, "INVALID_RATE"),
        ({"principal": "200000.00"}, "INVALID_AMOUNT"),
        ({"principal": "-1"}, "INVALID_AMOUNT"),
        ({"maxLtvPercent": "70", "warningPercent": "65"}, "INVALID_LINES"),
        ({"haircutPercent": "100"}, "INVALID_LINES"),
    ):
        response = officer.post(APPROVE, {"id": lid(loan), "input": {**_terms(), **terms}}).json()
        if code is None:
            assert response.get("errors"), response
        else:
            assert response["data"]["loanApprove"]["errors"][0]["code"] == code, (terms, response)
    assert snapshot() == after_apply
    assert before["Loan"] == 0


def test_operators_set_financing_rules_and_bad_lines_are_refused(lending, operator_user, grades):
    operator = client(operator_user)
    data = operator.execute(
        RULE, {"bank": bid(lending.ccb), "grade": "fm-98", "h": "25", "m": "50", "w": "60", "l": "75"}
    )
    assert data["financingRuleSet"] == {
        "rule": {
            "bank": "ccb-dsq",
            "grade": "fm-98",
            "haircutPercent": "25.00",
            "maxLtvPercent": "50.00",
            "warningPercent": "60.00",
            "liquidationPercent": "75.00",
            "marginCallHours": 48,
        },
        "errors": [],
    }
    assert FinancingRule.objects.count() == 1
    for values in (
        {"h": "20", "m": "70", "w": "65", "l": "80"},
        {"h": "20", "m": "60", "w": "85", "l": "80"},
        {"h": "100", "m": "60", "w": "65", "l": "80"},
        {"h": "20", "m": "0", "w": "65", "l": "80"},
        {"h": "20", "m": "60", "w": "65", "l": "101"},
    ):
        refused = operator.execute(RULE, {"bank": None, "grade": None, **values})["financingRuleSet"]
        assert refused["errors"][0]["code"] == "INVALID_LINES", values
    assert FinancingRule.objects.count() == 1
    # The rule is the bank's default at approval: 100 t × 3000 less 25% = 225,000; at 50% carries 112,500.
    loan, _ = _applied(lending)
    refused = client(lending.ccb_officer).execute(APPROVE, {"id": lid(loan), "input": _terms("100000.00")})
    assert refused["loanApprove"]["errors"] == []
    assert Loan.objects.get(pk=loan.pk).max_ltv_percent == Decimal("50.00")
    body = client(lending.ccb_officer).post(RULE, {"h": "1", "m": "2", "w": "3", "l": "4"}).json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_a_page_of_loans_costs_a_fixed_number_of_queries(lending, django_assert_max_num_queries):
    officer = client(lending.ccb_officer)

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            edges = officer.execute(LOANS)["loans"]["edges"]
        return len(edges), len(queries)

    for _ in range(2):
        loan, _r = _applied(lending)
        loan_approve(loan, bank=lending.ccb, principal="100000.00", annual_rate_percent="4.000", term_days=90)
    few = page_queries()
    for _ in range(4):
        loan, _r = _applied(lending)
    many = page_queries()
    assert (few[0], many[0]) == (2, 6)
    assert few[1] == many[1]
    with django_assert_max_num_queries(many[1]):
        officer.execute(LOANS)
    assert many[1] <= 14, many


def test_statuses_shown_are_the_loan_state_machine(lending):
    loan, _ = _applied(lending)
    assert client(lending.trader).execute(LOAN, {"id": lid(loan)})["loan"]["status"] == LoanStatus.APPLIED
