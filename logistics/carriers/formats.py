"""Each carrier's waybill number rules, so a typo is caught when the seller ships, not days later.

SF Express: "SF" and 12 or 13 digits. ZTO: 12 digits starting 7, or 14 digits. YTO: "YT" and 13 digits.
JD Logistics: "JD" and two capitals and 11 digits ("JDVA..."), or "JD" and 13 digits. EMS: the UPU S10
form, two capitals, eight digits, a check digit and "CN" (the check digit is verified), or 13 digits
starting with 1 for domestic EMS. Numbers are compared upper-case without spaces."""

from __future__ import annotations

import re

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

CARRIERS = {
    "SF": ("顺丰速运", "SF Express", re.compile(r"SF\d{12,13}")),
    "ZTO": ("中通快递", "ZTO Express", re.compile(r"7\d{11}|\d{14}")),
    "YTO": ("圆通速递", "YTO Express", re.compile(r"YT\d{13}")),
    "JD": ("京东物流", "JD Logistics", re.compile(r"JD[A-Z]{2}\d{11}|JD\d{13}")),
    "EMS": ("中国邮政EMS", "China Post EMS", re.compile(r"[A-Z]{2}\d{9}CN|1\d{12}")),
}


def normalise(number: str) -> str:
    return "".join((number or "").split()).upper()


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an eight-digit serial number."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return 5 if check == 10 else 0 if check == 11 else check


def tracking_number_valid(carrier: str, number: str) -> bool:
    rule = CARRIERS.get(carrier)
    number = normalise(number)
    if rule is None or not rule[2].fullmatch(number):
        return False
    if carrier == "EMS" and number.endswith("CN"):
        return s10_check_digit(number[2:10]) == int(number[10])
    return True


def label_data(carrier: str, shipment, sender: dict) -> dict:
    """What an electronic waybill (电子面单) needs from us, in one carrier-neutral shape the adapters send."""
    return {
        "carrier": carrier,
        "carrierName": CARRIERS[carrier][0],
        "reference": shipment.reference,
        "sender": sender,
        "recipient": {
            "name": shipment.recipient_name,
            "phone": shipment.recipient_phone,
            "address": shipment.destination,
        },
        "parcels": [
            {"weightKg": str(p.weight_kg), "sizeCm": [p.length_cm, p.width_cm, p.height_cm]}
            for p in shipment.parcels.all()
        ],
        "cashOnDelivery": str(shipment.cash_to_collect),
        "currency": shipment.currency,
    }
