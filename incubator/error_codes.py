"""The incubator's refusal codes (issue 16): one enum for the supply pool, distribution and referrals, so a
client maps ``errors { code }`` of every incubator mutation through one table."""

from enum import Enum


class IncubatorErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    FORBIDDEN = "forbidden"  # the caller does not act for the shop concerned
    NOT_A_SUPPLIER = "not_a_supplier"  # offers come from supplier or cooperative shops
    NOT_A_DISTRIBUTOR = "not_a_distributor"  # picks and links belong to distributor shops
    SHOP_NOT_ACTIVE = "shop_not_active"
    INVALID_AMOUNT = "invalid_amount"  # NaN, Infinity, negative, too large or finer than the fen
    PRICE_BOUNDS = "price_bounds"  # min <= suggested <= max retail, supply below min
    COMMISSION_TOO_HIGH = "commission_too_high"  # supply + commission at the minimum retail exceeds it
    RETAIL_OUT_OF_BOUNDS = "retail_out_of_bounds"  # a distributor's retail price outside the offer's bounds
    INVALID_TRANSITION = "invalid_transition"  # an offer action its state does not allow
    OFFER_NOT_OPEN = "offer_not_open"  # a pick of a draft, paused or closed offer
    NOT_PICKED = "not_picked"
    ALREADY_PICKED = "already_picked"
    OWN_OFFER = "own_offer"  # a shop reselling its own goods
    VARIANT_TAKEN = "variant_taken"  # the variant already has an offer that is not closed
    INVITER_RECORDED = "inviter_recorded"  # a distributor's inviter is recorded once and never changed
    SELF_INVITE = "self_invite"  # a distributor cannot be its own inviter
