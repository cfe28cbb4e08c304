"""GraphQL of warehouses and receipts: my receipts, a receipt by number, and the warehouse
operators' mutations (inbound ticket, issue, split, merge, withdraw, cancel, freeze, unfreeze)."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from magnesium_exchange.commodities.api import CommodityGradeType, CommodityType
from magnesium_exchange.commodities.selectors import commodity_get_by_code
from magnesium_exchange.members.access import require_trader
from magnesium_exchange.members.models import Member
from magnesium_exchange.warehouses import services
from magnesium_exchange.warehouses.access import receipt_for_staff, receipt_for_viewer, require_staff
from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, Warehouse, WeighbridgeTicket
from magnesium_exchange.warehouses.pdf import verification_url
from magnesium_exchange.warehouses.selectors import receipt_get_by_number, receipt_list, warehouse_ids_of_staff
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.accounts.selectors import user_get_by_identifier
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ExchangePermissions


class ExchangeWarehouseType(ModelObjectType):
    class Meta:
        model = Warehouse
        name = "ExchangeWarehouse"
        fields = ["id", "code", "name", "address", "keeper_name", "supervisor_name"]


class ReceiptEventType(graphene.ObjectType):
    seq = graphene.Int(required=True)
    action = graphene.String(required=True)
    occurred_at = graphene.DateTime(required=True)
    kid = graphene.String(required=True)
    prev_hash = graphene.String(required=True)
    hash = graphene.String(required=True)
    signature = graphene.String(required=True)
    data = graphene.JSONString(required=True)

    class Meta:
        name = "WarehouseReceiptEvent"


class ReceiptVerificationType(graphene.ObjectType):
    valid = graphene.Boolean(required=True)
    events = graphene.Int(required=True)
    last_hash = graphene.String(required=True)
    problems = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        name = "WarehouseReceiptVerification"


class WarehouseReceiptType(ModelObjectType):
    status = graphene.String(required=True)
    quantity = graphene.String(required=True, description="Tonnes, three decimals.")
    insured_value = graphene.String()
    spec = graphene.JSONString(required=True)
    warehouse = graphene.Field(ExchangeWarehouseType, required=True)
    commodity = graphene.Field(CommodityType, required=True)
    grade = graphene.Field(CommodityGradeType, required=True)
    holder_name = graphene.String(required=True)
    holder_credit_code = graphene.String(required=True)
    depositor_name = graphene.String(required=True)
    verification_url = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(ReceiptEventType), required=True)
    verification = graphene.Field(ReceiptVerificationType, required=True)

    batched_selects = {"warehouse": "warehouse", "commodity": "commodity", "grade": "grade"}
    batched_fields = {"events": "events"}

    class Meta:
        model = Receipt
        name = "WarehouseReceipt"
        fields = [
            "id",
            "number",
            "packaging",
            "pieces",
            "marks",
            "location",
            "lot_no",
            "inspection_ref",
            "loss_standard",
            "storage_fee_terms",
            "storage_start",
            "storage_until",
            "insurer",
            "insurance_policy_no",
            "insurance_until",
            "issue_place",
            "keeper",
            "issued_at",
            "lock_until",
            "last_hash",
        ]

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_quantity(root, info):
        return str(root.quantity)

    @staticmethod
    def resolve_insured_value(root, info):
        return None if root.insured_value is None else str(root.insured_value)

    @staticmethod
    def resolve_holder_name(root, info):
        return root.holder.name

    @staticmethod
    def resolve_holder_credit_code(root, info):
        return root.holder.credit_code

    @staticmethod
    def resolve_depositor_name(root, info):
        return root.depositor.name

    @staticmethod
    def resolve_verification_url(root, info):
        return verification_url(root)

    @staticmethod
    def resolve_events(root, info):
        return [
            ReceiptEventType(
                seq=e.seq,
                action=e.action,
                occurred_at=e.occurred_at,
                kid=e.kid,
                prev_hash=e.prev_hash,
                hash=e.hash,
                signature=e.signature,
                data=e.data,
            )
            for e in root.events.all()
        ]  # prefetched for pages (batched_fields), ordered by seq

    @staticmethod
    def resolve_verification(root, info):
        result = receipt_verify(root)
        return ReceiptVerificationType(
            valid=result.valid, events=result.events, last_hash=result.last_hash, problems=result.problems
        )


class WarehouseReceiptCountableConnection(CountableConnection):
    class Meta:
        node = WarehouseReceiptType


class WeighbridgeTicketType(ModelObjectType):
    direction = graphene.String(required=True)
    gross = graphene.String(required=True)
    tare = graphene.String(required=True)
    net = graphene.String(required=True)
    assay = graphene.JSONString(required=True)
    grade = graphene.Field(CommodityGradeType)
    receipt_number = graphene.String()

    class Meta:
        model = WeighbridgeTicket
        name = "WeighbridgeTicket"
        fields = ["id", "number", "vehicle_plate", "lot_no", "inspection_ref", "weighed_at"]

    @staticmethod
    def resolve_direction(root, info):
        return str(root.direction)

    @staticmethod
    def resolve_gross(root, info):
        return str(root.gross)

    @staticmethod
    def resolve_tare(root, info):
        return str(root.tare)

    @staticmethod
    def resolve_net(root, info):
        return str(root.net)

    @staticmethod
    def resolve_receipt_number(root, info):
        receipt = Receipt.objects.filter(inbound_ticket=root).values_list("number", flat=True).first()
        return receipt


class ReceiptQueries(graphene.ObjectType):
    my_receipts = graphene.relay.ConnectionField(
        WarehouseReceiptCountableConnection,
        status=graphene.String(),
        description="Receipts held by the caller's member.",
    )
    receipt = graphene.Field(
        WarehouseReceiptType,
        number=graphene.String(required=True),
        description="A receipt its holder's traders, its warehouse's staff or operators may see.",
    )
    warehouse_receipts = graphene.relay.ConnectionField(
        WarehouseReceiptCountableConnection,
        warehouse=graphene.String(required=True, description="Warehouse code."),
        status=graphene.String(),
        description="Receipts a warehouse keeps (its staff, operators).",
    )

    @staticmethod
    def resolve_my_receipts(root, info, status=None, **kwargs):
        trader = require_trader(info)
        qs = receipt_list(holder=trader.member, status=status)
        return paginate(qs, info, WarehouseReceiptCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs)

    @staticmethod
    def resolve_receipt(root, info, number):
        return receipt_for_viewer(info, number)

    @staticmethod
    def resolve_warehouse_receipts(root, info, warehouse, status=None, **kwargs):
        found = Warehouse.objects.filter(code=warehouse.strip().upper()).first()
        if found is None:
            raise DomainError(_("Warehouse not found"), Code.NOT_FOUND, field="warehouse")
        user = info.context.user
        if not has_one_of(
            requestor(info), [ExchangePermissions.MANAGE_EXCHANGE]
        ) and found.pk not in warehouse_ids_of_staff(user):
            raise PermissionDenied(message=_("Only this warehouse's staff and operators may list its receipts"))
        qs = receipt_list(warehouse=found, status=status)
        return paginate(qs, info, WarehouseReceiptCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs)


# --- mutations ------------------------------------------------------------------------------


class ReceiptMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeReceiptError"

    receipt = graphene.Field(WarehouseReceiptType)

    class Meta:
        abstract = True


def _warehouse(code: str) -> Warehouse:
    warehouse = Warehouse.objects.filter(code=(code or "").strip().upper()).first()
    if warehouse is None:
        raise DomainError(_("Warehouse not found"), Code.NOT_FOUND, field="warehouse")
    return warehouse


class AssayInput(graphene.InputObjectType):
    mgo = graphene.Decimal(description="MgO %, as a decimal string.")
    sio2 = graphene.Decimal()
    cao = graphene.Decimal()
    fe2o3 = graphene.Decimal()
    bulk_density = graphene.Decimal(description="g/cm³")
    grain_size = graphene.Decimal(description="mm")


class InboundTicketCreateInput(graphene.InputObjectType):
    warehouse = graphene.String(required=True, description="Warehouse code.")
    commodity = graphene.String(required=True, description="Commodity code.")
    depositor = graphene.String(required=True, description="Unified social credit code of the depositing member.")
    gross = graphene.Decimal(required=True, description="Tonnes (decimal string).")
    tare = graphene.Decimal(required=True)
    net = graphene.Decimal(required=True, description="Must equal gross - tare.")
    assay = AssayInput(required=True)
    vehicle_plate = graphene.String()
    lot_no = graphene.String()
    inspection_ref = graphene.String()
    number = graphene.String(description="The weighbridge's ticket number; generated when empty.")


class InboundTicketCreate(ReceiptMutation):
    ticket = graphene.Field(WeighbridgeTicketType)

    class Arguments:
        input = InboundTicketCreateInput(required=True)

    class Meta:
        description = "Record goods weighed in with their sample assay; the grade is assigned from the assay."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, input):
        warehouse = _warehouse(input["warehouse"])
        require_staff(info, warehouse)
        commodity = commodity_get_by_code(input["commodity"])
        if commodity is None:
            raise DomainError(_("Commodity not found"), Code.NOT_FOUND, field="commodity")
        depositor = Member.objects.filter(credit_code=(input["depositor"] or "").strip().upper()).first()
        if depositor is None:
            raise DomainError(_("Member not found"), Code.NOT_FOUND, field="depositor")
        assay = {key: value for key, value in dict(input["assay"]).items() if value is not None}
        ticket = services.inbound_ticket_create(
            warehouse,
            commodity=commodity,
            depositor=depositor,
            gross=input["gross"],
            tare=input["tare"],
            net=input["net"],
            assay=assay,
            vehicle_plate=input.get("vehicle_plate") or "",
            lot_no=input.get("lot_no") or "",
            inspection_ref=input.get("inspection_ref") or "",
            number=input.get("number") or "",
            actor=requestor(info),
        )
        return cls(errors=[], ticket=ticket)


class ReceiptIssueInput(graphene.InputObjectType):
    ticket = graphene.String(required=True, description="Inbound ticket number.")
    warehouse = graphene.String(required=True, description="Warehouse code.")
    packaging = graphene.String()
    pieces = graphene.Int()
    marks = graphene.String()
    location = graphene.String(description="Bay / stack.")
    loss_standard = graphene.String()
    storage_fee_terms = graphene.String()
    storage_until = graphene.Date()
    insured_value = graphene.Decimal(description="CNY")
    insurer = graphene.String()
    insurance_policy_no = graphene.String()
    insurance_until = graphene.Date()
    issue_place = graphene.String()


class ReceiptIssue(ReceiptMutation):
    class Arguments:
        input = ReceiptIssueInput(required=True)

    class Meta:
        description = "Issue the electronic warehouse receipt of an inbound ticket (once per ticket)."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, input):
        warehouse = _warehouse(input["warehouse"])
        require_staff(info, warehouse)
        ticket = WeighbridgeTicket.objects.filter(warehouse=warehouse, number=input["ticket"].strip()).first()
        if ticket is None:
            raise DomainError(_("Ticket not found"), Code.NOT_FOUND, field="ticket")
        text = {
            key: input.get(key) or ""
            for key in (
                "packaging",
                "marks",
                "location",
                "loss_standard",
                "storage_fee_terms",
                "insurer",
                "insurance_policy_no",
                "issue_place",
            )
        }
        receipt = services.receipt_issue(
            ticket,
            pieces=input.get("pieces"),
            storage_until=input.get("storage_until"),
            insured_value=input.get("insured_value"),
            insurance_until=input.get("insurance_until"),
            actor=requestor(info),
            **text,
        )
        return cls(errors=[], receipt=receipt)


class ReceiptSplit(ReceiptMutation):
    parts = graphene.List(graphene.NonNull(WarehouseReceiptType))

    class Arguments:
        number = graphene.String(required=True)
        quantities = graphene.List(
            graphene.NonNull(graphene.Decimal), required=True, description="Must sum to the receipt's quantity."
        )

    class Meta:
        description = "Split a receipt into parts (on the holder's instruction)."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, number, quantities):
        receipt = receipt_for_staff(info, number)
        parts = services.receipt_split(receipt, quantities, actor=requestor(info))
        return cls(errors=[], receipt=Receipt.objects.get(pk=receipt.pk), parts=parts)


class ReceiptMerge(ReceiptMutation):
    class Arguments:
        numbers = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        description = "Merge receipts of one holder, warehouse and grade into one."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, numbers):
        receipts = []
        for number in numbers:
            receipt = receipt_get_by_number(number)
            if receipt is None:
                raise DomainError(
                    _("Receipt %(number)s not found") % {"number": number}, Code.NOT_FOUND, field="numbers"
                )
            require_staff(info, receipt.warehouse)
            receipts.append(receipt)
        merged = services.receipt_merge(receipts, actor=requestor(info))
        return cls(errors=[], receipt=merged)


class ReceiptWithdraw(ReceiptMutation):
    ticket = graphene.Field(WeighbridgeTicketType)
    within_tolerance = graphene.Boolean()
    difference = graphene.String(description="Outbound net minus the receipt's quantity, tonnes.")

    class Arguments:
        number = graphene.String(required=True)
        gross = graphene.Decimal(required=True)
        tare = graphene.Decimal(required=True)
        net = graphene.Decimal(required=True)
        vehicle_plate = graphene.String()
        ticket_number = graphene.String()

    class Meta:
        description = "Release the goods against an outbound weighing; beyond tolerance the receipt is frozen instead."
        permissions = [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]

    @classmethod
    def perform_mutation(cls, root, info, number, gross, tare, net, vehicle_plate="", ticket_number=""):
        receipt = receipt_for_staff(info, number)
        result = services.receipt_withdraw(
            receipt,
            gross=gross,
            tare=tare,
            net=net,
            vehicle_plate=vehicle_plate or "",
            number=ticket_number or "",
            actor=requestor(info),
        )
        return cls(
            errors=[],
            receipt=result.receipt,
            ticket=result.ticket,
            within_tolerance=result.within_tolerance,
            difference=str(result.difference),
        )


def _reasoned(name: str, doc: str, action):
    class Arguments:
        number = graphene.String(required=True)
        reason = graphene.String(required=True)

    def perform_mutation(cls, root, info, number, reason):
        receipt = receipt_for_staff(info, number)
        return cls(errors=[], receipt=action(receipt, reason=reason, actor=requestor(info)))

    meta = {"description": doc, "permissions": [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS]}
    return type(
        name,
        (ReceiptMutation,),
        {"Arguments": Arguments, "Meta": type("Meta", (), meta), "perform_mutation": classmethod(perform_mutation)},
    )


ReceiptCancel = _reasoned("ReceiptCancel", "Void an active receipt, with the reason.", services.receipt_cancel)
ReceiptFreeze = _reasoned(
    "ReceiptFreeze", "Freeze a receipt (court order, discrepancy), with the reason.", services.receipt_freeze
)
ReceiptUnfreeze = _reasoned("ReceiptUnfreeze", "Unfreeze a receipt, with the reason.", services.receipt_unfreeze)


class WarehouseMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeReceiptError"

    warehouse = graphene.Field(ExchangeWarehouseType)

    class Meta:
        abstract = True


class ExchangeWarehouseCreate(WarehouseMutation):
    class Arguments:
        code = graphene.String(required=True, description="2-12 upper-case letters or digits; part of receipt numbers.")
        name = graphene.String(required=True)
        address = graphene.String(required=True)
        keeper_name = graphene.String(required=True, description="The keeper (保管人) that issues receipts.")
        licence_number = graphene.String()
        supervisor_name = graphene.String()
        loss_tolerance_percent = graphene.Decimal()

    class Meta:
        description = "Register a supervised warehouse with its first Ed25519 seal key (operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(
        cls,
        root,
        info,
        code,
        name,
        address,
        keeper_name,
        licence_number="",
        supervisor_name="",
        loss_tolerance_percent=None,
    ):
        extra = {} if loss_tolerance_percent is None else {"loss_tolerance_percent": loss_tolerance_percent}
        warehouse = services.warehouse_create(
            code=code,
            name=name,
            address=address,
            keeper_name=keeper_name,
            licence_number=licence_number or "",
            supervisor_name=supervisor_name or "",
            actor=requestor(info),
            **extra,
        )
        return cls(errors=[], warehouse=warehouse)


class ExchangeWarehouseStaffAdd(WarehouseMutation):
    class Arguments:
        warehouse = graphene.String(required=True, description="Warehouse code.")
        user = graphene.String(required=True, description="Mobile number or email of the user.")

    class Meta:
        description = "Let a user operate a warehouse (gives them the warehouse-operator role; operators)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(cls, root, info, warehouse, user):
        found = _warehouse(warehouse)
        user_obj = user_get_by_identifier(user)
        if user_obj is None:
            raise DomainError(_("User not found"), Code.NOT_FOUND, field="user")
        services.warehouse_staff_add(found, user_obj, actor=requestor(info))
        return cls(errors=[], warehouse=found)


class ReceiptMutations(graphene.ObjectType):
    exchange_warehouse_create = ExchangeWarehouseCreate.Field()
    exchange_warehouse_staff_add = ExchangeWarehouseStaffAdd.Field()
    inbound_ticket_create = InboundTicketCreate.Field()
    receipt_issue = ReceiptIssue.Field()
    receipt_split = ReceiptSplit.Field()
    receipt_merge = ReceiptMerge.Field()
    receipt_withdraw = ReceiptWithdraw.Field()
    receipt_cancel = ReceiptCancel.Field()
    receipt_freeze = ReceiptFreeze.Field()
    receipt_unfreeze = ReceiptUnfreeze.Field()
