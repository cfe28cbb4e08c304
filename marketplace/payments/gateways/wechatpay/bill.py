"""WeChat Pay's trade bill (交易账单, bill_type ALL) turned into normalised BillLines.

The file is CSV in UTF-8: a header row, one row per movement with every value prefixed by a
backquote (so spreadsheets keep long numbers as text), then two summary rows (总交易单数...).
A payment row has 交易状态 SUCCESS; a refund row has 交易状态 REFUND with the refund's own id,
amount and status. Columns are found by their header names, so added columns do not matter.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from marketplace.payments.gateways.base import BILL_PAYMENT, BILL_REFUND, BillLine, GatewayError

SUMMARY_MARK = "总交易单数"
COLUMNS = {
    "transaction_id": "微信订单号",
    "out_trade_no": "商户订单号",
    "state": "交易状态",
    "currency": "货币种类",
    "settlement_total": "应结订单金额",
    "order_total": "订单金额",
    "refund_id": "微信退款单号",
    "out_refund_no": "商户退款单号",
    "refund_amount": "退款金额",
    "refund_status": "退款状态",
}
CURRENCY = {"CNY": "CNY", "人民币": "CNY"}


def _clean(value: str) -> str:
    return value.strip().lstrip("`").strip()


def _amount(value: str, row: int) -> Decimal:
    try:
        amount = Decimal(_clean(value))
    except InvalidOperation:
        raise GatewayError(f"Bill row {row}: {value[:20]!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise GatewayError(f"Bill row {row}: {value[:20]!r} is not an amount in fen")
    return amount


def bill_lines_parse(content: bytes) -> Iterator[BillLine]:
    """The movements of one bill file; GatewayError on a file that is not a WeChat Pay trade bill."""
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return
    names = [_clean(name) for name in header]
    try:
        at = {key: names.index(title) for key, title in COLUMNS.items() if title in names}
    except ValueError:  # pragma: no cover - index only after the membership test
        at = {}
    for needed in ("transaction_id", "out_trade_no", "state"):
        if needed not in at:
            raise GatewayError(f"The bill has no column {COLUMNS[needed]}")
    total_column = at.get("order_total", at.get("settlement_total"))
    if total_column is None:
        raise GatewayError("The bill has no order amount column")
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if _clean(row[0]) == SUMMARY_MARK:
            break
        if len(row) < len(names):
            raise GatewayError(f"Bill row {number} has {len(row)} columns, the header {len(names)}")
        state = _clean(row[at["state"]])
        currency = CURRENCY.get(_clean(row[at["currency"]]), "CNY") if "currency" in at else "CNY"
        if state == "SUCCESS":
            yield BillLine(
                BILL_PAYMENT,
                _clean(row[at["transaction_id"]]),
                _clean(row[at["out_trade_no"]]),
                _amount(row[total_column], number),
                currency,
            )
        elif state == "REFUND" and "refund_id" in at and "refund_amount" in at:
            if "refund_status" in at and _clean(row[at["refund_status"]]) not in ("SUCCESS", ""):
                continue
            yield BillLine(
                BILL_REFUND,
                _clean(row[at["refund_id"]]),
                _clean(row[at["out_refund_no"]]) if "out_refund_no" in at else "",
                _amount(row[at["refund_amount"]], number),
                currency,
            )
