"""The station's assisted-buying pages (网络代购): the agent orders for a villager who reads out the
code; refusals come back on the page in the agent's language and place nothing."""

from django.urls import reverse

from marketplace.assisted.models import AssistedOrder
from marketplace.orders.models import Order
from meidu.accounts.roles import Role
from tests.marketplace.checkout.factories import village_station
from tests.support.assisted import VILLAGER_PHONE
from tests.support.buying import login
from tests.support.phone_codes import latest_code


def _started(agent, station):
    page = agent.post(reverse("station:assisted"), {"point": station.pk, "phone": "139 0417 8801"})
    assert page.status_code == 302, page.content.decode()
    return AssistedOrder.objects.get(pk=page.url.rstrip("/").split("/")[-1])


def test_the_agent_orders_two_bags_for_a_villager_who_reads_out_the_code(station, station_agent, fertiliser):
    agent = login(station_agent)
    home = agent.get(reverse("station:assisted"))
    assert home.status_code == 200 and "代购" in home.content.decode() or "villager" in home.content.decode()
    assisted = _started(agent, station)
    url = reverse("station:assisted_order", kwargs={"token": assisted.pk})
    page = agent.get(url, {"q": "复合肥"}).content.decode()
    assert "复合肥 40kg" in page and "139****8801" in page and VILLAGER_PHONE not in page
    variant = fertiliser["variant"].pk
    agent.post(reverse("station:assisted_line", kwargs={"token": assisted.pk}), {"variant": variant, "quantity": 2})
    agent.post(reverse("station:assisted_delivery", kwargs={"token": assisted.pk}), {"delivery": "station"})
    agent.post(reverse("station:assisted_code", kwargs={"token": assisted.pk}))
    done = agent.post(
        reverse("station:assisted_confirm", kwargs={"token": assisted.pk}),
        {"method": "code", "code": latest_code(VILLAGER_PHONE)},
        follow=True,
    ).content.decode()
    [order] = Order.objects.all()
    assert str(order.number) in done and "¥300.00" in done
    villager = login(order.user).get(reverse("shop:order", args=[order.number])).content.decode()
    assert 'id="assisted-by"' in villager and station.name in villager


def test_refusals_show_on_the_page_in_the_agents_language_and_place_nothing(
    make_user, station, station_agent, fertiliser
):
    agent = login(station_agent)
    refused = agent.post(reverse("station:assisted"), {"point": station.pk, "phone": "1e30"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "mainland China mobile number" in refused.content.decode()
    assisted = _started(agent, station)
    confirm = reverse("station:assisted_confirm", kwargs={"token": assisted.pk})
    agent.post(
        reverse("station:assisted_line", kwargs={"token": assisted.pk}),
        {"variant": fertiliser["variant"].pk, "quantity": 2},
    )
    agent.post(reverse("station:assisted_delivery", kwargs={"token": assisted.pk}), {"delivery": "station"})
    english = agent.post(confirm, {"method": "code", "code": "123456"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The code is not right" in english.content.decode()
    chinese = agent.post(confirm, {"method": "signature", "signed_name": "王秀英"}, follow=True)
    assert "勾选" in chinese.content.decode() or "签名" in chinese.content.decode()
    assert Order.objects.count() == 0
    # a buyer has no assisted pages; another station's agent cannot open this one
    assert login(make_user(Role.BUYER)).get(reverse("station:assisted")).status_code == 403
    other_agent = make_user(Role.BUYER)
    village_station(make_user(Role.BUYER), other_agent)
    assert login(other_agent).get(reverse("station:assisted_order", kwargs={"token": assisted.pk})).status_code == 404
    assert (
        login(other_agent).post(confirm, {"method": "signature", "signed_name": "王", "attested": "on"}).status_code
        == 404
    )
    assert Order.objects.count() == 0
