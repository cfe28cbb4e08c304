import graphene

from marketplace.orders.api.types import OrderCountableConnection, OrderStatusEnum, OrderType, can_read_order
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.models import Order
from marketplace.orders.selectors import order_list_for_shop
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.permissions import OrderPermissions


class OrderQueries(graphene.ObjectType):
    order = graphene.Field(OrderType, id=graphene.ID(required=True), description="An order of yours or your shop's.")
    order_by_token = graphene.Field(OrderType, token=graphene.UUID(required=True), deprecation_reason="Use order(id).")
    shop_orders = graphene.Field(
        OrderCountableConnection,
        shop=graphene.ID(required=True),
        status=OrderStatusEnum(),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="A shop's orders, newest first (its members and operators).",
    )

    @staticmethod
    def resolve_order(root, info, id):
        pk = from_global_id_or_error(id, "Order")
        order = Order.objects.select_related("shop").filter(pk=pk).first() if str(pk).isdigit() else None
        return order if order is not None and can_read_order(info, order) else None

    @staticmethod
    def resolve_order_by_token(root, info, token):
        """A guest's order is opened by its token alone (the guest has nothing else); a registered
        buyer's order only by those who may read it, as order(id)."""
        order = Order.objects.select_related("shop").filter(token=token).first()
        return order if order is not None and (order.user_id is None or can_read_order(info, order)) else None

    @staticmethod
    def resolve_shop_orders(root, info, shop, status=None, **kwargs):
        try:
            found = shop_from_global_id(shop, "shop", OrderErrorCode.NOT_FOUND)
        except DomainError:
            return None
        require_shop_access(info, found.pk, OrderPermissions.MANAGE_ORDERS)
        qs = order_list_for_shop(found.pk)
        if status:
            qs = qs.filter(status=getattr(status, "value", status))
        return paginate(qs, info, OrderCountableConnection, sort=[SortKey("number", descending=True)], **kwargs)
