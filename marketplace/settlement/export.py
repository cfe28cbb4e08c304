"""The bank file of a payout batch: CSV, UTF-8 with a BOM so that Excel on Chinese Windows shows
the names correctly; one row per payout, amounts with two decimals, CRLF line ends.

Columns: 收款人户名 (payee name), 收款账号 (account number), 开户银行 (bank), 金额 (amount),
附言 (reference). Account numbers are written as plain digits (the bank imports them as they
are); Excel may show long numbers in scientific notation if the file is opened and re-saved.
"""

from __future__ import annotations

import csv
import io

from marketplace.settlement.models import PayoutBatch, PayoutStatus

HEADER = ["收款人户名", "收款账号", "开户银行", "金额", "附言"]


def payout_batch_filename(batch: PayoutBatch) -> str:
    return f"meidu-payouts-{batch.week_end:%Y%m%d}.csv"


def payout_batch_csv(batch: PayoutBatch) -> bytes:
    """Rows of the payouts still to send (failed ones are left out)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for payout in batch.payouts.exclude(status=PayoutStatus.FAILED).order_by("id"):
        writer.writerow([payout.payee_name, payout.account_number, payout.bank, f"{payout.amount:.2f}", payout.reference])
    return buffer.getvalue().encode("utf-8-sig")
