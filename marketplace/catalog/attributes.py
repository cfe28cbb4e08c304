"""Typed attribute values: parse what a seller typed into the column its attribute's type needs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from marketplace.catalog.error_codes import ProductErrorCode
from marketplace.catalog.models import Attribute, AttributeChoice, AttributeInputType, ProductAttributeValue
from meidu.core.errors import DomainError


def _bad(attribute: Attribute, raw, expected: str) -> DomainError:
    return DomainError(
        _("%(attribute)s: %(value)s is not %(expected)s")
        % {"attribute": attribute.name, "value": repr(raw), "expected": expected},
        ProductErrorCode.INVALID_ATTRIBUTE_VALUE,
        field="attributes",
    )


def parse_attribute_value(attribute: Attribute, raw) -> dict:
    """Column values for a ProductAttributeValue of ``attribute``; a wrong type is refused."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise _bad(attribute, raw, _("a value"))
    if attribute.input_type == AttributeInputType.TEXT:
        return {"text": text[:255]}
    if attribute.input_type == AttributeInputType.NUMBER:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _bad(attribute, raw, _("a number")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e11"):
            raise _bad(attribute, raw, _("a number"))
        return {"number": number}
    if attribute.input_type == AttributeInputType.DATE:
        try:
            return {"date": date.fromisoformat(text)}
        except ValueError:
            raise _bad(attribute, raw, _("a date (YYYY-MM-DD)")) from None
    choice = (
        AttributeChoice.objects.filter(attribute=attribute, slug=text).first()
        or AttributeChoice.objects.filter(attribute=attribute, name=text).first()
    )
    if choice is None:
        raise _bad(attribute, raw, _("one of the choices of %(attribute)s") % {"attribute": attribute.name})
    return {"choice": choice}


def display_value(value: ProductAttributeValue) -> tuple[str, str]:
    """(slug, name) of a stored value, as Saleor's AttributeValue shows it."""
    if value.choice_id:
        return value.choice.slug, value.choice.name
    if value.number is not None:
        shown = f"{value.number.normalize():f}"
        unit = value.attribute.unit
        return shown, f"{shown}{unit}" if unit else shown
    if value.date is not None:
        return value.date.isoformat(), value.date.isoformat()
    return value.text, value.text
