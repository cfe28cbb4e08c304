"""Signed statements of warehouse receipts: what a bank (or anyone holding the printed receipt) is told
about a receipt at this moment, signed so that it can be checked offline (``meidu.core.statements``).

A statement is opened by the receipt's number AND its verification code (printed on the receipt and in
its QR). A wrong code answers exactly as an unknown number (NOT_FOUND, same message, same queries; the
code compared in constant time), and unprivileged callers' failed look-ups are counted per address and
per user (``meidu.accounts.throttle``): past the limit every look-up is refused (THROTTLED) until the
window ends, so the code cannot be guessed by trying.

What the statement says depends on who asks (``statement_viewer``):

* ``view: masked`` (anonymous callers, buyers, other traders): facts with the owner's name and credit
  code masked; pledged yes/no only.
* ``view: full`` (bank officers and bank Apps holding BANK_LENDING, operators holding MANAGE_EXCHANGE,
  traders of the owning member): the owner in full.
* The bank a pledge is held by is named only to that bank (its officers and its App) and to the owner's
  traders; every other reader, full or masked, learns only that the receipt is pledged.

The claims (canonical JSON, signed as they are):
``iss`` PUBLIC_URL, ``iat`` seconds, ``jti`` statement id, ``typ`` "receipt-statement", ``aud`` who it was
issued to ("public", "bank:<code>", "exchange", "owner"), ``view`` masked|full, ``receipt`` (number,
commodity, grade, tonnes, warehouse, owner, issued_at), ``status``, ``encumbrance`` (pledged, bank),
``chain`` (last_hash, event_count, valid: the signed hash chain replayed now, see
``warehouses.verification.receipts_chain_check``).

Reads only; nothing is written except the throttle's failure counters.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from magnesium_exchange.financing.error_codes import ExchangeStatementErrorCode as Code
from magnesium_exchange.financing.models import PLEDGE_IN_FORCE, Bank, BankOfficer, LoanCollateral
from magnesium_exchange.financing.selectors import pledge_in_force_of
from magnesium_exchange.members.selectors import trader_for_user
from magnesium_exchange.warehouses.models import VERIFICATION_CODE_LENGTH, Receipt
from magnesium_exchange.warehouses.verification import receipts_chain_check
from meidu.accounts import throttle
from meidu.core.errors import DomainError
from meidu.core.money import quantize
from meidu.core.permissions import ExchangePermissions
from meidu.core.sql.compiled import CompiledQuery
from meidu.core.statements import statement_sign
from meidu.integrations.models import App
from meidu.integrations.services.apps import actor_has_permission

STATEMENT_KIND = "receipt-statement"
MASKED, FULL = "masked", "full"
# At most this many receipts in one batch (a bank's nightly check sends its book in pages).
BATCH_MAX = 500
NUMBER_MAX_LENGTH = 40
CODE_MAX_LENGTH = 16
# Failed look-ups (unknown number or wrong code) an unprivileged caller may make per window.
FAILURES_MAX = getattr(settings, "RECEIPT_VERIFY_MAX_FAILURES", 20)
FAILURES_WINDOW_SECONDS = getattr(settings, "RECEIPT_VERIFY_FAILURE_WINDOW_SECONDS", 900)
# Compared against when the number is unknown, so both failures take the same path.
_NO_CODE = "-" * VERIFICATION_CODE_LENGTH
_RELATED = ("warehouse", "commodity", "grade", "holder")
# The columns a statement, the chain's replay (``receipt_state``, the digest) and the code check read:
# a look-up reads these and nothing else (any other field of these receipts would cost a query each).
_STATEMENT_FIELDS = (
    "number",
    "quantity",
    "issued_at",
    "status",
    "lock_until",
    "encumbrance",
    "verification_code",
    "last_hash",
    "event_count",
    "warehouse__code",
    "warehouse__name",
    "commodity__code",
    "commodity__name",
    "grade__code",
    "grade__name",
    "holder__name",
    "holder__credit_code",
)


@dataclass(frozen=True)
class StatementViewer:
    """Who is asking, resolved once per request (or per batch)."""

    full: bool
    audience: str
    bank_id: int | None = None
    member_id: int | None = None
    privileged: bool = False  # banks and operators: not throttled
    user_id: int | None = None


@dataclass(frozen=True)
class PledgeBank:
    code: str
    name: str


@dataclass(frozen=True)
class PledgeInForce:
    """What a statement says of the pledge in force on a receipt: the bank holding it (read with the
    receipt's row, in the same statement; ``receipt_statement_claims`` also takes a LoanCollateral)."""

    bank_id: int
    bank: PledgeBank


@dataclass
class StatementResult:
    """One look-up of a batch: the statement and its claims, or the refusal's code and message."""

    number: str
    statement: str | None = None
    claims: dict | None = None
    code: Code | None = None
    message: str = ""


def statement_viewer(viewer) -> StatementViewer:
    """Resolve ``viewer`` (a user, an App, AnonymousUser or None)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return StatementViewer(full=False, audience="public")
    if isinstance(viewer, App):
        if not viewer.is_active or not actor_has_permission(viewer, ExchangePermissions.BANK_LENDING):
            return StatementViewer(full=False, audience="public", privileged=False)
        bank = Bank.objects.filter(app=viewer, is_active=True).values_list("id", "code").first()
        if bank is None:  # an App with the permission but no bank: full facts, no bank's secrets
            return StatementViewer(full=True, audience="exchange", privileged=True)
        return StatementViewer(full=True, audience=f"bank:{bank[1]}", bank_id=bank[0], privileged=True)
    if actor_has_permission(viewer, ExchangePermissions.BANK_LENDING):
        officer = (
            BankOfficer.objects.filter(user=viewer, is_active=True, bank__is_active=True)
            .values_list("bank_id", "bank__code")
            .first()
        )
        if officer is not None:
            return StatementViewer(
                full=True, audience=f"bank:{officer[1]}", bank_id=officer[0], privileged=True, user_id=viewer.pk
            )
        if actor_has_permission(viewer, ExchangePermissions.MANAGE_EXCHANGE):
            return StatementViewer(full=True, audience="exchange", privileged=True, user_id=viewer.pk)
        # the role without a bank: a full view of the facts, but no bank is "theirs"
        return StatementViewer(full=True, audience="exchange", privileged=True, user_id=viewer.pk)
    if actor_has_permission(viewer, ExchangePermissions.MANAGE_EXCHANGE):
        return StatementViewer(full=True, audience="exchange", privileged=True, user_id=viewer.pk)
    trader = trader_for_user(viewer)
    if trader is not None:
        return StatementViewer(full=False, audience="public", member_id=trader.member_id, user_id=viewer.pk)
    return StatementViewer(full=False, audience="public", user_id=viewer.pk)


def mask_name(name: str) -> str:
    """大石桥市华鑫镁业有限公司 -> 大石桥**镁业有限公司: the place at the front and the trade and legal form at
    the end stay; what identifies the company is replaced by two stars whatever its length."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "**"
    tail = min(6, max(0, len(name) - 5))
    head = min(3, max(1, len(name) - tail - 2))
    return name[:head] + "**" + (name[-tail:] if tail else "")


def mask_credit_code(code: str) -> str:
    """91210381MA0XXXXX1X -> 912103********001X: the registering authority, kind and region, and the last four."""
    code = (code or "").strip()
    if len(code) <= 6:
        return "*" * len(code)
    return code[:6] + "*" * (len(code) - 10) + code[-4:] if len(code) > 10 else code[:6] + "*" * (len(code) - 6)


def _iso(moment) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _owner_view(viewer: StatementViewer, receipt: Receipt) -> bool:
    return viewer.full or (viewer.member_id is not None and viewer.member_id == receipt.holder_id)


def receipt_statement_claims(receipt: Receipt, *, viewer, pledge=None, chain=None, now: float | None = None) -> dict:
    """The claims of ``receipt``'s statement for ``viewer`` (a user, an App, None or a resolved
    StatementViewer). ``pledge`` (the LoanCollateral or PledgeInForce in force, or False for none) and
    ``chain`` (the ReceiptVerification) are read when not given; ``receipt`` needs its warehouse,
    commodity, grade and holder (they are loaded when missing)."""
    if not isinstance(viewer, StatementViewer):
        viewer = statement_viewer(viewer)
    if pledge is None:
        pledge = pledge_in_force_of([receipt.pk]).get(receipt.pk) or False
    if chain is None:
        chain = receipts_chain_check([receipt])[receipt.pk]
    owner_full = _owner_view(viewer, receipt)
    holder = receipt.holder
    pledged = bool(pledge) or bool(receipt.encumbrance)
    encumbrance: dict = {"pledged": pledged}
    if pledge and (
        viewer.bank_id == pledge.bank_id or (viewer.member_id is not None and viewer.member_id == receipt.holder_id)
    ):
        encumbrance["bank"] = {"code": pledge.bank.code, "name": pledge.bank.name}
    issued = now if now is not None else time.time()
    return {
        "iss": settings.PUBLIC_URL.rstrip("/"),
        "iat": int(issued),
        "jti": secrets.token_hex(12),
        "typ": STATEMENT_KIND,
        "aud": viewer.audience if viewer.full or viewer.member_id != receipt.holder_id else "owner",
        "view": FULL if owner_full else MASKED,
        "receipt": {
            "number": receipt.number,
            "commodity": {"code": receipt.commodity.code, "name": receipt.commodity.name},
            "grade": {"code": receipt.grade.code, "name": receipt.grade.name},
            "tonnes": str(quantize(receipt.quantity, "TNE")),
            "warehouse": {"code": receipt.warehouse.code, "name": receipt.warehouse.name},
            "owner": (
                {"name": holder.name, "credit_code": holder.credit_code}
                if owner_full
                else {"name": mask_name(holder.name), "credit_code": mask_credit_code(holder.credit_code)}
            ),
            "issued_at": _iso(receipt.issued_at),
        },
        "status": receipt.status,
        "encumbrance": encumbrance,
        "chain": {"last_hash": receipt.last_hash, "event_count": receipt.event_count, "valid": bool(chain.valid)},
    }


def receipt_statement(receipt: Receipt, *, viewer) -> str:
    """The signed statement (compact JWS) of ``receipt`` now, for ``viewer``."""
    return statement_sign(receipt_statement_claims(receipt, viewer=viewer))


# --- look-up by number and code -------------------------------------------------------------------------


def _clean_number(number) -> str:
    return number.strip().upper() if isinstance(number, str) else ""


def _clean_code(code) -> str:
    return "".join(code.split()).replace("-", "").upper() if isinstance(code, str) else ""


def _failure_keys(viewer: StatementViewer, address: str | None) -> list[str]:
    keys = []
    if address:
        keys.append(f"receipt-verify-fail:ip:{address}")
    if viewer.user_id:
        keys.append(f"receipt-verify-fail:user:{viewer.user_id}")
    return keys


def receipt_statement_throttled(viewer: StatementViewer, address: str | None) -> bool:
    if viewer.privileged or not FAILURES_MAX:
        return False
    return any(throttle.hits(key) >= FAILURES_MAX for key in _failure_keys(viewer, address))


def _count_failures(viewer: StatementViewer, address: str | None, failures: int) -> None:
    if viewer.privileged or not failures:
        return
    for key in _failure_keys(viewer, address):
        for _n in range(min(failures, FAILURES_MAX)):
            throttle.hit(key, FAILURES_WINDOW_SECONDS)


def _refusal(number: str, code: Code, message: str) -> StatementResult:
    return StatementResult(number=number, code=code, message=message)


def receipts_statements(pairs, *, viewer, address: str | None = None, sign: bool = True) -> list[StatementResult]:
    """Statements of many receipts given as (number, code) pairs, each its own result, in order. The
    SQL is the same for one receipt or 500: the viewer (0-3 queries), the receipts with their pledges in
    force, their events with the keys (both compiled once per process). Refusals: TOO_MANY (more than
    BATCH_MAX, nothing looked up), REQUIRED (no number or code), INVALID (too long), NOT_FOUND (unknown
    number or wrong code: the same answer), THROTTLED (too many failed look-ups from this address or user)."""
    pairs = list(pairs)
    if len(pairs) > BATCH_MAX:
        raise DomainError(
            _("At most %(limit)d receipts per call") % {"limit": BATCH_MAX}, Code.TOO_MANY.value, field="receipts"
        )
    if not isinstance(viewer, StatementViewer):
        viewer = statement_viewer(viewer)
    if receipt_statement_throttled(viewer, address):
        message = _("Too many failed look-ups. Try again later.")
        return [
            _refusal(_clean_number(number) if isinstance(number, str) else "", Code.THROTTLED, message)
            for number, _code in pairs
        ]
    results: list[StatementResult | None] = [None] * len(pairs)
    wanted: dict[int, tuple[str, str]] = {}
    for index, (number, code) in enumerate(pairs):
        clean_number, clean_code = _clean_number(number), _clean_code(code)
        if not clean_number or not clean_code:
            field = "number" if not clean_number else "code"
            results[index] = _refusal(
                clean_number,
                Code.REQUIRED,
                _("Give the receipt's number and its verification code")
                if field == "code"
                else _("Give the receipt's number"),
            )
        elif (
            len(clean_number) > NUMBER_MAX_LENGTH
            or len(clean_code) > CODE_MAX_LENGTH
            or "\x00" in clean_number + clean_code
        ):
            results[index] = _refusal(
                clean_number[:NUMBER_MAX_LENGTH],
                Code.INVALID,
                _("A receipt number has at most %(number)d characters and a code at most %(code)d")
                % {"number": NUMBER_MAX_LENGTH, "code": CODE_MAX_LENGTH},
            )
        else:
            wanted[index] = (clean_number, clean_code)
    found = _receipts_by_number({number for number, _code in wanted.values()})
    matched: dict[int, Receipt] = {}
    failures = 0
    for index, (number, code) in wanted.items():
        receipt = found.get(number)
        expected = receipt.verification_code.upper() if receipt is not None else _NO_CODE
        if hmac.compare_digest(expected.encode(), code.encode()) and receipt is not None:
            matched[index] = receipt
        else:
            failures += 1
            results[index] = _refusal(
                number,
                Code.NOT_FOUND,
                _("No receipt has this number and verification code. Check both on the printed receipt."),
            )
    _count_failures(viewer, address, failures)
    current, chains = _chains(list({receipt.pk: receipt for receipt in matched.values()}.values()))
    now = time.time()
    for index, receipt in matched.items():
        receipt = current[receipt.pk]
        claims = receipt_statement_claims(
            receipt, viewer=viewer, pledge=_pledge_of(receipt), chain=chains[receipt.pk], now=now
        )
        results[index] = StatementResult(
            number=receipt.number, statement=statement_sign(claims) if sign else None, claims=claims
        )
    return results


def _statement_receipts():
    """Receipts with what a statement needs in one statement: the related rows it names and the pledge in
    force (at most one per receipt: the partial unique index ``one_pledge_in_force_per_receipt``) with its
    bank, as ``pledge_in_force`` (a dict, or None)."""
    pledge = LoanCollateral.objects.filter(receipt_id=OuterRef("pk"), status__in=PLEDGE_IN_FORCE).values(
        info=JSONObject(bank_id="bank_id", code="bank__code", name="bank__name")
    )[:1]
    return Receipt.objects.select_related(*_RELATED).only(*_STATEMENT_FIELDS).annotate(pledge_in_force=Subquery(pledge))


# Compiled once per process (and per number of receipts asked): a look-up spends no time building SQL.
_receipts_of_numbers = CompiledQuery(lambda numbers: _statement_receipts().filter(number__in=numbers), numbers=[str])
_receipts_of_ids = CompiledQuery(lambda ids: _statement_receipts().filter(pk__in=ids), ids=[int])


def _pledge_of(receipt: Receipt) -> PledgeInForce | bool:
    info = receipt.pledge_in_force
    if not info:
        return False
    return PledgeInForce(bank_id=info["bank_id"], bank=PledgeBank(code=info["code"], name=info["name"]))


def _receipts_by_number(numbers) -> dict[str, Receipt]:
    if not numbers:
        return {}
    return {receipt.number.upper(): receipt for receipt in _receipts_of_numbers(numbers=sorted(numbers))}


def _chains(receipts: list[Receipt]) -> tuple[dict[int, Receipt], dict]:
    """The receipts and their chain verdicts. A receipt that moved between reading its row and its events
    (a pledge made meanwhile) looks broken for that instant, so a receipt found invalid is read again,
    row and events, once; the second reading is the one stated."""
    current = {receipt.pk: receipt for receipt in receipts}
    chains = receipts_chain_check(receipts)
    doubtful = [pk for pk, verdict in chains.items() if not verdict.valid]
    if doubtful:
        fresh = _receipts_of_ids(ids=doubtful)
        current.update({receipt.pk: receipt for receipt in fresh})
        chains.update(receipts_chain_check(fresh))
    return current, chains


def receipt_statement_by_code(number: str, code: str, *, viewer, address: str | None = None) -> StatementResult:
    """One receipt's statement by its number and verification code (see ``receipts_statements``)."""
    return receipts_statements([(number, code)], viewer=viewer, address=address)[0]
