"""Load the county's towns and villages from the data file shipped with the code (idempotent)."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from logistics.geography.models import Town, Village

COUNTY_DATA = Path(__file__).resolve().parent / "data" / "meidu_county.json"


def county_data(path: Path = COUNTY_DATA) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def geography_load_county(path: Path = COUNTY_DATA) -> tuple[int, int]:
    """Upsert by code; returns (towns, villages) in the file."""
    data = county_data(path)
    county = data["county"]["name"]
    villages = 0
    for town_row in data["towns"]:
        town, _ = Town.objects.update_or_create(
            code=town_row["code"],
            defaults={
                "name": town_row["name"],
                "name_en": town_row.get("name_en", ""),
                "county": county,
                "latitude": Decimal(str(town_row["lat"])),
                "longitude": Decimal(str(town_row["lng"])),
            },
        )
        for row in town_row["villages"]:
            Village.objects.update_or_create(
                code=row["code"],
                defaults={
                    "town": town,
                    "name": row["name"],
                    "latitude": Decimal(str(row["lat"])),
                    "longitude": Decimal(str(row["lng"])),
                },
            )
            villages += 1
    return len(data["towns"]), villages
