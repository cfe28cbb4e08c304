"""The operator's financing screens open; a loan's page is read-only and shows its debt from the ledger;
a financing rule with unordered lines is refused by the form."""

import pytest
from django.urls import reverse

from magnesium_exchange.financing.models import FinancingRule
from magnesium_exchange.financing.services.loans import loan_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, operator_user):
    client.force_login(operator_user)
    return client


@pytest.mark.parametrize("name", ["bank", "bankofficer", "financingrule", "loan"])
def test_the_operator_opens_every_financing_screen(operator_client, lending, name):
    assert operator_client.get(reverse(f"admin:exchange_financing_{name}_changelist")).status_code == 200


def test_a_loan_page_is_read_only_with_its_ledger_debt(operator_client, lending):
    loan = loan_apply(
        member=lending.borrower, bank=lending.ccb, receipts=[lending.receipt()], amount="1000.00", term_days=30
    )
    response = operator_client.get(reverse("admin:exchange_financing_loan_change", args=[loan.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and loan.number in html and 'name="status"' not in html
    assert (
        operator_client.post(
            reverse("admin:exchange_financing_loan_change", args=[loan.pk]), {"status": "repaid"}
        ).status_code
        == 403
    )


def test_a_rule_with_unordered_lines_is_refused_and_a_good_one_saved(operator_client, lending):
    url = reverse("admin:exchange_financing_financingrule_add")
    bad = {
        "haircut_percent": "20",
        "max_ltv_percent": "70",
        "warning_percent": "65",
        "liquidation_percent": "80",
        "margin_call_hours": "72",
    }
    assert operator_client.post(url, bad).status_code == 200 and FinancingRule.objects.count() == 0
    good = {**bad, "max_ltv_percent": "55", "bank": str(lending.ccb.pk)}
    assert operator_client.post(url, good).status_code == 302
    assert FinancingRule.objects.get().bank == lending.ccb
