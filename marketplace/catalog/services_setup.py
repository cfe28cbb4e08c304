"""Operator set-up of the catalogue: categories, attributes and product types.

These are operator data rather than a shop's catalogue: there is no seller flow around
them, so each function is an idempotent "ensure" (get_or_create by slug) used by demo data,
data migrations and tests. An existing row keeps its name and settings; only what is
missing is added (choices of a dropdown, attributes of a product type), nothing is removed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from marketplace.catalog.models import (
    Attribute,
    AttributeChoice,
    AttributeInputType,
    Category,
    ProductType,
    SoldBy,
)
from meidu.core.cache_versions import CATALOG, bump


def category_ensure(slug: str, name: str, *, parent: Category | None = None, description: str = "") -> Category:
    """The category with this slug, created under ``parent`` if missing (level follows the parent)."""
    category, created = Category.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "parent": parent,
            "level": parent.level + 1 if parent is not None else 0,
            "description": description,
        },
    )
    if created:
        bump(CATALOG)  # the categories shown by cached answers
    return category


def attribute_ensure(
    slug: str, name: str, input_type: str, *, unit: str = "", choices: list[tuple[str, str]] = ()
) -> Attribute:
    """The attribute with this slug; for a dropdown, ``choices`` are (slug, name) pairs added if missing."""
    if input_type not in AttributeInputType.values:
        raise ValueError(f"Unknown attribute input type {input_type!r}")
    with transaction.atomic():
        attribute, _ = Attribute.objects.get_or_create(
            slug=slug, defaults={"name": name, "input_type": input_type, "unit": unit}
        )
        if choices:
            existing = set(AttributeChoice.objects.filter(attribute=attribute).values_list("slug", flat=True))
            missing = [
                AttributeChoice(attribute=attribute, slug=slugify(choice_slug, allow_unicode=True), name=choice_name)
                for choice_slug, choice_name in choices
                if slugify(choice_slug, allow_unicode=True) not in existing
            ]
            if missing:
                AttributeChoice.objects.bulk_create(missing)
        bump(CATALOG)
    return attribute


def product_type_ensure(
    slug: str,
    name: str,
    *,
    sold_by: str = SoldBy.PIECE,
    attributes: list[Attribute] = (),
    is_shipping_required: bool = True,
    kind: str = "normal",
) -> ProductType:
    """The product type with this slug; the given attributes are added to it if missing."""
    if sold_by not in SoldBy.values:
        raise ValueError(f"Unknown sold_by {sold_by!r}")
    with transaction.atomic():
        product_type, _ = ProductType.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "sold_by": sold_by, "is_shipping_required": is_shipping_required, "kind": kind},
        )
        if attributes:
            have = set(product_type.attributes.values_list("pk", flat=True))
            missing = [attribute for attribute in attributes if attribute.pk not in have]
            if missing:
                product_type.attributes.add(*missing)
        bump(CATALOG)
    return product_type
