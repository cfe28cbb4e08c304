"""The ledger accounts of cash on delivery (holder-positive: a balance is the cash its holder has).

cod:person:<user id>:CNY   cash a driver or station agent collected and has not handed in
cod:hub:CNY                cash counted in at the hub's till
cod:collected:CNY          the other side of every collection (negative: cash that entered our hands)
cod:difference:CNY         shortages (positive) and surpluses (negative) written off when a day closes,
                           each with its explanation on the closed day
"""

from __future__ import annotations

from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_account_open

NAMES = {"hub": "集散中心现金", "collected": "货到付款代收（来源）", "difference": "现金差异（已说明）"}


def person_account(user, currency: str = "CNY") -> LedgerAccount:
    return ledger_account_open(f"cod:person:{user.pk}:{currency}", f"{user} 在途现金", currency)


def till_account(role: str, currency: str = "CNY") -> LedgerAccount:
    return ledger_account_open(f"cod:{role}:{currency}", NAMES[role], currency)
