"""A distributor shop opened through another distributor's invitation link (/seller/open/?kind=distributor
&invite=<code>) records who invited it, once; a link that does not qualify still opens the shop, records
nothing and says why in the reader's language; no money moves."""

from incubator.referrals.models import DistributorInviter
from logistics.geography.models import Village
from marketplace.shops.models import Shop
from meidu.core.ledger.models import LedgerTransaction
from tests.marketplace.factories import valid_id_number
from tests.support.buying import html, login


def form(village, name, invite, n):
    return {
        "name": name,
        "kind": "distributor",
        "real_name": "李秀英",
        "id_number": valid_id_number(n),
        "payout_account_name": "李秀英",
        "payout_account_number": "6228 4800 1234 5678",
        "payout_bank": "农村信用社",
        "village": village.pk,
        "offers_delivery": "on",
        "accept_terms": "on",
        "invite": invite,
    }


def test_a_shop_opened_by_an_invitation_records_its_inviter(county, inviter, make_user):
    village = Village.objects.order_by("code").first()
    client = login(make_user())
    opening = html(client.get(f"/seller/open/?kind=distributor&invite={inviter['link'].code}"))
    assert f'name="invite" value="{inviter["link"].code}"' in opening
    transactions = LedgerTransaction.objects.count()
    client.post("/seller/open/", form(village, "小英分销店", inviter["link"].code, 21))
    record = DistributorInviter.objects.get()
    assert record.invitee_shop == Shop.objects.get(name="小英分销店") and record.inviter_shop == inviter["shop"]
    assert LedgerTransaction.objects.count() == transactions  # no fee, no reward


def test_a_bad_invitation_opens_the_shop_and_records_nothing(county, make_user):
    village = Village.objects.order_by("code").first()
    client = login(make_user())
    response = client.post(
        "/seller/open/", form(village, "小英分销店", "nosuchcode", 22), HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )
    assert Shop.objects.filter(name="小英分销店").exists() and not DistributorInviter.objects.exists()
    assert "邀请链接无效" in html(response)
