"""The bank file lists only the payouts still to send, and never hands Excel a formula."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.settlement.export import HEADER, csv_safe, payout_batch_csv
from marketplace.settlement.services.payouts import payout_batch_create, payout_mark_failed, payout_mark_paid
from tests.marketplace.settlement.journeys import released_at_store, released_pears

D = Decimal


def rows_of(batch):
    return list(csv.reader(io.StringIO(payout_batch_csv(batch).decode("utf-8-sig"))))


def test_paid_and_returned_payouts_are_not_in_the_file_to_send(buyer, rural, cooker, pears, operator, rules):
    released_at_store(buyer, rural, cooker)
    released_pears(buyer, rural, pears)
    batch = payout_batch_create(timezone.localdate())
    by_shop = {payout.shop_id: payout for payout in batch.payouts.all()}
    cooker_payout, pear_payout = by_shop[cooker["shop"].pk], by_shop[pears["shop"].pk]
    assert [row[4] for row in rows_of(batch)[1:]] == list(
        batch.payouts.order_by("id").values_list("reference", flat=True)
    )
    assert len(rows_of(batch)) == 3

    payout_mark_paid(cooker_payout, actor=operator, bank_reference="ICBC-1")
    rows = rows_of(batch)
    assert rows[0] == HEADER
    assert [row[4] for row in rows[1:]] == [pear_payout.reference]  # the confirmed transfer is not sent again

    payout_mark_failed(pear_payout, actor=operator, reason="账号错误")
    assert rows_of(batch) == [HEADER]  # the returned one is paid in a later batch, not from this file


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil","李建国")', '\'=HYPERLINK("http://evil","李建国")'),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("+8613900000000", "'+8613900000000"),
        ("-1+2", "'-1+2"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("李建国", "李建国"),
        ("中国农业银行大石桥支行", "中国农业银行大石桥支行"),
        ("张三=李四", "张三=李四"),  # only a leading formula character matters
        ("", ""),
    ],
)
def test_csv_safe(value, written):
    assert csv_safe(value) == written


def test_formula_payee_and_bank_are_written_as_text_and_chinese_names_kept(buyer, rural, cooker, rules):
    shop = cooker["shop"]
    shop.payout_account_name = '=HYPERLINK("http://evil","李建国")'
    shop.payout_bank = "@SUM(1+1)"
    shop.save(update_fields=["payout_account_name", "payout_bank"])
    released_at_store(buyer, rural, cooker)
    batch = payout_batch_create(timezone.localdate())
    [payout] = batch.payouts.all()
    assert rows_of(batch) == [
        HEADER,
        ['\'=HYPERLINK("http://evil","李建国")', shop.payout_account_number, "'@SUM(1+1)", "374.12", payout.reference],
    ]
    assert payout.payee_name.startswith("=")  # the record keeps what the shop gave; only the file is neutralised


def test_plain_chinese_names_are_written_unchanged(buyer, rural, cooker, rules):
    shop = cooker["shop"]
    shop.payout_account_name, shop.payout_bank = "大石桥市百货大楼有限公司", "中国工商银行营口分行"
    shop.save(update_fields=["payout_account_name", "payout_bank"])
    released_at_store(buyer, rural, cooker)
    batch = payout_batch_create(timezone.localdate())
    [payout] = batch.payouts.all()
    content = payout_batch_csv(batch)
    assert content.startswith(b"\xef\xbb\xbf") and b"\r\n" in content
    assert rows_of(batch)[1] == [
        "大石桥市百货大楼有限公司",
        shop.payout_account_number,
        "中国工商银行营口分行",
        "374.12",
        payout.reference,
    ]
    assert payout.amount == D("374.12")
