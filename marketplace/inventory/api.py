"""GraphQL of warehouses and stock: warehouseCreate, stockUpdate, a shop's warehouses."""

from __future__ import annotations

import graphene

from logistics.geography.api import VillageType
from logistics.geography.models import Village
from marketplace.catalog.models import ProductVariant
from marketplace.inventory import services
from marketplace.inventory.error_codes import StockErrorCode
from marketplace.inventory.models import Stock, Warehouse, WarehouseKind
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ProductPermissions

PERM = ProductPermissions.MANAGE_PRODUCTS
WarehouseKindEnum = graphene.Enum("WarehouseKindEnum", [(k.name, k.value) for k in WarehouseKind])


class WarehouseType(ModelObjectType):
    kind = graphene.Field(WarehouseKindEnum, required=True)
    village = graphene.Field(VillageType)

    class Meta:
        model = Warehouse
        name = "Warehouse"
        fields = ["id", "name", "street_address", "is_pickup_point", "shop"]

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)


class StockType(ModelObjectType):
    class Meta:
        model = Stock
        name = "Stock"
        fields = ["id", "warehouse", "quantity", "quantity_allocated", "low_stock_threshold"]


class WarehouseCreateInput(graphene.InputObjectType):
    shop = graphene.ID(required=True)
    name = graphene.String(required=True)
    kind = graphene.Field(WarehouseKindEnum, required=True)
    village = graphene.ID()
    street_address = graphene.String()
    phone = graphene.String()
    is_pickup_point = graphene.Boolean()


class WarehouseCreate(BaseMutation):
    warehouse = graphene.Field(WarehouseType)

    class Arguments:
        input = WarehouseCreateInput(required=True)

    class Meta:
        error_code_enum = StockErrorCode
        error_type_name = "WarehouseError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        shop = shop_from_global_id(input["shop"], "shop", StockErrorCode.NOT_FOUND)
        require_shop_access(info, shop.pk, PERM)
        village = get_node_or_error(Village, input["village"], "Village", "village") if input.get("village") else None
        warehouse = services.warehouse_create(
            shop,
            actor=requestor(info),
            name=input["name"],
            kind=getattr(input["kind"], "value", input["kind"]),
            village=village,
            street_address=input.get("street_address") or "",
            phone=input.get("phone") or "",
            is_pickup_point=bool(input.get("is_pickup_point")),
        )
        return cls(errors=[], warehouse=warehouse)


class StockUpdateInput(graphene.InputObjectType):
    variant = graphene.ID(required=True)
    warehouse = graphene.ID(required=True)
    quantity = graphene.Int(required=True, description="The counted on-hand quantity.")
    note = graphene.String()


class StockUpdate(BaseMutation):
    stock = graphene.Field(StockType)

    class Arguments:
        input = StockUpdateInput(required=True)

    class Meta:
        error_code_enum = StockErrorCode
        error_type_name = "StockError"

    @classmethod
    def perform_mutation(cls, root, info, input):
        warehouse = get_node_or_error(Warehouse, input["warehouse"], "Warehouse", "warehouse")
        require_shop_access(info, warehouse.shop_id, PERM)
        variant = get_node_or_error(ProductVariant, input["variant"], "ProductVariant", "variant")
        stock = services.stock_update(
            warehouse, variant, actor=requestor(info), quantity=input["quantity"], note=input.get("note") or ""
        )
        return cls(errors=[], stock=stock)


class InventoryMutations(graphene.ObjectType):
    warehouse_create = WarehouseCreate.Field()
    stock_update = StockUpdate.Field()
