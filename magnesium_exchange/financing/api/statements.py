"""GraphQL of signed receipt statements: ``receiptVerify(number, code)`` for anyone holding the printed
receipt (masked unless the caller is a bank, an operator or the owner) and ``receiptsVerify`` for a
bank's nightly check of its book (BANK_LENDING or MANAGE_EXCHANGE, at most 500 receipts per call).

Each answer carries the statement (a compact JWS to keep and check offline against
/.well-known/jwks.json) and the same claims as typed fields; refusals are ``errors`` with an
ExchangeStatementErrorCode, per receipt in a batch."""

from __future__ import annotations

import datetime as dt

import graphene

from magnesium_exchange.financing.error_codes import ExchangeStatementErrorCode as Code
from magnesium_exchange.financing.statements import BATCH_MAX, StatementResult, receipts_statements, statement_viewer
from meidu.core.errors import DomainError
from meidu.core.graphql.mutations import error_type, ip_address
from meidu.core.graphql.permissions import check_permissions, requestor
from meidu.core.permissions import ExchangePermissions

ExchangeStatementError = error_type("ExchangeStatementError", Code)


class ReceiptStatementView(graphene.Enum):
    MASKED = "masked"
    FULL = "full"


class ReceiptStatementBank(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)


class ReceiptStatementClaims(graphene.ObjectType):
    """What the statement says, field by field (the JWS's payload is the authority: these are its claims)."""

    statement_id = graphene.String(required=True, description="The statement's id (claim jti).")
    issuer = graphene.String(required=True, description="The platform that signed it (claim iss).")
    issued_at = graphene.DateTime(required=True, description="When it was signed (claim iat).")
    audience = graphene.String(required=True, description="Who it was issued to: public, bank:<code>, exchange, owner.")
    view = graphene.Field(ReceiptStatementView, required=True)
    number = graphene.String(required=True)
    commodity_code = graphene.String(required=True)
    commodity_name = graphene.String(required=True)
    grade_code = graphene.String(required=True)
    grade_name = graphene.String(required=True)
    tonnes = graphene.String(required=True, description="Three decimals.")
    warehouse_code = graphene.String(required=True)
    warehouse_name = graphene.String(required=True)
    owner_name = graphene.String(required=True, description="Masked in a masked view.")
    owner_credit_code = graphene.String(required=True, description="Masked in a masked view.")
    receipt_issued_at = graphene.DateTime(required=True)
    status = graphene.String(required=True)
    pledged = graphene.Boolean(required=True)
    pledge_bank = graphene.Field(ReceiptStatementBank, description="Only for that bank and for the owner.")
    chain_last_hash = graphene.String(required=True)
    chain_event_count = graphene.Int(required=True)
    chain_valid = graphene.Boolean(
        required=True, description="The signed history replayed when the statement was made."
    )

    class Meta:
        name = "ReceiptStatementClaims"

    @classmethod
    def of(cls, claims: dict) -> ReceiptStatementClaims:
        receipt, chain, encumbrance = claims["receipt"], claims["chain"], claims["encumbrance"]
        bank = encumbrance.get("bank")
        return cls(
            statement_id=claims["jti"],
            issuer=claims["iss"],
            audience=claims["aud"],
            view=claims["view"],
            issued_at=dt.datetime.fromtimestamp(claims["iat"], tz=dt.timezone.utc),
            number=receipt["number"],
            commodity_code=receipt["commodity"]["code"],
            commodity_name=receipt["commodity"]["name"],
            grade_code=receipt["grade"]["code"],
            grade_name=receipt["grade"]["name"],
            tonnes=receipt["tonnes"],
            warehouse_code=receipt["warehouse"]["code"],
            warehouse_name=receipt["warehouse"]["name"],
            owner_name=receipt["owner"]["name"],
            owner_credit_code=receipt["owner"]["credit_code"],
            receipt_issued_at=dt.datetime.fromisoformat(receipt["issued_at"].replace("Z", "+00:00")),
            status=claims["status"],
            pledged=encumbrance["pledged"],
            pledge_bank=ReceiptStatementBank(code=bank["code"], name=bank["name"]) if bank else None,
            chain_last_hash=chain["last_hash"],
            chain_event_count=chain["event_count"],
            chain_valid=chain["valid"],
        )


class ReceiptStatement(graphene.ObjectType):
    number = graphene.String(description="The receipt number asked for.")
    statement = graphene.String(description="The compact JWS (EdDSA; keys at /.well-known/jwks.json).")
    claims = graphene.Field(ReceiptStatementClaims)
    errors = graphene.List(graphene.NonNull(ExchangeStatementError), required=True)

    class Meta:
        name = "ReceiptStatement"

    @classmethod
    def of(cls, result: StatementResult) -> ReceiptStatement:
        if result.code is not None:
            field = "code" if result.code == Code.NOT_FOUND else None
            return cls(
                number=result.number,
                errors=[ExchangeStatementError(field=field, message=result.message, code=result.code)],
            )
        return cls(
            number=result.number, statement=result.statement, claims=ReceiptStatementClaims.of(result.claims), errors=[]
        )


class ReceiptStatements(graphene.ObjectType):
    results = graphene.List(
        graphene.NonNull(ReceiptStatement), required=True, description="One per receipt asked, in order."
    )
    errors = graphene.List(graphene.NonNull(ExchangeStatementError), required=True)

    class Meta:
        name = "ReceiptStatements"


class ReceiptVerifyInput(graphene.InputObjectType):
    number = graphene.String(required=True)
    code = graphene.String(required=True, description="The verification code printed on the receipt.")

    class Meta:
        name = "ReceiptVerifyInput"


class ReceiptStatementQueries(graphene.ObjectType):
    receipt_verify = graphene.Field(
        ReceiptStatement,
        required=True,
        number=graphene.String(required=True),
        code=graphene.String(required=True),
        description="The signed statement of a receipt now, by its number and the verification code printed on it. "
        "Masked for the public; full for bank officers, bank Apps, operators and the owner.",
    )
    receipts_verify = graphene.Field(
        ReceiptStatements,
        required=True,
        receipts=graphene.List(graphene.NonNull(ReceiptVerifyInput), required=True),
        description=f"Statements of up to {BATCH_MAX} receipts at once, each its own result (banks and operators).",
    )

    @staticmethod
    def resolve_receipt_verify(root, info, number, code):
        result = receipts_statements(
            [(number, code)], viewer=statement_viewer(requestor(info)), address=ip_address(info)
        )[0]
        return ReceiptStatement.of(result)

    @staticmethod
    def resolve_receipts_verify(root, info, receipts):
        check_permissions(info, [ExchangePermissions.BANK_LENDING, ExchangePermissions.MANAGE_EXCHANGE])
        pairs = [(item.get("number"), item.get("code")) for item in receipts]
        try:
            results = receipts_statements(pairs, viewer=statement_viewer(requestor(info)), address=ip_address(info))
        except DomainError as exc:
            return ReceiptStatements(
                results=[], errors=[ExchangeStatementError(field=exc.field, message=exc.message, code=Code(exc.code))]
            )
        return ReceiptStatements(results=[ReceiptStatement.of(result) for result in results], errors=[])
