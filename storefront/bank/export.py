"""The bank's loans as a CSV file for its core banking system: one row per loan, UTF-8 with a BOM so
that Excel on Chinese Windows shows the names, CRLF line ends, amounts with two decimals.

Borrower names, receipt numbers and the registry filing number were typed by people: a cell that a
spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is written with a
leading single quote, as the marketplace's payout bank file does (CSV injection)."""

from __future__ import annotations

import csv
import io

HEADER = [
    "贷款编号",
    "借款会员",
    "统一社会信用代码",
    "状态",
    "申请金额",
    "本金",
    "年利率(%)",
    "期限(天)",
    "批准时间",
    "放款时间",
    "到期日",
    "未还本金",
    "应计未付利息",
    "质押仓单",
    "质押吨数",
    "最新估值日",
    "最新质押率(%)",
    "中登网登记号",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """``value`` as a cell a spreadsheet shows as text: a leading ' before a formula start."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _moment(value) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def bank_loans_csv(rows) -> bytes:
    """``rows``: the LoanRow objects of financing.selectors.loan_row_list (loan, debt, pledged receipts, last
    valuation)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        loan, valuation = row.loan, row.valuation
        writer.writerow(
            [
                csv_safe(loan.number),
                csv_safe(loan.borrower.name),
                csv_safe(loan.borrower.credit_code),
                csv_safe(loan.get_status_display()),
                _money(loan.amount_requested),
                _money(loan.principal),
                "" if loan.annual_rate_percent is None else f"{loan.annual_rate_percent}",
                loan.term_days or "",
                _moment(loan.approved_at),
                _moment(loan.disbursed_at),
                loan.due_date.isoformat() if loan.due_date else "",
                _money(row.debt.principal),
                _money(row.debt.interest),
                csv_safe(";".join(c.receipt.number for c in row.pledged)),
                f"{row.pledged_tonnes:.3f}",
                valuation.day.isoformat() if valuation else "",
                "" if valuation is None or valuation.ltv_percent is None else f"{valuation.ltv_percent}",
                csv_safe(loan.registry_filing_no),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
