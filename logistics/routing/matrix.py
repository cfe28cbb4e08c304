"""Travel distances and times between the hub and the stops.

The default estimates roads from coordinates: great-circle distance × a road factor, at an average
speed chosen by the leg's road class (short legs run on village roads, longer ones on county and
provincial roads). A real road-matrix server speaking OSRM's `table` service replaces it by setting
`LOGISTICS_ROAD_MATRIX_URL`; answers are cached per day, since roads don't change within a day."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import requests

from .problem import Point

EARTH_RADIUS_M = 6_371_008.8


class MatrixUnavailable(Exception):
    """The road-matrix server did not answer usefully (the caller may fall back to the estimate)."""


@dataclass(frozen=True)
class TravelMatrix:
    distance_m: list[list[int]]
    duration_s: list[list[int]]


class MatrixSource(Protocol):
    name: str

    def matrix(self, points: Sequence[Point]) -> TravelMatrix: ...


def great_circle_m(a: Point, b: Point) -> float:
    """Haversine distance in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class RoadClass:
    name: str
    up_to_m: float  # straight-line length of a leg up to which this class applies
    speed_kmh: float


DEFAULT_ROAD_CLASSES = (
    RoadClass("village", 3_000, 25.0),
    RoadClass("county", 15_000, 40.0),
    RoadClass("provincial", math.inf, 60.0),
)


class EstimatedMatrix:
    """Great-circle × road factor; speed by road class. Deterministic and free."""

    name = "estimate"

    def __init__(self, road_factor: float = 1.3, road_classes: Sequence[RoadClass] = DEFAULT_ROAD_CLASSES):
        if not road_factor >= 1.0 or not math.isfinite(road_factor):
            raise ValueError("road factor must be a finite number >= 1")
        self.road_factor = road_factor
        self.road_classes = tuple(sorted(road_classes, key=lambda c: c.up_to_m))

    def _speed_ms(self, straight_m: float) -> float:
        for road_class in self.road_classes:
            if straight_m <= road_class.up_to_m:
                return road_class.speed_kmh / 3.6
        return self.road_classes[-1].speed_kmh / 3.6

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        n = len(points)
        distance = [[0] * n for _ in range(n)]
        duration = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                straight = great_circle_m(points[i], points[j])
                road = straight * self.road_factor
                seconds = road / self._speed_ms(straight)
                distance[i][j] = distance[j][i] = round(road)
                duration[i][j] = duration[j][i] = round(seconds)
        return TravelMatrix(distance, duration)


class OsrmMatrix:
    """A road-matrix server with OSRM's HTTP API (`/table/v1/{profile}/{lon,lat;...}`)."""

    name = "osrm"

    def __init__(self, base_url: str, profile: str = "driving", timeout_s: float = 5.0, session=None):
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout_s = timeout_s
        self.session = session or requests.Session()

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        coordinates = ";".join(f"{p.longitude:.6f},{p.latitude:.6f}" for p in points)
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}"
        try:
            response = self.session.get(url, params={"annotations": "duration,distance"}, timeout=self.timeout_s)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise MatrixUnavailable(f"road matrix server: {exc.__class__.__name__}") from exc
        if body.get("code") != "Ok":
            raise MatrixUnavailable(f"road matrix server answered {body.get('code')!r}")
        try:
            distance = [[_whole(v) for v in row] for row in body["distances"]]
            duration = [[_whole(v) for v in row] for row in body["durations"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise MatrixUnavailable("road matrix server: malformed table") from exc
        n = len(points)
        if len(distance) != n or any(len(row) != n for row in distance + duration) or len(duration) != n:
            raise MatrixUnavailable("road matrix server: table of the wrong size")
        return TravelMatrix(distance, duration)


def _whole(value) -> int:
    """OSRM answers null for an unroutable pair: treat it as unreachable, not as zero."""
    if value is None:
        return UNREACHABLE
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise TypeError("not a distance")
    return round(number)


UNREACHABLE = 10**9


def points_digest(day: str, source: str, points: Sequence[Point]) -> str:
    text = day + "|" + source + "|" + ";".join(f"{p.latitude:.6f},{p.longitude:.6f}" for p in points)
    return hashlib.sha256(text.encode()).hexdigest()


class DailyCachedMatrix:
    """Remembers a day's matrices in the project cache (Redis when configured): the dispatcher re-plans
    several times before departure and the points rarely change."""

    def __init__(self, source: MatrixSource, cache, day: str, timeout_s: int = 36 * 3600):
        self.source = source
        self.cache = cache
        self.day = day
        self.timeout_s = timeout_s
        self.name = source.name

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        key = "routing:matrix:" + points_digest(self.day, self.source.name, points)
        cached = self.cache.get(key)
        if cached is not None:
            return TravelMatrix(cached[0], cached[1])
        answer = self.source.matrix(points)
        self.cache.set(key, (answer.distance_m, answer.duration_s), self.timeout_s)
        return answer
