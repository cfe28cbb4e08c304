"""What a distributor may see of its buyers (issue 16): the phone and address masked, the family name only.
Pure functions, shared by the API and the distributor centre's pages."""

from __future__ import annotations


def phone_masked(phone: str) -> str:
    digits = (phone or "").replace(" ", "").removeprefix("+86")
    if len(digits) < 7:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def recipient_masked(address) -> str:
    if address is None:
        return ""
    family = (address.last_name or address.first_name or "")[:1]
    return f"{family}**" if family else "**"


def address_masked(address) -> str:
    """Province, city and county only: never the town, village or house."""
    if address is None:
        return ""
    return f"{address.country_area}{address.city}{address.city_area}"
