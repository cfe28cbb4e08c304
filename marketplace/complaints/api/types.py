"""Complaint, its timeline, and the enums of its category, status and resolution."""

from __future__ import annotations

import graphene

from marketplace.catalog.api.types import media_url
from marketplace.complaints.models import (
    Complaint,
    ComplaintActor,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintResolution,
    ComplaintStatus,
)
from marketplace.media.processing import rendition_for
from marketplace.orders.api.types import OrderType
from meidu.core.graphql.connection import CountableConnection
from meidu.core.graphql.types import ModelObjectType, Money
from meidu.core.money import Money as MoneyValue


def _enum(name, choices):
    return graphene.Enum(name, [(choice.name, choice.value) for choice in choices])


ComplaintCategoryEnum = _enum("ComplaintCategory", ComplaintCategory)
ComplaintStatusEnum = _enum("ComplaintStatus", ComplaintStatus)
ComplaintResolutionEnum = _enum("ComplaintResolution", ComplaintResolution)
ComplaintActorEnum = _enum("ComplaintActor", ComplaintActor)


class ComplaintEventType_(ModelObjectType):
    type = graphene.String(required=True)
    actor = graphene.Field(ComplaintActorEnum, required=True, description="Who took the step.")
    data = graphene.JSONString()

    class Meta:
        model = ComplaintEvent
        name = "ComplaintEvent"
        fields = ["id", "created_at"]

    @staticmethod
    def resolve_type(root, info):
        return root.type.upper()

    @staticmethod
    def resolve_actor(root, info):
        return str(root.actor_kind)


class ComplaintPhotoType(ModelObjectType):
    url = graphene.String(required=True, size=graphene.Int(description="Longest side wanted, in pixels."))

    class Meta:
        model = ComplaintPhoto
        name = "ComplaintPhoto"
        fields = ["id", "width", "height", "created_at"]

    @staticmethod
    def resolve_url(root, info, size=None):
        return media_url(info, rendition_for(root.renditions, size))


class ComplaintType(ModelObjectType):
    category = graphene.Field(ComplaintCategoryEnum, required=True)
    status = graphene.Field(ComplaintStatusEnum, required=True)
    status_display = graphene.String(required=True)
    resolution = graphene.Field(ComplaintResolutionEnum)
    refund = graphene.Field(Money, description="Refunded to the buyer when resolved by a refund.")
    order = graphene.Field(OrderType, required=True)
    shop = graphene.Field("marketplace.shops.api.MarketplaceShopType", required=True)
    events = graphene.List(
        graphene.NonNull(ComplaintEventType_), required=True, description="The timeline, oldest first."
    )
    photos = graphene.List(graphene.NonNull(ComplaintPhotoType), required=True, description="The buyer's photos.")

    batched_selects = {"order": "order", "shop": "shop"}
    batched_fields = {"events": "events", "photos": "photos"}

    class Meta:
        model = Complaint
        name = "Complaint"
        fields = [
            "id",
            "description",
            "due_at",
            "response",
            "responded_at",
            "escalated_at",
            "resolution_note",
            "resolved_at",
            "resolved_by_operator",
            "handling_rating",
            "rating_comment",
            "rated_at",
            "created_at",
        ]

    @staticmethod
    def resolve_category(root, info):
        return str(root.category)

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_status_display(root, info):
        return str(root.get_status_display())

    @staticmethod
    def resolve_resolution(root, info):
        return str(root.resolution) or None

    @staticmethod
    def resolve_refund(root, info):
        return MoneyValue(root.refund_amount, root.currency) if root.refund_amount is not None else None

    @staticmethod
    def resolve_events(root, info):
        return root.events.all()

    @staticmethod
    def resolve_photos(root, info):
        return root.photos.all()


class ComplaintCountableConnection(CountableConnection):
    class Meta:
        node = ComplaintType
