"""Open campaigns of the variants in a checkout, and the deposit a campaign asks (how much of a
campaign is already sold is a read of order lines: orders.selectors.presale_campaign_sold)."""

from __future__ import annotations

from decimal import Decimal

from marketplace.presale.models import CampaignStatus, PresaleCampaign
from meidu.core.money import quantize
from meidu.core.sql.compiled import CompiledQuery, run_compiled_up_to

# compiled once per number of variants: checkoutCreate and every line change ask
_open_campaigns = CompiledQuery(
    lambda variant_ids, channel_id: PresaleCampaign.objects.filter(
        variant_id__in=variant_ids, channel_id=channel_id, status=CampaignStatus.OPEN
    ),
    variant_ids=[int],
    channel_id=int,
)


def open_campaigns_for(variant_ids, channel) -> dict[int, PresaleCampaign]:
    campaigns = run_compiled_up_to(
        _open_campaigns, 8, variant_ids=sorted({int(pk) for pk in variant_ids}), channel_id=channel.pk
    )
    return {campaign.variant_id: campaign for campaign in campaigns}


def deposit_of(amount: Decimal, campaign: PresaleCampaign, currency: str = "CNY") -> Decimal:
    """The part paid now: the deposit percent of ``amount``, rounded half-up to the fen."""
    return quantize(amount * campaign.deposit_percent / Decimal(100), currency)
