"""Finding the checkout a request names. The checkout ID is the buyer's secret (as in Saleor);
a checkout that belongs to a user is hidden from other logged-in users."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from graphql_relay import from_global_id

from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.checkout.selectors import checkout_get, checkout_visible_to
from meidu.core.errors import DomainError


def checkout_token_from_id(global_id: str | None, field: str = "id") -> uuid.UUID:
    try:
        type_name, pk = from_global_id(global_id or "")
        if type_name != "Checkout":
            raise ValueError
        return uuid.UUID(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        try:
            return uuid.UUID(str(global_id))  # Saleor also accepts the bare token
        except (ValueError, TypeError):
            raise DomainError(
                _("Couldn't resolve to a Checkout: %(id)s") % {"id": global_id},
                CheckoutErrorCode.GRAPHQL_ERROR,
                field=field,
            ) from None


def checkout_for_request(info, global_id: str | None, field: str = "id"):
    token = checkout_token_from_id(global_id, field)
    checkout = checkout_get(token)
    if checkout is None or not checkout_visible_to(checkout, info.context.user):
        raise DomainError(_("Checkout not found"), CheckoutErrorCode.NOT_FOUND, field=field)
    return checkout
