"""Loan disputes: the loan's bank or its borrower raises one (one open per side), only an exchange
operator resolves it; every refusal writes nothing; both steps are loan events; the operator's page
lists open disputes and every pledge in force, and the bank's and the trader's loan pages carry the form."""

import pytest
from django.test import Client

from magnesium_exchange.financing.models import DisputeStatus, LoanDispute, LoanEvent
from magnesium_exchange.financing.services.disputes import loan_dispute_raise, loan_dispute_resolve
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from tests.magnesium_exchange.financing.lending import snapshot
from tests.magnesium_exchange.financing.risk_factories import active_loan
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db


def _refused(code, call):
    before = snapshot(), LoanDispute.objects.count()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code
    assert (snapshot(), LoanDispute.objects.count()) == before


def test_bank_and_borrower_raise_one_each_and_an_operator_decides(lending):
    loan, _receipts = active_loan(lending)
    by_bank = loan_dispute_raise(
        loan, actor=lending.ccb_officer, subject="valuation", description="参考价偏低，申请复核"
    )
    by_borrower = loan_dispute_raise(
        loan, actor=lending.trader, subject="margin_call", description="已补仓，追加保证金通知未解除"
    )
    assert (by_bank.side, by_borrower.side) == ("bank", "borrower")
    _refused(
        "dispute_already_open",
        lambda: loan_dispute_raise(loan, actor=lending.trader, subject="other", description="again"),
    )
    resolved = loan_dispute_resolve(by_borrower, actor=lending.operator, resolution="经核实已补仓，通知已解除。")
    assert (resolved.status, resolved.resolved_by) == (DisputeStatus.RESOLVED, lending.operator)
    assert list(
        LoanEvent.objects.filter(loan=loan, action__startswith="dispute")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["dispute_raised", "dispute_raised", "dispute_resolved"]
    _refused("invalid_transition", lambda: loan_dispute_resolve(by_borrower, actor=lending.operator, resolution="x"))
    # the borrower's side may open a new one once its last is decided
    assert loan_dispute_raise(loan, actor=lending.trader, subject="other", description="新问题").side == "borrower"


def test_strangers_other_banks_and_bad_text_are_refused_writing_nothing(lending, make_user):
    loan, _receipts = active_loan(lending)
    for stranger in (lending.hxb_officer, lending.hxb_app, make_user(Role.TRADER), make_user(Role.BUYER)):
        _refused(
            "not_your_loan",
            lambda actor=stranger: loan_dispute_raise(loan, actor=actor, subject="other", description="不是我的贷款"),
        )
    for subject, text, code in (
        ("nonsense", "x", "invalid"),
        ("other", "", "required"),
        ("other", "a\x00b", "invalid"),
        ("other", "长" * 1001, "invalid"),
        ("other", None, "required"),
    ):
        _refused(
            code, lambda s=subject, t=text: loan_dispute_raise(loan, actor=lending.trader, subject=s, description=t)
        )
    dispute = loan_dispute_raise(loan, actor=lending.ccb_officer, subject="forced_sale", description="买方违约")
    for actor in (lending.ccb_officer, lending.trader, lending.ccb_app):
        _refused("not_your_loan", lambda a=actor: loan_dispute_resolve(dispute, actor=a, resolution="自己裁决"))
    _refused("required", lambda: loan_dispute_resolve(dispute, actor=lending.operator, resolution="   "))
    _refused("not_found", lambda: loan_dispute_resolve(10**9, actor=lending.operator, resolution="无此争议"))


def test_pages_raise_list_and_resolve(lending, make_user, django_assert_max_num_queries):
    loan, receipts = active_loan(lending)
    trader, officer, operator = Client(), Client(), Client()
    trader.login(username=lending.trader.phone, password=PASSWORD)
    officer.login(username=lending.ccb_officer.phone, password=PASSWORD)
    operator.login(username=lending.operator.phone, password=PASSWORD)

    page = trader.get(f"/exchange/terminal/loans/{loan.number}/")
    assert 'data-field="disputes"' in page.content.decode()
    response = trader.post(
        f"/exchange/terminal/loans/{loan.number}/dispute/",
        {"dispute-subject": "repayment", "dispute-description": "利息多计了一天"},
        follow=True,
    )
    assert "利息多计了一天" in response.content.decode()
    response = officer.post(
        f"/bank/loans/{loan.number}/dispute/", {"dispute-subject": "nonsense", "dispute-description": "x"}, follow=True
    )
    assert LoanDispute.objects.filter(side="bank").count() == 0 and response.status_code == 200
    officer.post(
        f"/bank/loans/{loan.number}/dispute/", {"dispute-subject": "collateral", "dispute-description": "货物短少"}
    )
    # another bank's officer cannot reach the loan at all
    other = Client()
    other.login(username=lending.hxb_officer.phone, password=PASSWORD)
    assert (
        other.post(
            f"/bank/loans/{loan.number}/dispute/", {"dispute-subject": "other", "dispute-description": "x"}
        ).status_code
        == 404
    )

    assert trader.get("/operator/financing/").status_code == 403
    more, _ = active_loan(lending, bank=lending.hxb)
    with django_assert_max_num_queries(12):
        page = operator.get("/operator/financing/")
    html = page.content.decode()
    assert page.status_code == 200 and "利息多计了一天" in html and "货物短少" in html
    assert all(f'data-receipt="{r.number}"' in html for r in receipts)
    dispute = LoanDispute.objects.get(side="borrower")
    operator.post(f"/operator/financing/disputes/{dispute.pk}/resolve/", {"resolution": "已更正利息"})
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution) == (DisputeStatus.RESOLVED, "已更正利息")
    assert "已更正利息" in trader.get(f"/exchange/terminal/loans/{loan.number}/").content.decode()
