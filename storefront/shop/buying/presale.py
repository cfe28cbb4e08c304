"""What the buying pages say about harvest pre-sales (预售): the deposit paid now, the balance
paid after the harvest and when the harvest is expected. The amounts come from the same
selectors that charge them (LineInfo.due_now at checkout, orders_due_now for an order), so the
page never shows a figure other than the one the buyer pays."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from marketplace.orders.payment_hooks import orders_due_now
from marketplace.presale.policies import presale_campaign_is_open
from marketplace.presale.selectors import deposit_of, open_campaigns_for
from storefront.shop.pricing import unit_price_text


def percent_text(campaign) -> str:
    """30.00 -> "30%"."""
    return f"{campaign.deposit_percent.normalize():f}%"


@dataclass(frozen=True)
class PresaleOffer:
    """A variant of the product page on an open pre-sale."""

    variant: object
    campaign: object
    percent: str
    deposit: str  # the deposit of one unit, with its unit ("¥3.75 per jin")


def presale_offers(product, variants, channel) -> list[PresaleOffer]:
    """The variants of ``product`` taking deposits in ``channel`` (listings prefetched; one query)."""
    campaigns = open_campaigns_for([variant.pk for variant in variants], channel)
    offers = []
    for variant in variants:
        campaign = campaigns.get(variant.pk)
        listing = next((item for item in variant.channel_listings.all() if item.channel_id == channel.pk), None)
        if campaign is None or listing is None:
            continue
        deposit = deposit_of(listing.price_amount, campaign, listing.currency)
        offers.append(
            PresaleOffer(variant, campaign, percent_text(campaign), unit_price_text(deposit, listing.currency, product))
        )
    return offers


@dataclass(frozen=True)
class OrderPresale:
    """An order with pre-sale lines: what is left for after the harvest (0 once harvested)."""

    balance_after_harvest: Decimal
    harvest_expected_on: object


def order_presale(order) -> OrderPresale | None:
    """None for an order without pre-sale lines (its lines are prefetched with their campaigns)."""
    campaigns = [line.presale_campaign for line in order.lines.all() if line.presale_campaign_id]
    if not campaigns:
        return None
    open_ones = [campaign for campaign in campaigns if presale_campaign_is_open(campaign)]
    balance = order.total_amount - orders_due_now([order])[0] if open_ones else Decimal("0.00")
    return OrderPresale(balance, max((campaign.harvest_expected_on for campaign in open_ones), default=None))
