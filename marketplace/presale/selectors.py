"""Open campaigns of the variants in a checkout, and the deposit a campaign asks (how much of a
campaign is already sold is a read of order lines: orders.selectors.presale_campaign_sold)."""

from __future__ import annotations

from decimal import Decimal

from marketplace.presale.models import CampaignStatus, PresaleCampaign
from meidu.core.money import quantize


def open_campaigns_for(variant_ids, channel) -> dict[int, PresaleCampaign]:
    campaigns = PresaleCampaign.objects.filter(
        variant_id__in=list(variant_ids), channel=channel, status=CampaignStatus.OPEN
    )
    return {campaign.variant_id: campaign for campaign in campaigns}


def deposit_of(amount: Decimal, campaign: PresaleCampaign, currency: str = "CNY") -> Decimal:
    """The part paid now: the deposit percent of ``amount``, rounded half-up to the fen."""
    return quantize(amount * campaign.deposit_percent / Decimal(100), currency)
