"""Who may call each root query and mutation: the ownership matrix of the whole schema.

Every root field has one entry; tests/meidu/security/test_access_matrix.py introspects the
schema and fails on a field without one, so nothing ships unchecked. Columns:

* anonymous: checked for every entry by test_access_matrix (refused, writes nothing; PUBLIC
  entries must not be refused for being anonymous).
* operator: for PERMISSION entries, checked by test_access_matrix (an operator passes the gate,
  a buyer is refused naming the permission).
* other owner / right owner: object-scoped entries name the test that proves them in ``proof``
  ("path::test"); test_access_matrix checks each named test exists. Entries whose object
  columns no test proves yet are listed in UNPROVEN, which the suite keeps exact, so proving
  one forces its removal and a new unproven field cannot slip in silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    gate: str  # PUBLIC, OWN, USER, TRADER, PERMISSION or OBJECT (see below)
    permissions: tuple[str, ...] = ()
    proof: str | None = None
    operator: bool = True  # False: held by an app (the settlement bank), refused to operators


def public(proof=None):
    """Anyone: the storefront's public reads, logging in, registering, an anonymous checkout."""
    return Access("public", proof=proof)


def own(proof=None):
    """Reads only the caller's own rows: anonymous gets nothing (null, empty), no refusal needed."""
    return Access("own", proof=proof)


def user(proof=None):
    """A signed-in user acting on their own rows: anonymous is refused with PermissionDenied."""
    return Access("user", proof=proof)


def trader(proof=None):
    """A trader of an active exchange member: anonymous and plain buyers get PermissionDenied."""
    return Access("trader", proof=proof)


def market():
    """The exchange's shared market (listings, auctions, RFQs): every trader sees the same, so
    there is no other owner; anonymous and plain buyers get PermissionDenied."""
    return Access("market")


def permission(*permissions, proof=None, operator=True):
    """Back office: one of ``permissions`` (enum names); operators hold them all, but where
    ``operator`` is False only an app (the settlement bank) may act."""
    return Access("permission", tuple(permissions), proof=proof, operator=operator)


def object_scoped(proof=None):
    """Acts on one object (a shop, an order, a checkout by token) whose members/owner/staff only
    may act: anonymous with a made-up id is refused; the owner columns need a real object."""
    return Access("object", proof=proof)


ORDER_MATRIX = "tests/marketplace/orders/test_order_permission_matrix.py::test_order_mutations_by_role"
AFTER_SHIPPING = "tests/marketplace/orders/test_order_permission_matrix.py::test_after_shipping_mutations_by_role"
CATALOG_MATRIX = "tests/marketplace/test_ownership_matrix.py::test_matrix"
OTHER_SHOP = "tests/marketplace/test_quick_save_and_shop_refusals.py::test_members_of_another_shop_cannot_act_for_it"
WAREHOUSE_STAFF = (
    "tests/magnesium_exchange/warehouses/test_receipts_api.py::"
    "test_staff_of_another_warehouse_and_non_staff_are_refused"
)
COMPLAINT_HANDLERS = "tests/marketplace/complaints/test_complaint_api.py::test_who_handles_a_complaint"
SHOP_MONEY = "tests/marketplace/settlement/test_settlement_api.py::test_another_shops_member_and_strangers_are_refused"
FOREIGN_CHECKOUT = "tests/marketplace/checkout/test_checkout_refusals.py::test_another_users_checkout_is_not_found"
CHECKOUT_FOREIGN_LINES = (
    "tests/marketplace/checkout/test_checkout_refusals.py::test_email_billing_address_and_foreign_lines_are_refused"
)
BANK_ONLY = "tests/magnesium_exchange/members/test_funds.py::test_only_the_bank_app_confirms"
TRADE_GRANT = "tests/magnesium_exchange/trading/test_api.py::test_only_traders_with_the_trade_grant_act"
OWNER_CHECKOUT = (
    "tests/meidu/security/test_owner_checkout.py::test_the_owner_succeeds_and_another_buyer_is_refused_writing_nothing"
)
OWNER_EXCHANGE = (
    "tests/meidu/security/test_owner_exchange.py::"
    "test_the_owning_member_acts_and_another_member_is_refused_writing_nothing"
)
MY_EXCHANGE_ROWS = (
    "tests/meidu/security/test_owner_exchange.py::test_my_trades_and_settlements_show_only_the_members_own"
)
OWN_COMPLAINTS = (
    "tests/meidu/security/test_owner_marketplace.py::test_each_buyer_and_each_shop_lists_only_their_own_complaints"
)
STATEMENTS = (
    "tests/magnesium_exchange/statements/test_statement_api.py::"
    "test_anonymous_sees_masked_a_bank_full_and_another_bank_not_the_pledges_bank"
)
FARM_API = "tests/incubator/test_farm_api.py::"
ASSISTED = (
    "tests/marketplace/assisted/test_assisted_api.py::"
    "test_only_the_stations_agent_acts_and_another_agent_is_refused_writing_nothing"
)
PAY_OWN_CHECKOUT = "tests/marketplace/payments/test_api.py::test_buyer_pays_only_own_or_anonymous_checkout"

QUERIES = {
    "assistedOrder": permission(
        "ASSIST_ORDERS",
        proof="tests/marketplace/assisted/test_assisted_expiry.py::test_another_agent_reads_nothing_and_a_buyer_is_refused",
    ),
    "mySettlements": trader(MY_EXCHANGE_ROWS),
    "listings": market(),
    "auction": market(),
    "auctions": market(),
    "rfqs": market(),
    "myTrades": trader(MY_EXCHANGE_ROWS),
    "myReceipts": trader(
        "tests/magnesium_exchange/warehouses/test_receipts_api.py::test_trader_sees_only_their_members_receipts"
    ),
    "myExchangeMember": trader(
        "tests/magnesium_exchange/members/test_funds.py::test_trader_sees_only_their_members_funds"
    ),
    "marketGrades": public(),
    "dailyBars": public(),
    "referencePrice": public(),
    "receipt": object_scoped(
        "tests/magnesium_exchange/warehouses/test_receipts_api.py::test_trader_sees_only_their_members_receipts"
    ),
    "warehouseReceipts": object_scoped(
        "tests/magnesium_exchange/warehouses/test_receipts_api.py::test_keeper_lists_their_warehouse_receipts"
    ),
    "exchangeMember": object_scoped(
        "tests/magnesium_exchange/members/test_funds.py::test_trader_sees_only_their_members_funds"
    ),
    "exchangeMembers": permission("MANAGE_EXCHANGE"),
    "exchangeFundsRequests": permission("CONFIRM_FUNDS", "MANAGE_EXCHANGE"),
    "commodities": public(),
    "commodity": public(),
    "commodityGrades": public(),
    "complaint": object_scoped("tests/marketplace/complaints/test_complaint_api.py::test_who_reads_a_complaint"),
    "myComplaints": user(OWN_COMPLAINTS),
    "shopComplaints": object_scoped(OWN_COMPLAINTS),
    "complaints": permission("MANAGE_COMPLAINTS"),
    "productReviews": public(),
    "shopReviews": public(),
    "shopEarnings": object_scoped(SHOP_MONEY),
    "shopPayouts": object_scoped(SHOP_MONEY),
    "commissionRules": permission("MANAGE_ORDERS"),
    "shopOrderCommissions": object_scoped(
        "tests/marketplace/settlement/test_seller_commission.py::test_others_are_refused_and_too_many_orders_is_an_error"
    ),
    "presaleCampaigns": public(),
    "order": object_scoped("tests/marketplace/orders/test_order_permission_matrix.py::test_reading_an_order"),
    "orderByToken": object_scoped(
        "tests/marketplace/orders/test_order_permission_matrix.py::test_reading_a_buyers_order_by_token_needs_the_right_to_read_it"
    ),
    "shopOrders": object_scoped(
        "tests/marketplace/orders/test_order_permission_matrix.py::test_shop_orders_listing_is_the_shops_own"
    ),
    "checkout": object_scoped(FOREIGN_CHECKOUT),
    "shops": public(),
    "marketplaceShop": public(),
    "myShops": own(
        "tests/meidu/security/test_owner_marketplace.py::test_each_seller_lists_only_the_shops_they_work_for"
    ),
    "products": public(),
    "productSuggestions": public(),
    "product": public(),
    "productVariant": public(),
    "categories": public(),
    "category": public(),
    "collections": public(),
    "collection": public(),
    "channel": public(),
    "channels": public(),
    "shop": public(),
    "towns": public(),
    "apps": permission("MANAGE_APPS"),
    "app": permission("MANAGE_APPS"),
    "me": own("tests/meidu/accounts/test_tokens.py::test_token_create_by_mobile_then_me"),
    "users": permission("MANAGE_USERS"),
    # issue 15, signed receipt statements (statements helper): anyone with the printed code gets the masked
    # statement, banks and operators the full one; the pledge's bank is named to that bank alone
    "receiptVerify": public(STATEMENTS),
    "receiptsVerify": permission(
        "BANK_LENDING",
        "MANAGE_EXCHANGE",
        proof="tests/magnesium_exchange/statements/test_statement_api.py::test_the_batch_is_for_banks_and_operators_each_receipt_its_own_result",
    ),
    # issue 19, farm information (farm helper): the board, posts and fairs are public; a user's alerts,
    # notices, matches and contact requests are their own
    "produceItems": public(),
    "farmMarkets": public(),
    "priceObservations": public(),
    "supplyDemandPosts": public(
        FARM_API + "test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester"
    ),
    "fairs": public(),
    "fair": public(),
    "myPriceAlerts": own(FARM_API + "test_my_alerts_and_notices_are_the_callers_own"),
    "farmNotices": own(FARM_API + "test_my_alerts_and_notices_are_the_callers_own"),
    "postMatches": object_scoped(FARM_API + "test_post_matches_are_the_posters_only"),
    "myContactRequests": own(
        FARM_API + "test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester"
    ),
}

MUTATIONS = {
    "settlementPay": trader(OWNER_EXCHANGE),
    "listingCreate": trader(TRADE_GRANT),
    "listingPick": trader(TRADE_GRANT),
    "listingReprice": trader(OWNER_EXCHANGE),
    "listingWithdraw": trader(OWNER_EXCHANGE),
    "auctionCreate": trader(TRADE_GRANT),
    "auctionBid": trader(OWNER_EXCHANGE),
    "auctionClose": permission(
        "MANAGE_EXCHANGE",
        proof="tests/magnesium_exchange/trading/test_api.py::test_only_operators_close_an_auction_through_the_api",
    ),
    "rfqCreate": trader(OWNER_EXCHANGE),
    "quoteSubmit": trader(OWNER_EXCHANGE),
    "quoteAccept": trader(OWNER_EXCHANGE),
    "referencePriceSet": permission("MANAGE_EXCHANGE"),
    "exchangeWarehouseCreate": permission("MANAGE_EXCHANGE"),
    "exchangeWarehouseStaffAdd": permission("MANAGE_EXCHANGE"),
    "inboundTicketCreate": permission("MANAGE_WAREHOUSE_RECEIPTS", proof=WAREHOUSE_STAFF),
    "receiptIssue": permission("MANAGE_WAREHOUSE_RECEIPTS", proof=WAREHOUSE_STAFF),
    "receiptSplit": permission("MANAGE_WAREHOUSE_RECEIPTS", proof=WAREHOUSE_STAFF),
    "receiptMerge": permission("MANAGE_WAREHOUSE_RECEIPTS"),
    "receiptWithdraw": permission("MANAGE_WAREHOUSE_RECEIPTS"),
    "receiptCancel": permission("MANAGE_WAREHOUSE_RECEIPTS", proof=WAREHOUSE_STAFF),
    "receiptFreeze": permission("MANAGE_WAREHOUSE_RECEIPTS"),
    "receiptUnfreeze": permission("MANAGE_WAREHOUSE_RECEIPTS"),
    "fundsDepositRequest": trader(
        "tests/magnesium_exchange/members/test_funds.py::test_trader_without_funds_grant_and_strangers_are_refused"
    ),
    "fundsDepositConfirm": permission("CONFIRM_FUNDS", proof=BANK_ONLY, operator=False),
    "fundsWithdrawRequest": trader(
        "tests/meidu/security/test_owner_exchange.py::test_a_withdrawal_freezes_only_the_callers_own_funds"
    ),
    "fundsWithdrawConfirm": permission("CONFIRM_FUNDS", proof=BANK_ONLY, operator=False),
    "fundsRequestReject": permission("CONFIRM_FUNDS", operator=False),
    "exchangeMemberCreate": permission("MANAGE_EXCHANGE"),
    "exchangeTraderAdd": permission("MANAGE_EXCHANGE"),
    "complaintCreate": user(
        "tests/marketplace/complaints/test_complaint_api.py::test_only_the_buyer_files_a_complaint"
    ),
    "complaintRespond": object_scoped(COMPLAINT_HANDLERS),
    "complaintResolve": object_scoped(COMPLAINT_HANDLERS),
    "complaintRate": user(COMPLAINT_HANDLERS),
    "reviewCreate": user("tests/marketplace/reviews/test_review_api.py::test_review_refusals"),
    "reviewHide": permission("MANAGE_REVIEWS"),
    "commissionRuleCreate": permission("MANAGE_ORDERS"),
    "payoutMarkPaid": permission("HANDLE_PAYMENTS"),
    "payoutMarkFailed": permission("HANDLE_PAYMENTS"),
    "presaleCampaignOpen": object_scoped(
        "tests/meidu/security/test_owner_marketplace.py::test_only_the_variants_shop_opens_its_presale_and_the_other_shop_writes_nothing"
    ),
    "presaleHarvest": object_scoped(
        "tests/marketplace/presale/test_presale.py::test_harvest_into_another_shops_warehouse_is_refused"
    ),
    "orderConfirm": object_scoped(ORDER_MATRIX),
    "orderFulfill": object_scoped(ORDER_MATRIX),
    "orderCancel": object_scoped(ORDER_MATRIX),
    "orderConfirmReceipt": object_scoped(OWNER_CHECKOUT),
    "orderRefund": object_scoped(ORDER_MATRIX),
    "orderReturn": object_scoped(AFTER_SHIPPING),
    "orderPickupVerify": user(
        "tests/marketplace/orders/test_order_permission_matrix.py::test_pickup_verify_through_the_api_needs_the_points_staff"
    ),
    # Assisted buying (issue 18): station agents only, and only at their own station, on their own orders.
    "assistedOrderStart": permission("ASSIST_ORDERS", proof=ASSISTED),
    "assistedOrderCodeSend": permission("ASSIST_ORDERS", proof=ASSISTED),
    "assistedOrderConfirm": permission("ASSIST_ORDERS", proof=ASSISTED),
    "orderHandover": user(
        "tests/marketplace/orders/test_order_permission_matrix.py::test_a_locally_delivered_parcel_is_handed_over_by_a_driver_not_by_another_shop"
    ),
    "checkoutCreate": public(),
    "checkoutLinesAdd": object_scoped(FOREIGN_CHECKOUT),
    "checkoutLinesUpdate": object_scoped(OWNER_CHECKOUT),
    "checkoutLinesDelete": object_scoped(CHECKOUT_FOREIGN_LINES),
    "checkoutEmailUpdate": object_scoped(OWNER_CHECKOUT),
    "checkoutShippingAddressUpdate": object_scoped(OWNER_CHECKOUT),
    "checkoutBillingAddressUpdate": object_scoped(OWNER_CHECKOUT),
    "checkoutDeliveryMethodUpdate": object_scoped(OWNER_CHECKOUT),
    "checkoutCustomerAttach": user(OWNER_CHECKOUT),
    "checkoutComplete": object_scoped(OWNER_CHECKOUT),
    "paymentGatewayInitialize": object_scoped(OWNER_CHECKOUT),
    "transactionInitialize": object_scoped(PAY_OWN_CHECKOUT),
    "transactionProcess": object_scoped(OWNER_CHECKOUT),
    "transactionRequestAction": permission(
        "HANDLE_PAYMENTS", proof="tests/marketplace/payments/test_api.py::test_request_action_needs_handle_payments"
    ),
    "warehouseCreate": object_scoped(CATALOG_MATRIX),
    "stockUpdate": object_scoped(CATALOG_MATRIX),
    "productCreate": object_scoped(CATALOG_MATRIX),
    "productUpdate": object_scoped(CATALOG_MATRIX),
    "productDelete": object_scoped(CATALOG_MATRIX),
    "productVariantCreate": object_scoped(CATALOG_MATRIX),
    "productVariantUpdate": object_scoped(CATALOG_MATRIX),
    "productChannelListingUpdate": object_scoped(CATALOG_MATRIX),
    "productVariantChannelListingUpdate": object_scoped(CATALOG_MATRIX),
    "productMediaCreate": object_scoped(CATALOG_MATRIX),
    "shopApply": user("tests/marketplace/test_shop_lifecycle.py::test_anonymous_cannot_apply"),
    "shopSubmitForReview": object_scoped(OTHER_SHOP),
    "shopApprove": permission("MANAGE_SHOPS"),
    "shopReject": permission("MANAGE_SHOPS"),
    "shopSuspend": permission("MANAGE_SHOPS"),
    "shopReinstate": permission("MANAGE_SHOPS"),
    "shopClose": object_scoped(OTHER_SHOP),
    "shopUpdate": object_scoped(OTHER_SHOP),
    "shopHolidayModeSet": object_scoped(OTHER_SHOP),
    "shopMemberAdd": object_scoped(
        "tests/marketplace/test_shop_members_and_media.py::test_assistants_cannot_add_members_and_unknown_phones_are_refused"
    ),
    "appCreate": permission("MANAGE_APPS"),
    "appTokenCreate": permission("MANAGE_APPS"),
    "appTokenDelete": permission("MANAGE_APPS"),
    "webhookCreate": permission("MANAGE_APPS"),
    "tokenCreate": public(),
    "tokenRefresh": public(),
    "tokenVerify": public(),
    "accountRegister": public(),
    # Phone codes (issue 21): anyone may ask for a code; the code itself is the proof of the phone.
    "requestPhoneCode": public(
        "tests/meidu/accounts/test_phone_code_api.py::test_a_withdrawal_code_needs_a_signed_in_user_and_goes_to_their_phone"
    ),
    "tokenCreateByPhoneCode": public(
        "tests/meidu/accounts/test_phone_code_api.py::test_request_phone_code_then_token_create_by_phone_code_signs_in"
    ),
    "accountRegisterByPhoneCode": public(
        "tests/meidu/accounts/test_phone_code_api.py::test_account_register_by_phone_code_creates_and_signs_in_a_buyer"
    ),
    "setPasswordByPhoneCode": public(
        "tests/meidu/accounts/test_phone_code_api.py::test_set_password_by_phone_code_resets_a_forgotten_password"
    ),
    "passwordChange": user(
        "tests/meidu/accounts/test_password_change.py::test_password_change_mutation_kills_old_tokens_and_returns_new_ones"
    ),
    "tokensDeactivateAll": user(
        "tests/meidu/accounts/test_password_change.py::test_tokens_deactivate_all_kills_tokens_and_web_sessions"
    ),
    "userRolesUpdate": permission(
        "MANAGE_STAFF",
        proof="tests/meidu/accounts/test_roles.py::test_without_manage_staff_the_error_names_the_permission",
    ),
    # issue 19, farm information (farm helper)
    "priceObservationCreate": permission("REPORT_PRICES"),
    "priceAlertCreate": user(FARM_API + "test_an_alert_through_the_api_and_its_refusals"),
    "priceAlertDelete": user(FARM_API + "test_my_alerts_and_notices_are_the_callers_own"),
    "farmNoticesMarkRead": user(FARM_API + "test_an_alert_through_the_api_and_its_refusals"),
    "supplyDemandPostCreate": user(FARM_API + "test_posting_through_the_api_with_an_alias_and_its_refusals"),
    "supplyDemandPostUpdate": user(FARM_API + "test_another_users_post_is_refused_writing_nothing"),
    "supplyDemandPostClose": user(FARM_API + "test_another_users_post_is_refused_writing_nothing"),
    "contactRequestCreate": user(
        FARM_API + "test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester"
    ),
    "contactRequestAccept": user(
        FARM_API + "test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester"
    ),
    "contactRequestDecline": user(
        FARM_API + "test_contact_requests_through_the_api_reveal_the_phone_to_the_accepted_requester"
    ),
    "fairOpen": permission("MANAGE_FAIRS"),
    "fairStallApply": user(FARM_API + "test_only_a_shops_members_apply_for_its_stall"),
    "fairStallApprove": permission("MANAGE_FAIRS"),
    "fairStallReject": permission("MANAGE_FAIRS"),
}

# --- issue 15, loans (financing: loan lifecycle) -------------------------------------------------
LOANS_API = "tests/magnesium_exchange/financing/test_api.py"
OTHER_BANK = f"{LOANS_API}::test_an_officer_of_another_bank_is_refused_and_sees_nothing"
BORROWER_ONLY = f"{LOANS_API}::test_only_the_borrowers_traders_with_the_funds_grant_act_for_it"
QUERIES.update(
    {
        "loans": own(f"{LOANS_API}::test_each_bank_lists_only_its_loans_and_the_borrower_its_members"),
        "loan": object_scoped(f"{LOANS_API}::test_each_bank_lists_only_its_loans_and_the_borrower_its_members"),
    }
)
MUTATIONS.update(
    {
        "loanApply": trader(BORROWER_ONLY),
        "loanWithdraw": trader(BORROWER_ONLY),
        "loanRepay": trader(BORROWER_ONLY),
        "loanCollateralAdd": trader(BORROWER_ONLY),
        "loanApprove": permission("BANK_LENDING", proof=OTHER_BANK, operator=False),
        "loanReject": permission("BANK_LENDING", proof=OTHER_BANK, operator=False),
        "loanCancel": permission("BANK_LENDING", proof=OTHER_BANK, operator=False),
        "loanDisburse": permission("BANK_LENDING", proof=OTHER_BANK, operator=False),
        "loanCollateralRelease": object_scoped(OTHER_BANK),
        "financingRuleSet": permission(
            "MANAGE_EXCHANGE", proof=f"{LOANS_API}::test_operators_set_financing_rules_and_bad_lines_are_refused"
        ),
    }
)

# --- issue 15, credit reports (credit helper) ---
CREDIT_API = "tests/magnesium_exchange/credit/test_credit_api.py"
QUERIES.update(
    {
        "creditReport": permission(
            "BANK_LENDING",
            operator=False,
            proof=f"{CREDIT_API}::test_another_bank_and_non_banks_are_refused_writing_nothing",
        ),
        "creditConsents": user(f"{CREDIT_API}::test_consents_list_is_the_members_own_or_the_banks_own"),
    }
)
MUTATIONS.update(
    {
        "creditConsentGrant": trader(f"{CREDIT_API}::test_a_trader_of_another_member_cannot_touch_its_consents"),
        "creditConsentRevoke": trader(f"{CREDIT_API}::test_a_trader_of_another_member_cannot_touch_its_consents"),
    }
)

# --- issue 15, risk (financing: margin calls, forced sale) ------------------------------------------
RISK_API = "tests/magnesium_exchange/financing/test_risk_api.py"
QUERIES.update(
    {
        "marginCalls": own(f"{RISK_API}::test_margin_calls_are_seen_by_their_bank_borrower_and_operators_only"),
    }
)
MUTATIONS.update(
    {
        "loanForcedSaleStart": permission(
            "BANK_LENDING",
            proof=f"{RISK_API}::test_only_the_loans_bank_starts_a_forced_sale_and_not_before_the_line",
            operator=False,
        ),
    }
)

# --- issue 18, bulk freight (freight helper): truck slots and appointments at a supervised warehouse ---
FREIGHT_API = "tests/magnesium_exchange/warehouses/test_freight_api.py"
QUERIES.update(
    {
        "truckSlots": trader(f"{FREIGHT_API}::test_slots_are_for_traders_staff_and_operators"),
        "truckAppointments": own(
            f"{FREIGHT_API}::test_each_member_sees_its_own_appointments_and_staff_their_warehouses"
        ),
    }
)
MUTATIONS.update(
    {
        "truckSlotsPublish": permission(
            "MANAGE_WAREHOUSE_RECEIPTS",
            proof=f"{FREIGHT_API}::test_staff_of_another_warehouse_cannot_publish_or_check_in",
        ),
        "truckAppointmentBook": trader(f"{FREIGHT_API}::test_booking_through_the_api_and_refusals"),
        "truckAppointmentCancel": trader(f"{FREIGHT_API}::test_another_members_trader_cannot_cancel"),
        "truckAppointmentArrive": permission(
            "MANAGE_WAREHOUSE_RECEIPTS",
            proof=f"{FREIGHT_API}::test_staff_of_another_warehouse_cannot_publish_or_check_in",
        ),
    }
)

# Object-scoped (or own-rows) fields whose "other owner" / "right owner" columns no test proves
# yet: each is a gap to close by writing that test and naming it above (issue 13). Empty since the
# owner tests (test_owner_*.py): a new such field needs its proof, or a place here, to pass.
UNPROVEN: set[tuple[str, str]] = set()
# --- issue 16, incubator supply pool, distribution and referrals (dist helper) ---
SUPPLY_API = "tests/incubator/test_supply_api.py"
DISTRIBUTION_API = "tests/incubator/test_distribution_api.py"
OTHER_SUPPLIER = f"{SUPPLY_API}::test_another_shop_cannot_act_on_the_offer_and_writes_nothing"
OTHER_DISTRIBUTOR = f"{DISTRIBUTION_API}::test_another_distributor_is_refused_reading_and_acting_writing_nothing"
QUERIES.update(
    {
        "supplyOffers": user(f"{SUPPLY_API}::test_the_pool_shows_open_offers_and_a_supplier_all_its_own"),
        "supplyOffer": user(f"{SUPPLY_API}::test_the_pool_shows_open_offers_and_a_supplier_all_its_own"),
        "distributionPicks": object_scoped(OTHER_DISTRIBUTOR),
        "distributorOrders": object_scoped(OTHER_DISTRIBUTOR),
    }
)
MUTATIONS.update(
    {
        "supplyOfferCreate": object_scoped(OTHER_SUPPLIER),
        "supplyOfferUpdate": object_scoped(OTHER_SUPPLIER),
        "supplyOfferOpen": object_scoped(OTHER_SUPPLIER),
        "supplyOfferPause": object_scoped(OTHER_SUPPLIER),
        "supplyOfferClose": object_scoped(OTHER_SUPPLIER),
        "supplyOfferReview": permission("MANAGE_SUPPLY_POOL"),
        "distributionPick": object_scoped(OTHER_DISTRIBUTOR),
        "distributionPriceSet": object_scoped(OTHER_DISTRIBUTOR),
        "distributionUnpick": object_scoped(OTHER_DISTRIBUTOR),
        "referralLinkCreate": object_scoped(OTHER_DISTRIBUTOR),
    }
)

# Incubator distributor commission (issue 16): a distributor's earnings are its own members' and
# commission staff's only (never a supplier's, never another distributor's); the lawful rules are staff's.
COMMISSION_API = "tests/incubator/commission/test_distributor_earnings_api.py"
QUERIES.update(
    {
        "distributorEarnings": object_scoped(
            f"{COMMISSION_API}::test_only_the_distributors_members_and_staff_read_its_commission"
        ),
        "commissionSettings": permission("MANAGE_COMMISSION"),
        "commissionRuleChanges": permission("MANAGE_COMMISSION"),
    }
)
MUTATIONS.update({"commissionSettingsChange": permission("MANAGE_COMMISSION")})

# --- issue 16, training (incubator.training) --------------------------------------------------------
TRAINING_API = "tests/incubator/training/test_training_api.py"
OWN_ENROLMENTS = f"{TRAINING_API}::test_trainees_see_and_touch_only_their_own_enrolments"
QUERIES.update(
    {
        "courses": public(),
        "course": public(),
        "myEnrolments": own(OWN_ENROLMENTS),
        "certificateVerify": public(f"{TRAINING_API}::test_enrol_complete_and_verify_through_the_api"),
        "trainingFunnel": permission("MANAGE_TRAINING", proof=f"{TRAINING_API}::test_the_funnel_is_for_staff_only"),
    }
)
MUTATIONS.update(
    {
        "courseEnrol": user(OWN_ENROLMENTS),
        "lessonComplete": user(OWN_ENROLMENTS),
    }
)
