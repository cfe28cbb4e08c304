"""Consents: only the member's traders give and withdraw them; a bank reads the report only while its
consent is in force, only for itself; every read is recorded and audited; every refusal writes nothing."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from magnesium_exchange.credit.selectors import (
    credit_consent_list_for_bank,
    credit_consent_list_for_member,
    credit_report_read_list_for_member,
)
from magnesium_exchange.credit.services import credit_consent_grant, credit_consent_revoke, credit_report_read
from magnesium_exchange.financing.models import BankOfficer
from magnesium_exchange.financing.selectors import bank_of_actor
from meidu.accounts.roles import Role
from meidu.core.audit.models import AuditEvent
from meidu.core.errors import DomainError
from meidu.core.statements import canonical_json, statement_public_jwks, statement_verify

pytestmark = pytest.mark.django_db


def writes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def refused(code, call):
    """``call`` is refused with ``code`` and writes no row anywhere."""
    before = writes()
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code, info.value.message
    assert writes() == before, f"the refusal {code} wrote rows"


@pytest.fixture
def member(market):
    return market.member("鞍山钢铁耐材采购有限公司")


@pytest.fixture
def trader(member, trader_factory):
    return trader_factory(member, can_trade=False, can_settle=False, can_manage_funds=False)


def test_a_trader_grants_and_revokes_and_both_are_audited(member, trader, ccb):
    consent = credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    assert (consent.member, consent.bank, consent.granted_by, consent.revoked_at) == (member, ccb.bank, trader, None)
    refused("already_granted", lambda: credit_consent_grant(member=member, bank=ccb.bank, actor=trader))
    revoked = credit_consent_revoke(member=member, bank=ccb.bank, actor=trader)
    assert revoked.pk == consent.pk and revoked.revoked_by == trader and revoked.revoked_at is not None
    refused("not_granted", lambda: credit_consent_revoke(member=member, bank=ccb.bank, actor=trader))
    refused("not_granted", lambda: credit_consent_revoke(consent, actor=trader))
    again = credit_consent_grant(member=member, bank=ccb.bank, actor=trader)  # a new consent, the old one kept
    assert again.pk != consent.pk and CreditConsent.objects.filter(member=member).count() == 2
    actions = list(
        AuditEvent.objects.filter(target_type="exchange_credit.creditconsent")
        .order_by("id")
        .values_list("action", "actor_user", "target_id")
    )
    assert actions == [
        ("exchange.credit_consent_granted", trader.pk, str(consent.pk)),
        ("exchange.credit_consent_revoked", trader.pk, str(consent.pk)),
        ("exchange.credit_consent_granted", trader.pk, str(again.pk)),
    ]
    assert [c.pk for c in credit_consent_list_for_member(member)] == [again.pk, consent.pk]
    assert [c.pk for c in credit_consent_list_for_bank(ccb.bank, in_force=True)] == [again.pk]


def test_only_a_trader_of_the_member_gives_or_withdraws_consent(
    market, member, trader, ccb, huaxia, make_user, trader_factory
):
    other_trader = trader_factory(market.member())
    for actor in (other_trader, make_user(Role.BUYER), ccb.officer, make_user(Role.OPERATOR), ccb.app, None):
        refused("not_your_member", lambda actor=actor: credit_consent_grant(member=member, bank=ccb.bank, actor=actor))
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    refused("not_your_member", lambda: credit_consent_revoke(member=member, bank=ccb.bank, actor=other_trader))
    refused("not_your_member", lambda: credit_consent_revoke(member=member, bank=ccb.bank, actor=ccb.officer))
    huaxia.bank.is_active = False
    huaxia.bank.save()
    refused("bank_not_active", lambda: credit_consent_grant(member=member, bank=huaxia.bank, actor=trader))


def test_no_consent_is_refused_and_writes_nothing(member, trader, ccb):
    refused("no_consent", lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer))
    refused("no_consent", lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.app))
    assert not CreditReportRead.objects.exists()
    assert not AuditEvent.objects.filter(action="exchange.credit_report_read").exists()


def test_every_read_is_recorded_and_audited(member, trader, ccb):
    consent = credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    _report, by_officer = credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer, ip_address="10.0.0.8")
    _report, by_app = credit_report_read(member=member, bank=ccb.bank, actor=ccb.app)
    reads = list(CreditReportRead.objects.order_by("id"))
    assert [(r.consent_id, r.member_id, r.bank_id, r.reader_user_id, r.reader_app_id) for r in reads] == [
        (consent.pk, member.pk, ccb.bank.pk, ccb.officer.pk, None),
        (consent.pk, member.pk, ccb.bank.pk, None, ccb.app.pk),
    ]
    jwks = {"keys": statement_public_jwks()}
    for read, statement in zip(reads, (by_officer, by_app), strict=True):
        claims = statement_verify(statement, jwks)
        assert read.report_sha256 == hashlib.sha256(canonical_json(claims)).hexdigest()
    audits = list(AuditEvent.objects.filter(action="exchange.credit_report_read").order_by("id"))
    assert [(a.actor_user_id, a.actor_app_id, a.target_id, a.data["sha256"]) for a in audits] == [
        (ccb.officer.pk, None, str(reads[0].pk), reads[0].report_sha256),
        (None, ccb.app.pk, str(reads[1].pk), reads[1].report_sha256),
    ]
    assert audits[0].ip_address == "10.0.0.8"
    assert [r.pk for r in credit_report_read_list_for_member(member)] == [reads[1].pk, reads[0].pk]
    shown = credit_consent_list_for_member(member).get()
    assert shown.read_count == 2 and shown.last_read_at == reads[1].read_at


def test_another_bank_never_reads_under_this_banks_consent(member, trader, ccb, huaxia, make_user):
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    # Huaxia's officer and App, naming CCB's bank or their own, are refused
    for actor in (huaxia.officer, huaxia.app):
        refused("not_your_bank", lambda actor=actor: credit_report_read(member=member, bank=ccb.bank, actor=actor))
        refused("no_consent", lambda actor=actor: credit_report_read(member=member, bank=huaxia.bank, actor=actor))
    # neither a trader, an operator nor an officer without a bank row reads anything
    loose_officer = make_user(Role.BANK_OFFICER)
    for actor in (trader, make_user(Role.OPERATOR), loose_officer, None):
        refused("not_your_bank", lambda actor=actor: credit_report_read(member=member, bank=ccb.bank, actor=actor))
    # an officer whose attachment to the bank ended reads no more
    BankOfficer.objects.filter(user=ccb.officer).update(is_active=False)
    refused("not_your_bank", lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer))
    assert not CreditReportRead.objects.exists()


def test_a_revoked_consent_refuses_the_next_read(member, trader, ccb):
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer)
    credit_consent_revoke(member=member, bank=ccb.bank, actor=trader)
    refused("no_consent", lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer))
    assert CreditReportRead.objects.count() == 1


def test_an_inactive_bank_reads_nothing(member, trader, ccb):
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    ccb.bank.is_active = False
    ccb.bank.save()
    refused("bank_not_active", lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer))


def test_bank_of_actor(ccb, huaxia, trader, make_user):
    assert bank_of_actor(ccb.officer) == ccb.bank and bank_of_actor(huaxia.app) == huaxia.bank
    assert (
        bank_of_actor(trader) is None
        and bank_of_actor(make_user(Role.BANK_OFFICER)) is None
        and bank_of_actor(None) is None
    )


def test_the_report_of_a_read_is_as_of_today(member, trader, ccb):
    credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
    report, _statement = credit_report_read(
        member=member, bank=ccb.bank, actor=ccb.officer, today=timezone.localdate() + timedelta(days=31)
    )
    assert report["period"]["as_of"] == (timezone.localdate() + timedelta(days=31)).isoformat()
