"""Commodity use cases: the catalogue, assigning a grade from an assay, checking quantities and prices.

``grade_assign`` is pure reading plus a decision; warehouses call it when they weigh goods in.
``quantity_check`` / ``price_check`` are the rules the trading services apply to every order.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.commodities.catalogue import DEFAULT_CATALOGUE
from magnesium_exchange.commodities.error_codes import ExchangeCommodityErrorCode as Code
from magnesium_exchange.commodities.models import PERCENT_KEYS, SPEC_FIELDS, SPEC_KEYS, Commodity, Grade
from magnesium_exchange.commodities.search import GRADES
from meidu.core.cache_versions import MAGNESIA_PRICES, bump
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, to_decimal
from meidu.core.search.analysis import SearchDocument, analyze_document
from meidu.core.search.backend import index_backends

# Assay properties named in refusals (MgO, bulk density...).
_SPEC_LABELS = {stem: label for stem, label, _unit in SPEC_FIELDS}


def assay_clean(assay: dict) -> dict[str, Decimal]:
    """Parse an assay (``{"mgo": "97.2", ...}``) into Decimals; unknown keys, floats and
    out-of-range values are refused."""
    if not isinstance(assay, dict) or not assay:
        raise DomainError(_("An assay needs at least one measured value"), Code.INVALID_ASSAY, field="assay")
    cleaned = {}
    for key, raw in assay.items():
        if key not in SPEC_KEYS:
            raise DomainError(
                _("Unknown assay property %(key)s") % {"key": repr(key)}, Code.INVALID_ASSAY, field="assay"
            )
        if raw is None or raw == "":
            continue
        try:
            value = to_decimal(raw)
        except (TypeError, ValueError):
            raise DomainError(
                _("%(property)s must be a decimal number") % {"property": _SPEC_LABELS[key]},
                Code.INVALID_ASSAY,
                field="assay",
            ) from None
        if value < 0 or (key in PERCENT_KEYS and value > 100):
            raise DomainError(
                _("%(property)s = %(value)s is out of range") % {"property": _SPEC_LABELS[key], "value": value},
                Code.INVALID_ASSAY,
                field="assay",
            )
        cleaned[key] = value
    if not cleaned:
        raise DomainError(_("An assay needs at least one measured value"), Code.INVALID_ASSAY, field="assay")
    return cleaned


def grade_matches(grade: Grade, assay: dict[str, Decimal]) -> bool:
    """Every bounded property is measured and within [min, max]."""
    for key, (low, high) in grade.spec_ranges().items():
        if low is None and high is None:
            continue
        value = assay.get(key)
        if value is None or (low is not None and value < low) or (high is not None and value > high):
            return False
    return True


def grade_assign(commodity: Commodity, assay: dict) -> Grade:
    """The best (highest rank) active grade of ``commodity`` whose spec ranges hold the assay;
    refused with NO_MATCHING_GRADE when none does (the goods cannot back a receipt)."""
    cleaned = assay_clean(assay)
    for grade in commodity.grades.filter(is_active=True).order_by("-rank", "id"):
        if grade_matches(grade, cleaned):
            return grade
    raise DomainError(
        _("The assay matches no grade of %(commodity)s") % {"commodity": commodity.name},
        Code.NO_MATCHING_GRADE,
        field="assay",
    )


def quantity_check(commodity: Commodity, quantity, *, field: str = "quantity", minimum: bool = True) -> Decimal:
    """Tonnes with at most three decimals, positive, a multiple of the step (and not below the minimum)."""
    try:
        value = to_decimal(quantity)
    except (TypeError, ValueError):
        raise DomainError(
            _("The quantity must be a decimal number of tonnes"), Code.INVALID_QUANTITY, field=field
        ) from None
    if value <= 0 or not is_quantized(value, "TNE"):
        raise DomainError(
            _("The quantity must be positive tonnes with at most 3 decimals"), Code.INVALID_QUANTITY, field=field
        )
    if value % commodity.quantity_step != 0:
        raise DomainError(
            _("The quantity must be a multiple of %(step)s t") % {"step": commodity.quantity_step},
            Code.OFF_QUANTITY_STEP,
            field=field,
        )
    if minimum and value < commodity.min_quantity:
        raise DomainError(
            _("The quantity must be at least %(minimum)s t") % {"minimum": commodity.min_quantity},
            Code.INVALID_QUANTITY,
            field=field,
        )
    return value


def price_check(commodity: Commodity, price, *, field: str = "price") -> Decimal:
    """A positive price per tonne on the commodity's tick."""
    try:
        value = to_decimal(price)
    except (TypeError, ValueError):
        raise DomainError(_("The price must be a decimal amount"), Code.INVALID, field=field) from None
    if value <= 0 or not is_quantized(value, commodity.currency):
        raise DomainError(_("The price must be positive with at most 2 decimals"), Code.INVALID, field=field)
    if value % commodity.price_tick != 0:
        raise DomainError(
            _("The price must be on the tick of %(tick)s") % {"tick": commodity.price_tick},
            Code.OFF_PRICE_TICK,
            field=field,
        )
    return value


def commodity_create(
    *,
    code: str,
    name: str,
    kind: str,
    quantity_step=Decimal("1"),
    min_quantity=Decimal("1"),
    price_tick=Decimal("1"),
    grades: list[dict] | None = None,
) -> Commodity:
    """Create a commodity and its grades (``{"code", "name", "rank", "mgo_min", ...}`` dicts)."""
    if Commodity.objects.filter(code=code).exists():
        raise DomainError(_("Commodity %(code)s exists") % {"code": code}, Code.UNIQUE, field="code")
    with transaction.atomic():
        commodity = Commodity.objects.create(
            code=code,
            name=name,
            kind=kind,
            quantity_step=to_decimal(quantity_step),
            min_quantity=to_decimal(min_quantity),
            price_tick=to_decimal(price_tick),
        )
        for spec in grades or []:
            grade_create(commodity, **spec)
    return commodity


def grade_create(commodity: Commodity, *, code: str, name: str, rank: int = 0, standard: str = "", **ranges) -> Grade:
    unknown = {key for key in ranges if key.rsplit("_", 1)[0] not in SPEC_KEYS or not key.endswith(("_min", "_max"))}
    if unknown:
        raise DomainError(
            _("Unknown spec bounds: %(bounds)s") % {"bounds": ", ".join(sorted(unknown))}, Code.INVALID, field="ranges"
        )
    if Grade.objects.filter(code=code).exists():
        raise DomainError(_("Grade %(code)s exists") % {"code": code}, Code.UNIQUE, field="code")
    with transaction.atomic():
        grade = Grade.objects.create(
            commodity=commodity,
            code=code,
            name=name,
            rank=rank,
            standard=standard,
            **{key: to_decimal(value) for key, value in ranges.items() if value is not None},
        )
        grade_search_rebuild([grade.pk])
        bump(MAGNESIA_PRICES)  # the public price page lists every active grade
    return grade


def grade_search_rebuild(grade_ids=None) -> int:
    """Write the search documents of these grades (all when None) to every index backend. Grades are
    a few dozen rows changed by operators, so their documents are written in the changing
    transaction rather than queued; `meidu search reindex` rebuilds them too."""
    documents = grade_search_documents(grade_ids)
    written = 0
    for backend in index_backends():
        written = backend.index(GRADES, documents)
    return written


def grade_search_documents(grade_ids=None) -> list:
    """The analysed search documents of these grades (all when None)."""
    grades = Grade.objects.select_related("commodity")
    if grade_ids is not None:
        grades = grades.filter(pk__in=list(grade_ids))
    return [
        analyze_document(
            SearchDocument(
                id=grade.pk,
                name=f"{grade.name} {grade.commodity.name}",
                secondary=[grade.commodity.get_kind_display(), grade.code.replace("-", " ")],
                body=grade.standard,
                label=grade.name,
            )
        )
        for grade in grades
    ]


def commodities_seed() -> list[Commodity]:
    """Create the default magnesia catalogue (idempotent: existing codes are left as they are)."""
    created = []
    for entry in DEFAULT_CATALOGUE:
        commodity = Commodity.objects.filter(code=entry["code"]).first()
        if commodity is None:
            commodity = commodity_create(**entry)
        created.append(commodity)
    return created
