"""The one shape of a warehouse desk form page (weigh in, issue, withdraw, check a truck in,
publish slots): the page is about one warehouse the user works at; a valid POST calls one
warehouses service; a refusal goes back onto the form by field, a success becomes a message and a
redirect (so a reload never posts twice). Shared by warehouse_views and warehouse_freight so both
desks answer alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from meidu.core.errors import DomainError
from storefront.exchange.errors import add_domain_errors
from storefront.exchange.warehouse_access import with_warehouse


def desk_form_page(view):
    """A desk page with a form: GET or HEAD shows it, POST submits it; only the warehouse's staff."""
    return with_warehouse(require_http_methods(["GET", "HEAD", "POST"])(view))


def desk_submit(
    request,
    form,
    service: Callable[[dict], Any],
    done: Callable[[Any], HttpResponse],
    field_map: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On a valid POST: ``service(cleaned_data)``; its result goes to ``done`` (message, redirect),
    its DomainError onto ``form`` (service field -> form field by ``field_map``). None means: render
    the page (a GET, an invalid form, or a refusal now on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
    except DomainError as exc:
        add_domain_errors(form, exc, field_map)
        return None
    return done(result)
