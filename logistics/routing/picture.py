"""A run drawn on the county's outline, as SVG: no map tiles, readable on a phone and printable.

The outline is the convex hull of the county's villages; positions use an equirectangular projection
scaled by the cosine of the latitude (good enough over 40 km)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from .problem import Point

SIZE = 600
PAD = 24
COLOURS = ["#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#a04000", "#2e4053"]


def _hull(points: Sequence[Point]) -> list[Point]:
    """Andrew's monotone chain."""
    pts = sorted(set(points), key=lambda p: (p.longitude, p.latitude))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a.longitude - o.longitude) * (b.latitude - o.latitude) - (a.latitude - o.latitude) * (
            b.longitude - o.longitude
        )

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def route_svg(
    outline: Sequence[Point], hub: Point, stops: Sequence[tuple[str, Point]], colour_index: int = 0, title: str = ""
) -> str:
    """`stops` in visiting order as (label, point); the hub starts and ends the line."""
    everything = list(outline) + [hub] + [p for _, p in stops]
    lats = [p.latitude for p in everything]
    lons = [p.longitude for p in everything]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lons) - min(lons)) * scale_x, max(lats) - min(lats), 1e-6)
    factor = (SIZE - 2 * PAD) / span

    def xy(p: Point) -> tuple[float, float]:
        return (
            round(PAD + (p.longitude - min(lons)) * scale_x * factor, 1),
            round(PAD + (max(lats) - p.latitude) * factor, 1),
        )

    colour = COLOURS[colour_index % len(COLOURS)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" class="route-map">',
        f"<title>{escape(title)}</title>",
    ]
    hull = _hull(outline)
    if hull:
        ring = " ".join(f"{x},{y}" for x, y in map(xy, hull))
        parts.append(f'<polygon points="{ring}" fill="#f4f6f4" stroke="#9aa59a" stroke-width="2"/>')
    path = [xy(hub)] + [xy(p) for _, p in stops] + [xy(hub)]
    line = " ".join(f"{x},{y}" for x, y in path)
    parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    hx, hy = xy(hub)
    parts.append(f'<rect x="{hx - 7}" y="{hy - 7}" width="14" height="14" fill="#222"/>')
    for n, (label, point) in enumerate(stops, start=1):
        x, y = xy(point)
        parts.append(
            f'<g><title>{n}. {escape(label)}</title><circle cx="{x}" cy="{y}" r="9" fill="{colour}"/>'
            f'<text x="{x}" y="{y + 3.5}" font-size="10" text-anchor="middle" fill="#fff">{n}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
