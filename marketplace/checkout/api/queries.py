import graphene

from marketplace.checkout.api.access import checkout_for_request
from marketplace.checkout.api.types import CheckoutType
from meidu.core.errors import DomainError


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(CheckoutType, id=graphene.ID(), token=graphene.UUID(description="Deprecated: use id."))

    @staticmethod
    def resolve_checkout(root, info, id=None, token=None):
        try:
            return checkout_for_request(info, id or str(token))
        except DomainError:
            return None
