"""GraphQL of payments: Saleor's Transactions API mutations and types."""

from marketplace.payments.api.mutations import PaymentMutations

__all__ = ["PaymentMutations"]
