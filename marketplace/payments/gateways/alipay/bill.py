"""Alipay's daily trade bill: ask for its URL, download the zip, read the detail CSV (GBK).

alipay.data.dataservice.bill.downloadurl.query (bill_type "trade", bill_date YYYY-MM-DD) answers
a short-lived URL of a zip holding two GBK CSV files: the detail (``…_业务明细.csv``) and a summary
(``…_业务明细(汇总).csv``). The detail has ``#`` comment lines above and below a header row and
one row per payment (业务类型 交易) or refund (退款, negative amounts, the refund's request number
in 退款批次号/请求号); Alipay pads fields with tabs. A day without trades has no bill
(sub_code isp.bill_not_exist): that is an empty bill, not an error.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from marketplace.payments.gateways.alipay.client import AlipayClient, AlipayError

PAYMENT, REFUND = "payment", "refund"
KINDS = {"交易": PAYMENT, "退款": REFUND}
TRADE_NO, OUT_TRADE_NO, KIND, AMOUNT, REQUEST_NO, FINISHED = (
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "订单金额（元）",
    "退款批次号/请求号",
    "完成时间",
)
NO_BILL = "isp.bill_not_exist"


class BillError(ValueError):
    """The bill could not be read (not a zip, no detail file, no header row, a malformed line)."""


@dataclass(frozen=True, slots=True)
class AlipayBillRow:
    """One payment or refund of the bill; ``amount`` positive, in yuan."""

    kind: str
    trade_no: str
    out_trade_no: str
    out_request_no: str
    amount: Decimal
    finished_at: str


def _file_name(info: zipfile.ZipInfo) -> str:
    """Alipay's zips name their files in GBK without the UTF-8 flag, which zipfile reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def detail_text(archive: bytes) -> str:
    """The detail CSV of a bill zip, decoded from GBK."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            files = [info for info in bundle.infolist() if not info.is_dir()]
            details = [info for info in files if _file_name(info).endswith("业务明细.csv")]
            if not details:
                raise BillError("The bill holds no detail file (…业务明细.csv)")
            raw = bundle.read(details[0])
    except zipfile.BadZipFile as exc:
        raise BillError("The bill is not a zip file") from exc
    return raw.decode("gbk", errors="strict")


def rows_of(text: str) -> Iterator[AlipayBillRow]:
    """The payment and refund rows of a detail CSV (other business types are left out)."""
    header: dict[str, int] | None = None
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or fields[0].lstrip().startswith("#"):
            continue
        cells = [field.strip() for field in fields]
        if header is None:
            if TRADE_NO in cells:
                header = {name: index for index, name in enumerate(cells)}
                missing = {TRADE_NO, OUT_TRADE_NO, KIND, AMOUNT, REQUEST_NO} - header.keys()
                if missing:
                    raise BillError(f"The bill's header lacks {', '.join(sorted(missing))}")
            continue
        kind = KINDS.get(cells[header[KIND]])
        if kind is None:
            continue
        try:
            amount = abs(Decimal(cells[header[AMOUNT]])).quantize(Decimal("0.01"))
        except (InvalidOperation, IndexError):
            raise BillError(f"Line {number} of the bill has no readable amount") from None
        yield AlipayBillRow(
            kind=kind,
            trade_no=cells[header[TRADE_NO]],
            out_trade_no=cells[header[OUT_TRADE_NO]],
            out_request_no=cells[header[REQUEST_NO]] if kind == REFUND else "",
            amount=amount,
            finished_at=cells[header[FINISHED]] if FINISHED in header else "",
        )
    if header is None:
        raise BillError("The bill has no header row")


def bill_rows(client: AlipayClient, day: date) -> list[AlipayBillRow]:
    """The day's bill from Alipay (AlipayError when it cannot be had; an empty list on a day without trades)."""
    try:
        answer = client.call(
            "alipay.data.dataservice.bill.downloadurl.query", {"bill_type": "trade", "bill_date": day.isoformat()}
        )
    except AlipayError as exc:
        if exc.sub_code == NO_BILL:
            return []
        raise
    url = answer.get("bill_download_url")
    if not url:
        raise AlipayError("Alipay gave no bill URL")
    try:
        return list(rows_of(detail_text(client.download(url))))
    except (BillError, UnicodeDecodeError) as exc:
        raise AlipayError(f"The bill of {day} could not be read: {exc}") from exc
