"""GraphQL of trading for traders: the listing board, auctions, RFQs, my trades; listing, picking,
bidding and negotiating mutations. Thin: parse, check the trader's grant, call one service.
Counterparties are shown by name and credit code only (never their funds)."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _
from graphene_django import DjangoObjectType

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.engine import Side
from magnesium_exchange.members.access import require_trader
from magnesium_exchange.members.models import Member
from magnesium_exchange.trading import selectors, services
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.models import Auction, Listing, Rfq, Trade
from magnesium_exchange.warehouses.selectors import receipt_get_by_number
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import ExchangePermissions


class _Named:
    """Resolvers of the counterparty names and the grade code shared by the types below."""

    grade = graphene.String(required=True, description="Grade code, e.g. fm-98.")
    grade_name = graphene.String(required=True)

    @staticmethod
    def resolve_grade(root, info):
        return root.grade.code

    @staticmethod
    def resolve_grade_name(root, info):
        return root.grade.name


class ExchangeListingType(_Named, DjangoObjectType):
    owner_name = graphene.String(required=True)
    owner_credit_code = graphene.String(required=True)

    class Meta:
        model = Listing
        name = "ExchangeListing"
        interfaces = (graphene.relay.Node,)
        convert_choices_to_enum = False
        fields = [
            "id",
            "side",
            "status",
            "quantity",
            "remaining",
            "price",
            "min_pick",
            "step",
            "reference_price",
            "expires_at",
            "trade_count",
            "traded_quantity",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def resolve_owner_name(root, info):
        return root.owner.name

    @staticmethod
    def resolve_owner_credit_code(root, info):
        return root.owner.credit_code


class ExchangeListingCountableConnection(CountableConnection):
    class Meta:
        node = ExchangeListingType


class ExchangeAuctionLotType(graphene.ObjectType):
    lot_id = graphene.String(required=True)
    quantity = graphene.String(required=True)
    reserve_price = graphene.String(required=True)
    live_quantity = graphene.String(required=True)
    sold_quantity = graphene.String(required=True)
    best_price = graphene.String()
    live_bids = graphene.Int(required=True)

    class Meta:
        name = "ExchangeAuctionLot"


class ExchangeAuctionType(_Named, DjangoObjectType):
    initiator_name = graphene.String(required=True)
    lots = graphene.List(
        graphene.NonNull(ExchangeAuctionLotType),
        required=True,
        description="Bids summary per lot: live tonnes and bids, best price.",
    )

    class Meta:
        model = Auction
        name = "ExchangeAuction"
        interfaces = (graphene.relay.Node,)
        convert_choices_to_enum = False
        fields = [
            "id",
            "kind",
            "status",
            "quantity",
            "reference_price",
            "band_low",
            "band_high",
            "min_bid_quantity",
            "starts_at",
            "ends_at",
            "extensions",
            "bid_count",
            "live_bid_count",
            "best_price",
            "sold_quantity",
            "trade_count",
            "created_at",
        ]

    @staticmethod
    def resolve_initiator_name(root, info):
        return root.initiator.name

    @staticmethod
    def resolve_status(root, info):
        return selectors.auction_status_now(root)

    @staticmethod
    def resolve_lots(root, info):
        return [ExchangeAuctionLotType(**lot) for lot in root.lots]


class ExchangeRfqQuoteType(graphene.ObjectType):
    quote_id = graphene.Int(required=True)
    quoter_name = graphene.String(required=True)
    price = graphene.String(required=True)
    quantity = graphene.String(required=True)

    class Meta:
        name = "ExchangeRfqQuote"


class ExchangeRfqType(_Named, DjangoObjectType):
    requester_name = graphene.String(required=True)
    quotes = graphene.List(
        graphene.NonNull(ExchangeRfqQuoteType),
        required=True,
        description="The requester sees every live quote, a quoter its own.",
    )

    class Meta:
        model = Rfq
        name = "ExchangeRfq"
        interfaces = (graphene.relay.Node,)
        convert_choices_to_enum = False
        fields = [
            "id",
            "side",
            "status",
            "quantity",
            "remaining",
            "reference_price",
            "expires_at",
            "trade_count",
            "created_at",
        ]

    @staticmethod
    def resolve_requester_name(root, info):
        return root.requester.name

    @staticmethod
    def resolve_quotes(root, info):
        trader = require_trader(info)
        mine = str(trader.member_id)
        visible = [q for q in root.quotes if root.requester_id == trader.member_id or q["quoter"] == mine]
        names = dict(Member.objects.filter(pk__in=[int(q["quoter"]) for q in visible]).values_list("pk", "name"))
        return [
            ExchangeRfqQuoteType(
                quote_id=q["quote_id"],
                quoter_name=names.get(int(q["quoter"]), ""),
                price=q["price"],
                quantity=q["quantity"],
            )
            for q in visible
        ]


class ExchangeTradeType(_Named, DjangoObjectType):
    trade_number = graphene.String(required=True)
    buyer_name = graphene.String(required=True)
    buyer_credit_code = graphene.String(required=True)
    seller_name = graphene.String(required=True)
    seller_credit_code = graphene.String(required=True)
    contract_number = graphene.String()
    receipts = graphene.List(graphene.NonNull(graphene.String), required=True, description="Receipt numbers sold.")

    class Meta:
        model = Trade
        name = "ExchangeTrade"
        interfaces = (graphene.relay.Node,)
        convert_choices_to_enum = False
        fields = [
            "id",
            "mode",
            "price",
            "quantity",
            "value",
            "deposit",
            "buyer_fee",
            "seller_fee",
            "currency",
            "settlement_due_at",
            "executed_at",
        ]

    @staticmethod
    def resolve_trade_number(root, info):
        return root.engine_trade_id

    @staticmethod
    def resolve_buyer_name(root, info):
        return root.buyer.name

    @staticmethod
    def resolve_buyer_credit_code(root, info):
        return root.buyer.credit_code

    @staticmethod
    def resolve_seller_name(root, info):
        return root.seller.name

    @staticmethod
    def resolve_seller_credit_code(root, info):
        return root.seller.credit_code

    @staticmethod
    def resolve_contract_number(root, info):
        contract = getattr(root, "contract", None)
        return contract.number if contract else None

    @staticmethod
    def resolve_receipts(root, info):
        return [receipt.number for receipt in selectors.trade_receipts(root)]


class ExchangeTradeCountableConnection(CountableConnection):
    class Meta:
        node = ExchangeTradeType


def _grade(code: str) -> Grade:
    grade = Grade.objects.select_related("commodity").filter(code=(code or "").strip(), is_active=True).first()
    if grade is None:
        raise DomainError(_("No such grade"), Code.NOT_FOUND, field="grade")
    return grade


def _receipts(numbers) -> list:
    receipts = []
    for number in numbers or []:
        receipt = receipt_get_by_number(number)
        if receipt is None:
            raise DomainError(_("No receipt %(number)s") % {"number": number}, Code.NOT_FOUND, field="receipts")
        receipts.append(receipt)
    return receipts


class TradingQueries(graphene.ObjectType):
    listings = graphene.relay.ConnectionField(
        ExchangeListingCountableConnection,
        grade=graphene.String(),
        status=graphene.String(),
        description="The listing board (traders).",
    )
    auction = graphene.Field(ExchangeAuctionType, id=graphene.ID(required=True))
    auctions = graphene.List(
        graphene.NonNull(ExchangeAuctionType), required=True, status=graphene.String(), description="Latest 100."
    )
    rfqs = graphene.List(
        graphene.NonNull(ExchangeRfqType),
        required=True,
        status=graphene.String(),
        description="Requests for quote, latest 100.",
    )
    my_trades = graphene.relay.ConnectionField(
        ExchangeTradeCountableConnection, description="Trades of the caller's member, as buyer or seller."
    )

    @staticmethod
    def resolve_listings(root, info, grade=None, status=None, **kwargs):
        require_trader(info)
        grade_obj = _grade(grade) if grade else None
        qs = selectors.listing_list(grade=grade_obj, status=status)
        return paginate(qs, info, ExchangeListingCountableConnection, sort=[SortKey("pk", descending=True)], **kwargs)

    @staticmethod
    def resolve_auction(root, info, id):
        require_trader(info)
        return get_node_or_error(Auction, id, "ExchangeAuction")

    @staticmethod
    def resolve_auctions(root, info, status=None):
        require_trader(info)
        return list(selectors.auction_list(status=status).order_by("-id")[:100])

    @staticmethod
    def resolve_rfqs(root, info, status=None):
        require_trader(info)
        return list(selectors.rfq_list(status=status).order_by("-id")[:100])

    @staticmethod
    def resolve_my_trades(root, info, **kwargs):
        trader = require_trader(info)
        return paginate(
            selectors.trade_list_for_member(trader.member),
            info,
            ExchangeTradeCountableConnection,
            sort=[SortKey("pk", descending=True)],
            **kwargs,
        )


# --- mutations --------------------------------------------------------------------------------


class TradingMutation(BaseMutation):
    default_error_code_enum = Code
    default_error_type_name = "ExchangeTradingError"

    listing = graphene.Field(ExchangeListingType)
    auction = graphene.Field(ExchangeAuctionType)
    rfq = graphene.Field(ExchangeRfqType)
    trade = graphene.Field(ExchangeTradeType)

    class Meta:
        abstract = True


def _trader(info):
    """Only traders with the trade grant act; the services refuse members that are not active."""
    return require_trader(info, "can_trade")


class ListingCreateInput(graphene.InputObjectType):
    grade = graphene.String(required=True)
    side = graphene.String(description="sell (default) or buy (a wanted listing).")
    price = graphene.Decimal(required=True, description="CNY per tonne, on the tick.")
    receipts = graphene.List(graphene.NonNull(graphene.String), description="Receipt numbers (sell).")
    quantity = graphene.Decimal(description="Tonnes (buy).")
    min_pick = graphene.Decimal()
    step = graphene.Decimal()
    expires_at = graphene.DateTime()
    reference_price = graphene.Decimal(description="Configured reference when market data has none.")


class ListingCreate(TradingMutation):
    class Arguments:
        input = ListingCreateInput(required=True)

    class Meta:
        description = "挂牌: list receipts for sale, or post a wanted listing."

    @classmethod
    def perform_mutation(cls, root, info, input):
        trader = _trader(info)
        listing = services.listing_open(
            member=trader.member,
            grade=_grade(input["grade"]),
            price=input["price"],
            side=input.get("side") or "sell",
            receipts=_receipts(input.get("receipts")),
            quantity=input.get("quantity"),
            min_pick=input.get("min_pick"),
            step=input.get("step"),
            expires_at=input.get("expires_at"),
            reference_price_fallback=input.get("reference_price"),
            actor=trader.user,
        )
        return cls(errors=[], listing=listing)


class ListingPick(TradingMutation):
    class Arguments:
        id = graphene.ID(required=True)
        quantity = graphene.Decimal(required=True)
        receipts = graphene.List(graphene.NonNull(graphene.String), description="Picking a wanted listing.")

    class Meta:
        description = "摘牌: take all or part of a listing."

    @classmethod
    def perform_mutation(cls, root, info, id, quantity, receipts=None):
        trader = _trader(info)
        listing = get_node_or_error(Listing, id, "ExchangeListing")
        trade = services.listing_pick(
            listing, member=trader.member, quantity=quantity, receipts=_receipts(receipts), actor=trader.user
        )
        return cls(errors=[], trade=trade, listing=Listing.objects.get(pk=listing.pk))


class ListingReprice(TradingMutation):
    class Arguments:
        id = graphene.ID(required=True)
        price = graphene.Decimal(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, price):
        trader = _trader(info)
        listing = get_node_or_error(Listing, id, "ExchangeListing")
        return cls(
            errors=[], listing=services.listing_reprice(listing, member=trader.member, price=price, actor=trader.user)
        )


class ListingWithdraw(TradingMutation):
    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        trader = _trader(info)
        listing = get_node_or_error(Listing, id, "ExchangeListing")
        return cls(errors=[], listing=services.listing_withdraw(listing, member=trader.member, actor=trader.user))


class AuctionLotInput(graphene.InputObjectType):
    quantity = graphene.Decimal(required=True, description="Tonnes.")
    price = graphene.Decimal(required=True, description="Reserve (sale) or ceiling (procurement), CNY per tonne.")


class AuctionCreateInput(graphene.InputObjectType):
    grade = graphene.String(required=True)
    kind = graphene.String(description="sale (default, 竞卖) or procurement (竞买).")
    receipts = graphene.List(graphene.NonNull(graphene.String), description="Sale: receipt numbers.")
    reserve_price = graphene.Decimal(description="Sale with one lot of all the receipts.")
    lots = graphene.List(graphene.NonNull(AuctionLotInput), description="Lots; required for a procurement.")
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    min_bid_quantity = graphene.Decimal()
    step = graphene.Decimal()
    reference_price = graphene.Decimal()


class AuctionCreate(TradingMutation):
    class Arguments:
        input = AuctionCreateInput(required=True)

    class Meta:
        description = "竞卖: auction receipts above a reserve price; 竞买: procure below a ceiling price."

    @classmethod
    def perform_mutation(cls, root, info, input):
        trader = _trader(info)
        lots = [(lot["quantity"], lot["price"]) for lot in input["lots"]] if input.get("lots") else None
        auction = services.auction_open(
            member=trader.member,
            grade=_grade(input["grade"]),
            kind=input.get("kind") or "sale",
            receipts=_receipts(input.get("receipts")),
            reserve_price=input.get("reserve_price"),
            lots=lots,
            starts_at=input["starts_at"],
            ends_at=input["ends_at"],
            min_bid_quantity=input.get("min_bid_quantity"),
            step=input.get("step"),
            reference_price_fallback=input.get("reference_price"),
            actor=trader.user,
        )
        return cls(errors=[], auction=auction)


class AuctionBid(TradingMutation):
    class Arguments:
        id = graphene.ID(required=True)
        price = graphene.Decimal(required=True)
        quantity = graphene.Decimal(required=True)
        lot_id = graphene.String()

    @classmethod
    def perform_mutation(cls, root, info, id, price, quantity, lot_id="1"):
        trader = _trader(info)
        # No read of the auction here: the service locks its row (NOT_FOUND if there is none).
        auction = Auction(pk=int(from_global_id_or_error(id, "ExchangeAuction")))
        return cls(
            errors=[],
            auction=services.auction_bid(
                auction, member=trader.member, price=price, quantity=quantity, lot_id=lot_id or "1", actor=trader.user
            ),
        )


class AuctionClose(TradingMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Clear an ended auction (operators; the beat task does it too)."
        permissions = [ExchangePermissions.MANAGE_EXCHANGE]

    @classmethod
    def perform_mutation(cls, root, info, id):
        auction = get_node_or_error(Auction, id, "ExchangeAuction")
        return cls(errors=[], auction=services.auction_close(auction, actor=requestor(info)))


class RfqCreateInput(graphene.InputObjectType):
    grade = graphene.String(required=True)
    side = graphene.String(required=True, description="sell (receipts) or buy (quantity).")
    expires_at = graphene.DateTime(required=True)
    quantity = graphene.Decimal()
    receipts = graphene.List(graphene.NonNull(graphene.String))
    invited = graphene.List(graphene.NonNull(graphene.String), description="Credit codes of invited members.")
    reference_price = graphene.Decimal()


class RfqCreate(TradingMutation):
    class Arguments:
        input = RfqCreateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, input):
        trader = _trader(info)
        side = input["side"]
        if side not in {s.value for s in Side}:
            raise DomainError(_("side is sell or buy"), Code.INVALID, field="side")
        invited = list(Member.objects.filter(credit_code__in=input.get("invited") or []))
        rfq = services.rfq_open(
            member=trader.member,
            grade=_grade(input["grade"]),
            side=side,
            expires_at=input["expires_at"],
            quantity=input.get("quantity"),
            receipts=_receipts(input.get("receipts")),
            invited=invited,
            reference_price_fallback=input.get("reference_price"),
            actor=trader.user,
        )
        return cls(errors=[], rfq=rfq)


class QuoteSubmit(TradingMutation):
    class Arguments:
        rfq = graphene.ID(required=True)
        price = graphene.Decimal(required=True)
        quantity = graphene.Decimal(required=True)

    @classmethod
    def perform_mutation(cls, root, info, rfq, price, quantity):
        trader = _trader(info)
        found = get_node_or_error(Rfq, rfq, "ExchangeRfq", field="rfq")
        return cls(
            errors=[],
            rfq=services.quote_submit(found, member=trader.member, price=price, quantity=quantity, actor=trader.user),
        )


class QuoteAccept(TradingMutation):
    class Arguments:
        rfq = graphene.ID(required=True)
        quote_id = graphene.Int(required=True)
        quantity = graphene.Decimal()

    @classmethod
    def perform_mutation(cls, root, info, rfq, quote_id, quantity=None):
        trader = _trader(info)
        found = get_node_or_error(Rfq, rfq, "ExchangeRfq", field="rfq")
        trade = services.quote_accept(
            found, member=trader.member, quote_id=quote_id, quantity=quantity, actor=trader.user
        )
        return cls(errors=[], trade=trade, rfq=Rfq.objects.get(pk=found.pk))


class TradingMutations(graphene.ObjectType):
    listing_create = ListingCreate.Field()
    listing_pick = ListingPick.Field()
    listing_reprice = ListingReprice.Field()
    listing_withdraw = ListingWithdraw.Field()
    auction_create = AuctionCreate.Field()
    auction_bid = AuctionBid.Field()
    auction_close = AuctionClose.Field()
    rfq_create = RfqCreate.Field()
    quote_submit = QuoteSubmit.Field()
    quote_accept = QuoteAccept.Field()
