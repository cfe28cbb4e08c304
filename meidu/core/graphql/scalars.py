"""The schema's Decimal scalar refuses what no field can take, before any resolver runs.

graphene's Decimal turns "NaN", "Infinity" and "1e30" into Decimals that services then
compare (``InvalidOperation``) or hold against a cap (a misleading refusal), and a JSON
float 0.1 into 0.1000000000000000055511151231257827. Here a float is read as it was
written, and a value that is not finite, too large or too precise for any column is a
GraphQL error with code INVALID in the reader's language, raised while the document's
literals are validated or its variables coerced, so nothing executes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from graphql import GraphQLError, GraphQLScalarType
from graphql.language import FloatValueNode, IntValueNode, StringValueNode

from meidu.core.error_codes import CoreErrorCode
from meidu.core.errors import DomainError
from meidu.core.validation import decimal_refusal, number_refusal


def refusal_error(message, field: str | None = None, nodes=None, code=CoreErrorCode.INVALID) -> GraphQLError:
    """A GraphQL error that the view formats with ``code`` (INVALID) and ``message`` in the reader's language."""
    return GraphQLError(str(message), nodes, original_error=DomainError(message, code, field=field))


def parse_decimal(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise refusal_error(number_refusal())
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise refusal_error(number_refusal()) from None
    refusal = decimal_refusal(number)
    if refusal is not None:
        raise refusal_error(refusal)
    return number


def parse_decimal_literal(node, _variables=None) -> Decimal:
    if isinstance(node, (StringValueNode, IntValueNode, FloatValueNode)):
        return parse_decimal(node.value)
    raise refusal_error(number_refusal(), nodes=node)


def checked_decimals(schema) -> None:
    """Make ``schema``'s Decimal scalar (graphene's, used by every app) parse with these checks."""
    decimal_type = schema.graphql_schema.type_map.get("Decimal")
    if isinstance(decimal_type, GraphQLScalarType):
        decimal_type.parse_value = parse_decimal  # type: ignore[method-assign]
        decimal_type.parse_literal = parse_decimal_literal  # type: ignore[method-assign,assignment]
