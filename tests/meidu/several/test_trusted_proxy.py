"""The client's address behind the load balancer: X-Forwarded-For believed from TRUSTED_PROXIES only,
so that throttles by address count each client, not the balancer."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from meidu.accounts import throttle
from meidu.core.proxy import client_address, trusted_networks

pytestmark = pytest.mark.django_db

BALANCERS = ["10.0.0.0/24", "fd00::/64"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),  # one balancer
        ("10.0.0.5", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a client writing its own header is ignored
        ("10.0.0.5", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two trusted hops
        ("10.0.0.5", "10.0.0.8, 10.0.0.7", "10.0.0.8"),  # all trusted: the left-most
        ("10.0.0.5", "", "10.0.0.5"),  # no header: the balancer itself
        ("10.0.0.5", "not-an-address, 10.0.0.7", "10.0.0.7"),  # garbage stops the walk at the nearest hop
        ("fd00::1", "2001:db8::9", "2001:db8::9"),
        ("203.0.113.50", "198.51.100.1", "203.0.113.50"),  # not from a balancer: the header is a lie
    ],
)
def test_client_address(remote, forwarded, client):
    with override_settings(TRUSTED_PROXIES=BALANCERS):
        assert client_address(remote, forwarded, trusted_networks()) == client


def _fail_login(client: Client, identifier: str, forwarded_for: str) -> None:
    response = client.post(
        reverse("shell:login"),
        {"identifier": identifier, "password": "not-the-password"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert response.status_code == 200  # the form again, with its error


def test_login_failures_through_the_balancer_count_per_client():
    with override_settings(TRUSTED_PROXIES=BALANCERS):
        client = Client()
        for n in range(3):
            _fail_login(client, f"1390000000{n}", "203.0.113.9")
        _fail_login(client, "13900000009", "198.51.100.1")
    assert throttle.hits("login-fail:ip:203.0.113.9") == 3
    assert throttle.hits("login-fail:ip:198.51.100.1") == 1
    assert throttle.hits("login-fail:ip:10.0.0.5") == 0


def test_without_trusted_proxies_the_header_is_ignored():
    client = Client()
    _fail_login(client, "13900000001", "203.0.113.9")
    assert throttle.hits("login-fail:ip:10.0.0.5") == 1
    assert throttle.hits("login-fail:ip:203.0.113.9") == 0
