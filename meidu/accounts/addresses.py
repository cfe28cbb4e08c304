"""Validation of Chinese addresses given in Saleor's AddressInput shape.

Province names are checked against the 34 provincial-level divisions (short forms such as
"辽宁" are completed to "辽宁省"); a mobile phone is required. An address inside our county
is linked to its village (by the ``village`` argument, or by finding "<town><village>" in the
street line), so centralised delivery can price it by zone.
"""

from __future__ import annotations

import re

from django.db.models import CharField, Value
from django.db.models.functions import Concat, StrIndex
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from logistics.geography.models import Village
from meidu.accounts.models import Address
from meidu.accounts.phone import InvalidPhone, normalize_cn_mobile
from meidu.core.errors import DomainError, DomainErrors
from meidu.core.sql.compiled import CompiledQuery

PROVINCES = (
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
)
_SHORT = {
    re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$", "", name): name for name in PROVINCES
}
_POSTAL = re.compile(r"\d{6}")
_REQUIRED = ("first_name", "street_address_1", "city", "city_area", "country_area", "phone")
_LIMITS = {
    "first_name": 64,
    "last_name": 64,
    "company_name": 128,
    "street_address_1": 255,
    "street_address_2": 255,
    "city": 64,
    "city_area": 64,
}
_FIELD_NAMES = {
    "first_name": pgettext_lazy("address field", "first_name"),
    "last_name": pgettext_lazy("address field", "last_name"),
    "company_name": pgettext_lazy("address field", "company_name"),
    "street_address_1": pgettext_lazy("address field", "street_address_1"),
    "street_address_2": pgettext_lazy("address field", "street_address_2"),
    "city": pgettext_lazy("address field", "city"),
    "city_area": pgettext_lazy("address field", "city_area"),
    "country_area": pgettext_lazy("address field", "country_area"),
    "phone": pgettext_lazy("address field", "phone"),
}


def province_normalize(raw: str) -> str | None:
    name = (raw or "").strip()
    if name in PROVINCES:
        return name
    return _SHORT.get(name)


def _village_for(data: dict, village_id):
    if village_id:
        return Village.objects.select_related("town").filter(pk=village_id).first()
    # The first village (by code) of the county whose town and village names the street contains, found by
    # PostgreSQL in one compiled statement: reading every village of the county (~100 rows with their towns) to
    # test each in Python cost checkoutCreate ~4 ms of CPU
    street, county = data["street_address_1"].replace(" ", ""), data["city_area"]
    if "\x00" in street + county:
        return None  # no village's name holds a NUL (and PostgreSQL refuses one in a text parameter)
    return next(iter(_village_in_street(county=county, street=street)), None)


_village_in_street = CompiledQuery(
    lambda county, street: (
        Village.objects.select_related("town")
        .filter(town__county=county)
        .annotate(
            street_at=StrIndex(
                Value(street, output_field=CharField()), Concat("town__name", "name", output_field=CharField())
            )
        )
        .filter(street_at__gt=0)
        .order_by("code")[:1]
    ),
    county=str,
    street=str,
)


def address_clean(data: dict, *, field_prefix: str = "") -> dict:
    """Normalised address fields, or DomainErrors listing every problem (codes required/invalid)."""
    errors: list[DomainError] = []
    cleaned = {key: (data.get(key) or "").strip() for key in (*_REQUIRED, *_LIMITS, "postal_code", "country")}
    cleaned["country"] = (cleaned["country"] or "CN").upper()
    for key in _REQUIRED:
        if not cleaned[key]:
            errors.append(
                DomainError(
                    _("%(field)s is required") % {"field": _FIELD_NAMES[key]}, "required", field=field_prefix + key
                )
            )
    for key, limit in _LIMITS.items():
        if len(cleaned[key]) > limit:
            errors.append(
                DomainError(
                    _("%(field)s is longer than %(limit)s characters") % {"field": _FIELD_NAMES[key], "limit": limit},
                    "invalid",
                    field=field_prefix + key,
                )
            )
    if cleaned["country"] != "CN":
        errors.append(
            DomainError(_("Only addresses in mainland China are served"), "invalid", field=field_prefix + "country")
        )
    if cleaned["country_area"]:
        province = province_normalize(cleaned["country_area"])
        if province is None:
            errors.append(
                DomainError(
                    _("%(name)s is not a province of China") % {"name": cleaned["country_area"]},
                    "invalid",
                    field=field_prefix + "countryArea",
                )
            )
        cleaned["country_area"] = province or cleaned["country_area"]
    if cleaned["postal_code"] and not _POSTAL.fullmatch(cleaned["postal_code"]):
        errors.append(DomainError(_("A postal code has six digits"), "invalid", field=field_prefix + "postalCode"))
    if cleaned["phone"]:
        try:
            cleaned["phone"] = normalize_cn_mobile(cleaned["phone"])
        except InvalidPhone as exc:
            errors.append(DomainError(str(exc), "invalid", field=field_prefix + "phone"))
    if errors:
        raise DomainErrors(errors)
    village = _village_for(cleaned, data.get("village_id"))
    if data.get("village_id") and village is None:
        raise DomainError(_("Unknown village"), "invalid", field=field_prefix + "village")
    cleaned["village"] = village
    return cleaned


def address_create(data: dict, *, user=None, field_prefix: str = "") -> Address:
    return Address.objects.create(user=user, **address_clean(data, field_prefix=field_prefix))
