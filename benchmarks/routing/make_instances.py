"""Write the two county-shaped routing instances (`county_94.json`, `county_300.json`).

94 stops are the county's 89 villages and its 5 town stations, from the geography's data file; 300 stops
spread three to four households' drop points around each village. Parcels weigh what village orders
weigh (5-60 kg a stop), a tenth of the stops load farm produce for the return trip, stations keep
morning or afternoon hours, and a few stops take fresh pork or eggs that must arrive within 3 hours of
dispatch. Fixed seed: the files are shipped and re-running this script rewrites them identically."""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNTY = HERE.parent.parent / "logistics" / "geography" / "data" / "meidu_county.json"
HOUR = 3600


def places() -> tuple[dict, list[dict]]:
    county = json.loads(COUNTY.read_text(encoding="utf-8"))
    hub = {"latitude": county["county"]["lat"], "longitude": county["county"]["lng"]}
    points = []
    for town in county["towns"]:
        points.append({"key": town["code"], "latitude": town["lat"], "longitude": town["lng"], "station": True})
        for village in town["villages"]:
            points.append({"key": village["code"], "latitude": village["lat"], "longitude": village["lng"]})
    return hub, points


def stop(rng: random.Random, key: str, latitude: float, longitude: float, station: bool) -> dict:
    hours = rng.random()
    if station or hours < 0.7:
        opens, closes = 8 * HOUR, 18 * HOUR
    elif hours < 0.85:
        opens, closes = 8 * HOUR, 12 * HOUR
    else:
        opens, closes = 13 * HOUR, 17 * HOUR
    delivery = rng.randint(5, 60) * 1000
    return {
        "key": key,
        "latitude": round(latitude, 6),
        "longitude": round(longitude, 6),
        "delivery_g": delivery,
        "pickup_g": rng.randint(50, 300) * 1000 if rng.random() < 0.1 else 0,
        "service_s": 240 + delivery // 1000 * 6,
        "opens_s": opens,
        "closes_s": closes,
        "max_after_dispatch_s": 3 * HOUR if rng.random() < 0.05 else None,
    }


def fleet(stops: list[dict], capacity_g: int) -> list[dict]:
    load = max(sum(s["delivery_g"] for s in stops), sum(s["pickup_g"] for s in stops))
    vans = -(-load // capacity_g) + 2
    return [
        {"key": f"van-{n + 1:02d}", "capacity_g": capacity_g, "starts_s": 7 * HOUR + 1800, "shift_s": 10 * HOUR}
        for n in range(vans)
    ]


def county_94() -> dict:
    rng = random.Random(94)
    hub, points = places()
    stops = [stop(rng, p["key"], p["latitude"], p["longitude"], p.get("station", False)) for p in points]
    return {"name": "county_94", "hub": hub, "vehicles": fleet(stops, 1_000_000), "stops": stops}


def county_300() -> dict:
    rng = random.Random(300)
    hub, points = places()
    stops = []
    while len(stops) < 300:
        for p in points:
            if len(stops) == 300:
                break
            key = f"{p['key']}-{sum(1 for s in stops if s['key'].startswith(p['key'] + '-')) + 1}"
            lat = p["latitude"] + rng.uniform(-0.008, 0.008)
            lon = p["longitude"] + rng.uniform(-0.01, 0.01)
            stops.append(stop(rng, key, lat, lon, False))
    return {"name": "county_300", "hub": hub, "vehicles": fleet(stops, 1_000_000), "stops": stops}


if __name__ == "__main__":
    for instance in (county_94(), county_300()):
        path = HERE / f"{instance['name']}.json"
        path.write_text(json.dumps(instance, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(path.name, len(instance["stops"]), "stops,", len(instance["vehicles"]), "vans")
