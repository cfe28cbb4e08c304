"""Reads of the catalogue."""

from magnesium_exchange.commodities.models import Commodity, Grade


def commodity_list(*, active_only: bool = True):
    qs = Commodity.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def commodity_get_by_code(code: str) -> Commodity | None:
    return Commodity.objects.filter(code=code).first()


def grade_list(*, commodity: Commodity | None = None, active_only: bool = True):
    qs = Grade.objects.select_related("commodity")
    if commodity is not None:
        qs = qs.filter(commodity=commodity)
    return qs.filter(is_active=True) if active_only else qs


def grades_for_trading():
    """Active grades of active commodities, in catalogue order (what a trader can list, want or buy)."""
    return grade_list().filter(commodity__is_active=True).order_by("commodity_id", "-rank", "id")


def grade_get_by_code(code: str) -> Grade | None:
    return Grade.objects.select_related("commodity").filter(code=code).first()
