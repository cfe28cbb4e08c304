"""Who may do what to a harvest pre-sale (预售), now: the one answer for the API (api.py), the
service and the buying pages.

Actors: the members of the shop selling the variant, and operators (users or apps) holding
MANAGE_PRODUCTS. A campaign takes deposits while OPEN; the harvest is received once, then it is
HARVESTED (the service checks again under the campaign's lock).
"""

from __future__ import annotations

from marketplace.presale.models import CampaignStatus, PresaleCampaign
from marketplace.shops.policies import shop_may_act
from meidu.core.permissions import ProductPermissions

MANAGE = ProductPermissions.MANAGE_PRODUCTS


def presale_campaign_is_open(campaign: PresaleCampaign) -> bool:
    """Taking deposits, harvest not yet received."""
    return campaign.status == CampaignStatus.OPEN


def presale_may_open(actor, shop_id: int) -> bool:
    """Open a campaign on a variant of the shop ``shop_id``."""
    return shop_may_act(actor, shop_id, MANAGE)


def presale_may_manage(actor, campaign: PresaleCampaign) -> bool:
    """Act on the campaign for its shop (the status aside)."""
    return shop_may_act(actor, campaign.variant.product.shop_id, MANAGE)


def presale_may_harvest(actor, campaign: PresaleCampaign) -> bool:
    return presale_may_manage(actor, campaign) and presale_campaign_is_open(campaign)
