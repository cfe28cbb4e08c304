"""The complaint's steps: the buyer files and rates; the shop (or an operator) responds and resolves."""

from __future__ import annotations

import graphene

from marketplace.complaints import services
from marketplace.complaints.api.access import complaint_for_handler, complaint_from_id
from marketplace.complaints.api.types import ComplaintCategoryEnum, ComplaintResolutionEnum, ComplaintType
from marketplace.complaints.error_codes import ComplaintErrorCode
from marketplace.orders.models import Order
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor, require_user
from meidu.core.graphql.upload import Upload


def _value(enum_arg):
    return getattr(enum_arg, "value", enum_arg)


class ComplaintMutation(BaseMutation):
    default_error_code_enum = ComplaintErrorCode
    default_error_type_name = "ComplaintError"
    complaint = graphene.Field(ComplaintType)

    class Meta:
        abstract = True


class ComplaintCreate(ComplaintMutation):
    """The buyer complains about their order; it goes to the shop with a response deadline."""

    class Arguments:
        order = graphene.ID(required=True)
        category = ComplaintCategoryEnum(required=True)
        description = graphene.String(required=True)
        photos = graphene.List(
            graphene.NonNull(Upload), description="Up to 4 photos, sent as a GraphQL multipart upload."
        )

    @classmethod
    def perform_mutation(cls, root, info, order, category, description, photos=None):
        buyer = require_user(info)
        found = get_node_or_error(Order, order, "Order", "order")
        return cls(
            errors=[],
            complaint=services.complaint_create(
                found, buyer=buyer, category=_value(category), description=description, photos=photos or ()
            ),
        )


class ComplaintRespond(ComplaintMutation):
    """The shop answers (its members, or an operator on the platform's behalf)."""

    class Arguments:
        id = graphene.ID(required=True)
        message = graphene.String(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, message):
        complaint, as_operator = complaint_for_handler(info, id)
        return cls(
            errors=[],
            complaint=services.complaint_respond(
                complaint, actor=requestor(info), message=message, as_operator=as_operator
            ),
        )


class ComplaintResolve(ComplaintMutation):
    """Refund (an amount up to what was paid), replacement, or rejection with a reason."""

    class Arguments:
        id = graphene.ID(required=True)
        resolution = ComplaintResolutionEnum(required=True)
        amount = graphene.String(description="Decimal amount to refund, e.g. \"12.50\" (REFUND only).")
        note = graphene.String(description="The reason (required to reject) or what is sent as replacement.")

    @classmethod
    def perform_mutation(cls, root, info, id, resolution, amount=None, note=""):
        complaint, as_operator = complaint_for_handler(info, id)
        return cls(
            errors=[],
            complaint=services.complaint_resolve(
                complaint,
                actor=requestor(info),
                as_operator=as_operator,
                resolution=_value(resolution),
                amount=amount,
                note=note or "",
            ),
        )


class ComplaintRate(ComplaintMutation):
    """The buyer rates how the complaint was handled, once it is resolved."""

    class Arguments:
        id = graphene.ID(required=True)
        rating = graphene.Int(required=True, description="1 to 5.")
        comment = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, id, rating, comment=""):
        buyer = require_user(info)
        return cls(
            errors=[],
            complaint=services.complaint_rate(complaint_from_id(id), buyer=buyer, rating=rating, comment=comment or ""),
        )


class ComplaintMutations(graphene.ObjectType):
    complaint_create = ComplaintCreate.Field()
    complaint_respond = ComplaintRespond.Field()
    complaint_resolve = ComplaintResolve.Field()
    complaint_rate = ComplaintRate.Field()
