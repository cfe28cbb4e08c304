"""Reads of the county's geography shaped for pages and address forms."""

from django.db.models import Prefetch, QuerySet

from logistics.geography.models import Town, Village


def town_list() -> QuerySet[Town]:
    """Every delivery town with its villages, in two queries whatever the count."""
    return Town.objects.order_by("code").prefetch_related(
        Prefetch("villages", queryset=Village.objects.order_by("code"))
    )


def village_list() -> QuerySet[Village]:
    """Every village with its town joined (address forms pick one by id)."""
    return Village.objects.select_related("town")


def village_points() -> list[tuple[float, float]]:
    """(latitude, longitude) of every village: the county's outline on route maps."""
    return [(float(lat), float(lon)) for lat, lon in Village.objects.values_list("latitude", "longitude")]


def village_get(village_id: int) -> Village | None:
    return Village.objects.select_related("town").filter(pk=village_id).first()
