"""Saleor's checkout mutations; each parses input, finds the checkout and calls one service."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.channels.models import Channel
from marketplace.checkout import services
from marketplace.checkout.api.access import checkout_for_request, checkout_token_from_id
from marketplace.checkout.api.types import CheckoutType
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.error_codes import CheckoutErrorCode
from marketplace.inventory.models import Warehouse
from marketplace.shipping.models import ShippingMethod
from marketplace.shops.access import SHOP_TYPE
from marketplace.shops.models import Shop
from meidu.accounts.address_api import AddressInput, address_input_data
from meidu.core.errors import DomainError
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import require_user
from meidu.core.sql.compiled import CompiledQuery


class CheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class CheckoutLineUpdateInput(graphene.InputObjectType):
    variant_id = graphene.ID()
    line_id = graphene.ID()
    quantity = graphene.Int(required=True)


class CheckoutCreateInput(graphene.InputObjectType):
    channel = graphene.String(description="Slug of the channel.")
    email = graphene.String()
    lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)
    shipping_address = AddressInput()
    billing_address = AddressInput()


class CheckoutMutation(BaseMutation):
    default_error_code_enum = CheckoutErrorCode
    default_error_type_name = "CheckoutError"
    checkout = graphene.Field(CheckoutType)

    class Meta:
        abstract = True


# The lines' variants with their products, shops and product types, compiled once per number of variants:
# every checkoutCreate and line change reads them, and the select_related queryset cost ~1 ms to build
_variants_by_id = CompiledQuery(
    lambda ids: (
        ProductVariant.objects.select_related("product__shop", "product__product_type").filter(pk__in=ids).order_by()
    ),
    ids=[int],
)
_COMPILED_UP_TO = 8
_MAX_ID = 2**63 - 1  # a larger number is no variant (PostgreSQL's bigint would refuse it)


def _variants(global_ids: list[str], field: str = "variantId") -> dict[str, ProductVariant]:
    pks = {global_id: from_global_id_or_error(global_id, "ProductVariant", field) for global_id in global_ids}
    ids = sorted({int(pk) for pk in pks.values() if str(pk).isdigit() and int(pk) <= _MAX_ID})
    if len(ids) <= _COMPILED_UP_TO:
        found = {variant.pk: variant for variant in _variants_by_id(ids=ids)}
    else:  # a long cart: not one more compiled statement kept per length
        found = ProductVariant.objects.select_related("product__shop", "product__product_type").in_bulk(ids)
    variants = {}
    for global_id, pk in pks.items():
        variant = found.get(int(pk)) if str(pk).isdigit() else None
        if variant is None:
            raise DomainError(
                _("Couldn't find variant %(id)s") % {"id": global_id}, CheckoutErrorCode.NOT_FOUND, field=field
            )
        variants[global_id] = variant
    return variants


def _line_pairs(lines) -> list[tuple[ProductVariant, int]]:
    variants = _variants([line["variant_id"] for line in lines])
    return [(variants[line["variant_id"]], line["quantity"]) for line in lines]


class CheckoutCreate(CheckoutMutation):
    class Arguments:
        input = CheckoutCreateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, input):
        slug = input.get("channel")
        channel = Channel.objects.filter(slug=slug).first() if slug else Channel.objects.order_by("pk").first()
        if channel is None:
            raise DomainError(_("Channel not found"), CheckoutErrorCode.NOT_FOUND, field="channel")
        checkout = services.checkout_create(
            channel=channel,
            user=info.context.user,
            email=input.get("email"),
            lines=_line_pairs(input["lines"]),
            shipping_address=address_input_data(input.get("shipping_address")),
            billing_address=address_input_data(input.get("billing_address")),
            client_address=ip_address(info),
        )
        return cls(errors=[], checkout=checkout)


class CheckoutLinesAdd(CheckoutMutation):
    class Arguments:
        id = graphene.ID(description="The checkout's ID.")
        lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)

    @classmethod
    def perform_mutation(cls, root, info, lines, id=None):
        checkout = checkout_for_request(info, id)
        return cls(errors=[], checkout=services.checkout_lines_add(checkout, _line_pairs(lines)))


class CheckoutLinesUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        lines = graphene.List(graphene.NonNull(CheckoutLineUpdateInput), required=True)

    @classmethod
    def perform_mutation(cls, root, info, lines, id=None):
        checkout = checkout_for_request(info, id)
        by_line = {line.pk: line.variant for line in checkout.lines.select_related("variant__product__shop")}
        variant_ids = [line["variant_id"] for line in lines if line.get("variant_id")]
        variants = _variants(variant_ids) if variant_ids else {}
        pairs = []
        for line in lines:
            if line.get("variant_id"):
                pairs.append((variants[line["variant_id"]], line["quantity"]))
            elif line.get("line_id"):
                pk = from_global_id_or_error(line["line_id"], "CheckoutLine", "lineId")
                variant = by_line.get(int(pk)) if str(pk).isdigit() else None
                if variant is None:
                    raise DomainError(_("Line not found in this checkout"), CheckoutErrorCode.NOT_FOUND, field="lineId")
                pairs.append((variant, line["quantity"]))
            else:
                raise DomainError(_("Give variantId or lineId"), CheckoutErrorCode.REQUIRED, field="lines")
        return cls(errors=[], checkout=services.checkout_lines_update(checkout, pairs))


class CheckoutLinesDelete(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        lines_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    @classmethod
    def perform_mutation(cls, root, info, lines_ids, id=None):
        checkout = checkout_for_request(info, id)
        pks = [from_global_id_or_error(line_id, "CheckoutLine", "linesIds") for line_id in lines_ids]
        if not all(str(pk).isdigit() for pk in pks):
            raise DomainError(_("Line not found"), CheckoutErrorCode.NOT_FOUND, field="linesIds")
        return cls(errors=[], checkout=services.checkout_lines_delete(checkout, [int(pk) for pk in pks]))


class CheckoutEmailUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        email = graphene.String(required=True)

    @classmethod
    def perform_mutation(cls, root, info, email, id=None):
        checkout = checkout_for_request(info, id)
        return cls(errors=[], checkout=services.checkout_email_update(checkout, email))


class CheckoutShippingAddressUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        shipping_address = AddressInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, shipping_address, id=None):
        checkout = checkout_for_request(info, id)
        return cls(
            errors=[],
            checkout=services.checkout_shipping_address_update(checkout, address_input_data(shipping_address)),
        )


class CheckoutBillingAddressUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        billing_address = AddressInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, billing_address, id=None):
        checkout = checkout_for_request(info, id)
        return cls(
            errors=[], checkout=services.checkout_billing_address_update(checkout, address_input_data(billing_address))
        )


class CheckoutDeliveryMethodUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID()
        delivery_method_id = graphene.ID(
            required=True, description="A ShippingMethod ID, or a Warehouse ID to collect there."
        )
        shop_id = graphene.ID(
            description="The shop this choice is for (needed only for a village station and several shops)."
        )

    @classmethod
    def perform_mutation(cls, root, info, delivery_method_id, id=None, shop_id=None):
        token = checkout_token_from_id(id)
        # The checkout is read once, locked, by the service; the method is looked up after its access check
        # (choose), so a request naming a foreign checkout and an unknown method is refused on ``id`` as before.
        checkout = services.checkout_delivery_method_choose(
            token, user=info.context.user, choose=lambda: _delivery_choice(delivery_method_id, shop_id)
        )
        return cls(errors=[], checkout=checkout)


# the chosen shipping method with its shop (compiled: every checkoutDeliveryMethodUpdate reads it)
_method_with_shop = CompiledQuery(
    lambda pk: ShippingMethod.objects.select_related("shop").filter(pk=pk).order_by("pk")[:1], pk=int
)


def _delivery_choice(delivery_method_id: str, shop_id: str | None):
    """(shipping method, collection point, shop) a checkoutDeliveryMethodUpdate names, or its refusal."""
    from graphql_relay import from_global_id

    try:
        type_name, pk = from_global_id(delivery_method_id)
    except Exception:
        type_name, pk = "", ""
    method = point = None
    if type_name == "ShippingMethod" and pk.isdigit():
        method = next(iter(_method_with_shop(pk=int(pk))), None) if int(pk) <= _MAX_ID else None
    elif type_name == "Warehouse" and pk.isdigit():
        point = Warehouse.objects.filter(pk=pk, is_pickup_point=True).first()
    else:
        raise DomainError(
            _("Give a ShippingMethod or Warehouse ID"), CheckoutErrorCode.GRAPHQL_ERROR, field="deliveryMethodId"
        )
    if method is None and point is None:
        raise DomainError(_("Delivery method not found"), CheckoutErrorCode.NOT_FOUND, field="deliveryMethodId")
    shop = None
    if shop_id:
        shop_pk = from_global_id_or_error(shop_id, SHOP_TYPE, "shopId")
        if method is not None and str(method.shop_id) == str(shop_pk):
            shop = method.shop  # the method's own shop, joined above (the storefront's usual call)
        else:
            shop = Shop.objects.filter(pk=shop_pk).first()
        if shop is None:
            raise DomainError(_("Shop not found"), CheckoutErrorCode.NOT_FOUND, field="shopId")
    return method, point, shop


class CheckoutCustomerAttach(CheckoutMutation):
    class Arguments:
        id = graphene.ID()

    @classmethod
    def perform_mutation(cls, root, info, id=None):
        user = require_user(info)
        checkout = checkout_for_request(info, id)
        return cls(errors=[], checkout=services.checkout_customer_attach(checkout, user))


class CheckoutComplete(CheckoutMutation):
    order = graphene.Field(
        "marketplace.orders.api.types.OrderType", description="The first of the orders (Saleor shape)."
    )
    orders = graphene.List(
        graphene.NonNull("marketplace.orders.api.types.OrderType"),
        required=True,
        description="One order per shop of the checkout.",
    )

    class Arguments:
        id = graphene.ID()

    @classmethod
    def perform_mutation(cls, root, info, id=None):
        token = checkout_token_from_id(id)
        result = checkout_complete(token, user=info.context.user)
        return cls(errors=[], order=result.orders[0], orders=result.orders, checkout=None)

    @classmethod
    def mutate(cls, root, info, **data):
        payload = super().mutate(root, info, **data)
        if payload.errors and getattr(payload, "orders", None) is None:
            payload.orders = []
        return payload


class CheckoutMutations(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_billing_address_update = CheckoutBillingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_customer_attach = CheckoutCustomerAttach.Field()
    checkout_complete = CheckoutComplete.Field()
