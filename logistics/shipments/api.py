"""GraphQL types of shipments (read through an order: `order.shipments { events }`)."""

from __future__ import annotations

import graphene

from meidu.core.graphql.types import ModelObjectType

from .models import Shipment, ShipmentEvent, ShipmentStatus

ShipmentStatusEnum = graphene.Enum.from_enum(ShipmentStatus, name="ShipmentStatusEnum")


class ShipmentEventType(ModelObjectType):
    status = graphene.Field(ShipmentStatusEnum, required=True)
    status_display = graphene.String(required=True)

    class Meta:
        model = ShipmentEvent
        name = "ShipmentEvent"
        fields = ["id", "action", "reason", "location", "source", "happened_at"]

    @staticmethod
    def resolve_status(root, info):
        return root.status

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())


class ShipmentType(ModelObjectType):
    status = graphene.Field(ShipmentStatusEnum, required=True)
    status_display = graphene.String(required=True)
    weight_kg = graphene.Float(required=True)
    events = graphene.List(graphene.NonNull(ShipmentEventType), required=True)

    class Meta:
        model = Shipment
        name = "Shipment"
        fields = ["id", "number", "carrier", "carrier_code", "tracking_number", "delivered_at", "proof_kind"]

    @staticmethod
    def resolve_status(root, info):
        return root.status

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())

    @staticmethod
    def resolve_weight_kg(root, info):
        return float(root.weight_kg)

    @staticmethod
    def resolve_events(root, info):
        return root.events.all()
