"""Reads of supply and demand posts: the open lists (a post past its window never reads as open),
a post's matches, contact requests, and the ranked candidates a new post is matched against.

Candidates are ranked in one SQL statement: open posts of the other side for the same item whose
window overlaps, scored by quantity fit, price fit and great-circle distance between the villages
(benchmarks/farm_matching.py: 10,000 open posts, goal 20 ms)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from incubator.posts.models import ContactRequest, ContactStatus, PostMatch, PostSide, PostStatus, SupplyDemandPost

RELATED = ("item", "town", "village", "poster", "shop", "product")


def open_filter(today: dt.date | None = None) -> Q:
    return Q(status=PostStatus.OPEN, window_end__gte=today or timezone.localdate())


def post_is_open(post: SupplyDemandPost, today: dt.date | None = None) -> bool:
    return post.status == PostStatus.OPEN and post.window_end >= (today or timezone.localdate())


def post_list_open(*, side: str | None = None, item_id=None, town_id=None) -> QuerySet[SupplyDemandPost]:
    qs = SupplyDemandPost.objects.filter(open_filter()).select_related(*RELATED)
    if side:
        qs = qs.filter(side=side)
    if item_id:
        qs = qs.filter(item_id=item_id)
    if town_id:
        qs = qs.filter(town_id=town_id)
    return qs.order_by("-id")


def post_list_for_poster(user) -> QuerySet[SupplyDemandPost]:
    if not getattr(user, "is_authenticated", False):
        return SupplyDemandPost.objects.none()
    return SupplyDemandPost.objects.filter(poster=user).select_related(*RELATED).order_by("-id")


def post_get(pk) -> SupplyDemandPost | None:
    try:
        return SupplyDemandPost.objects.select_related(*RELATED).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def match_list_for_post(post: SupplyDemandPost) -> list[tuple[PostMatch, SupplyDemandPost]]:
    """(match, the other side's post) of ``post``, best first, open ones only."""
    today = timezone.localdate()
    if post.side == PostSide.SUPPLY:
        matches = PostMatch.objects.filter(supply=post).select_related(*(f"demand__{r}" for r in RELATED))
        pairs = [(match, match.demand) for match in matches.order_by("-score", "id")]
    else:
        matches = PostMatch.objects.filter(demand=post).select_related(*(f"supply__{r}" for r in RELATED))
        pairs = [(match, match.supply) for match in matches.order_by("-score", "id")]
    return [(match, other) for match, other in pairs if post_is_open(other, today)]


def match_queryset_for_post(post: SupplyDemandPost) -> QuerySet[PostMatch]:
    return PostMatch.objects.filter(Q(supply=post) | Q(demand=post))


def contact_request_get(pk) -> ContactRequest | None:
    try:
        return ContactRequest.objects.select_related("post", "post__item", "requester").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def contact_request_of(user, post: SupplyDemandPost) -> ContactRequest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ContactRequest.objects.filter(post=post, requester=user).first()


def contact_requests_incoming(user) -> QuerySet[ContactRequest]:
    if not getattr(user, "is_authenticated", False):
        return ContactRequest.objects.none()
    return (
        ContactRequest.objects.filter(post__poster=user)
        .select_related("post", "post__item", "requester", "from_post", "from_post__item")
        .order_by("-id")
    )


def contact_requests_outgoing(user) -> QuerySet[ContactRequest]:
    if not getattr(user, "is_authenticated", False):
        return ContactRequest.objects.none()
    return ContactRequest.objects.filter(requester=user).select_related("post", "post__item").order_by("-id")


def contact_accepted_post_ids(user) -> set[int]:
    """Posts whose phone ``user`` may see because the poster accepted their request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        ContactRequest.objects.filter(requester=user, status=ContactStatus.ACCEPTED).values_list("post_id", flat=True)
    )


@dataclass(frozen=True)
class Candidate:
    post_id: int
    poster_id: int
    distance_km: float
    score: float


# Distances are ranked with the equirectangular approximation (plain arithmetic, the cosine of the new
# post's latitude computed once): over a county (< 100 km) it differs from the great-circle distance by
# less than 0.1 %. The great-circle distance of each kept candidate is then computed exactly (haversine).
_CANDIDATES_SQL = """
SELECT id, poster_id, latitude, longitude, (0.5 * qfit + 0.3 / (1 + dist / 10.0) + 0.2 * pfit) AS score
FROM (
    SELECT p.id, p.poster_id, p.latitude, p.longitude,
        %(km_per_degree)s * sqrt((p.latitude - %(lat)s) ^ 2 + (%(cos_lat)s * (p.longitude - %(lon)s)) ^ 2) AS dist,
        least(p.quantity_base::float8, %(qty)s) / greatest(p.quantity_base::float8, %(qty)s) AS qfit,
        {price_fit} AS pfit
    FROM farm_posts_supplydemandpost p
    WHERE p.status = 'open' AND p.item_id = %(item)s AND p.side = %(side)s
      AND p.window_end >= %(today)s AND p.window_start <= %(end)s AND p.window_end >= %(start)s
      AND p.poster_id <> %(poster)s AND p.id <> %(post)s
) c
ORDER BY score DESC, dist, id
LIMIT %(limit)s
"""
EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def match_candidates(post: SupplyDemandPost, limit: int = 10) -> list[Candidate]:
    """The best open posts of the other side for ``post``, best first."""
    if post.price_wish is None:
        price_fit = "0.5"
    elif post.side == PostSide.SUPPLY:  # the buyer's wish over the seller's: 1 when the buyer pays enough
        price_fit = "CASE WHEN p.price_wish IS NULL THEN 0.5 ELSE least(1.0, p.price_wish::float8 / %(price)s) END"
    else:
        price_fit = "CASE WHEN p.price_wish IS NULL THEN 0.5 ELSE least(1.0, %(price)s / p.price_wish::float8) END"
    params = {
        "lat": post.latitude,
        "lon": post.longitude,
        "cos_lat": math.cos(math.radians(post.latitude)),
        "km_per_degree": math.radians(1) * EARTH_RADIUS_KM,
        "qty": float(post.quantity_base),
        "price": float(post.price_wish) if post.price_wish is not None else None,
        "item": post.item_id,
        "side": PostSide.DEMAND if post.side == PostSide.SUPPLY else PostSide.SUPPLY,
        "today": timezone.localdate(),
        "start": post.window_start,
        "end": post.window_end,
        "poster": post.poster_id,
        "post": post.pk or 0,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL.format(price_fit=price_fit), params)
        rows = cursor.fetchall()
    return [
        Candidate(pk, poster, great_circle_km(post.latitude, post.longitude, lat, lon), float(score))
        for pk, poster, lat, lon, score in rows
    ]
