"""The bank file of a payout batch: CSV, UTF-8 with a BOM so that Excel on Chinese Windows shows
the names correctly; one row per payout, amounts with two decimals, CRLF line ends.

Columns: 收款人户名 (payee name), 收款账号 (account number), 开户银行 (bank), 金额 (amount),
附言 (reference). Account numbers are written as plain digits (the bank imports them as they
are); Excel may show long numbers in scientific notation if the file is opened and re-saved.

Only payouts still to send (CREATED) are listed: a payout the bank confirmed (PAID) or returned
(FAILED) never appears again, so downloading the file again cannot send a transfer twice.

Payee names and banks come from the seller's shop application: a cell that a spreadsheet would
read as a formula (starting with = + - @, a tab or a carriage return) is written with a leading
single quote, so finance opening the file in Excel sees text, never a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io

from marketplace.settlement.models import PayoutBatch, PayoutStatus

HEADER = ["收款人户名", "收款账号", "开户银行", "金额", "附言"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def payout_batch_filename(batch: PayoutBatch) -> str:
    return f"meidu-payouts-{batch.week_end:%Y%m%d}.csv"


def csv_safe(value) -> str:
    """``value`` as a cell a spreadsheet shows as text: a leading ' before a formula start."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def payout_batch_csv(batch: PayoutBatch) -> bytes:
    """Rows of the payouts still to send (CREATED): paid and returned ones are left out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for payout in batch.payouts.filter(status=PayoutStatus.CREATED).order_by("id"):
        # the amount is ours and always positive: only the texts a seller typed are neutralised
        writer.writerow(
            [
                csv_safe(payout.payee_name),
                csv_safe(payout.account_number),
                csv_safe(payout.bank),
                f"{payout.amount:.2f}",
                csv_safe(payout.reference),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
