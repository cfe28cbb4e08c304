"""Consents under concurrent writers on real connections: two traders granting at once leave exactly one
consent in force (the partial unique index decides, the loser gets ALREADY_GRANTED); a read racing a
revoke either reads before it or is refused NO_CONSENT, never reads under a revoked consent."""

import pytest

from magnesium_exchange.credit.models import CreditConsent, CreditReportRead
from magnesium_exchange.credit.services import credit_consent_grant, credit_consent_revoke, credit_report_read
from tests.support.races import codes, race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def test_two_grants_at_once_leave_one_consent(market, ccb, trader_factory):
    member = market.member()
    first, second = trader_factory(member), trader_factory(member)
    for _ in range(ROUNDS):
        outcomes = race(
            lambda: credit_consent_grant(member=member, bank=ccb.bank, actor=first),
            lambda: credit_consent_grant(member=member, bank=ccb.bank, actor=second),
        )
        assert codes(outcomes) == ["already_granted", "ok"]
        assert CreditConsent.objects.filter(member=member, bank=ccb.bank, revoked_at__isnull=True).count() == 1
        credit_consent_revoke(member=member, bank=ccb.bank, actor=first)


def test_a_read_racing_a_revoke_never_reads_under_a_revoked_consent(market, ccb, trader_factory):
    member = market.member()
    trader = trader_factory(member)
    for _ in range(ROUNDS):
        consent = credit_consent_grant(member=member, bank=ccb.bank, actor=trader)
        read, _ = race(
            lambda: credit_report_read(member=member, bank=ccb.bank, actor=ccb.officer),
            lambda: credit_consent_revoke(member=member, bank=ccb.bank, actor=trader),
        )
        assert read.code == "no_consent" or isinstance(read.value, tuple)
        consent.refresh_from_db()
        assert consent.revoked_at is not None
        for read in CreditReportRead.objects.filter(consent=consent):
            assert read.read_at <= consent.revoked_at
