from django.urls import path

from storefront.exchange import (
    prices,
    terminal_accounts,
    terminal_auctions,
    terminal_credit,
    terminal_freight,
    terminal_loans,
    terminal_rfqs,
    terminal_views,
    terminal_wanted,
    views,
    warehouse_freight,
    warehouse_views,
)

app_name = "exchange"

urlpatterns = [
    path("prices/", prices.price_page, name="prices"),
    path("receipts/verify/", views.receipt_verify_form, name="receipt_verify_form"),
    path("receipts/<str:number>/verify/", views.receipt_verify_page, name="receipt_verify"),
    path("receipts/<str:number>/pdf/", views.receipt_pdf_download, name="receipt_pdf"),
    path("warehouse/", warehouse_views.desk_home, name="warehouse_home"),
    path("warehouse/<str:code>/", warehouse_views.receipts_page, name="warehouse_receipts"),
    path("warehouse/<str:code>/inbound/", warehouse_views.inbound_page, name="warehouse_inbound"),
    path("warehouse/<str:code>/tickets/<str:ticket>/issue/", warehouse_views.issue_page, name="warehouse_issue"),
    path(
        "warehouse/<str:code>/receipts/<str:number>/withdraw/", warehouse_views.withdraw_page, name="warehouse_withdraw"
    ),
    path("warehouse/<str:code>/trucks/", warehouse_freight.trucks_page, name="warehouse_trucks"),
    path("warehouse/<str:code>/trucks/slots/", warehouse_freight.slots_page, name="warehouse_slots"),
    path("terminal/", terminal_views.overview, name="terminal"),
    path("terminal/freight/", terminal_freight.freight_page, name="terminal_freight"),
    path("terminal/freight/book/", terminal_freight.freight_book, name="terminal_freight_book"),
    path("terminal/freight/<int:pk>/cancel/", terminal_freight.freight_cancel, name="terminal_freight_cancel"),
    path("terminal/listings/", terminal_views.board, name="terminal_board"),
    path("terminal/listings/new/", terminal_views.listing_create, name="terminal_listing_new"),
    path("terminal/listings/<int:pk>/", terminal_views.listing_page, name="terminal_listing"),
    path(
        "terminal/listings/<int:pk>/withdraw/", terminal_views.listing_withdraw_view, name="terminal_listing_withdraw"
    ),
    path("terminal/wanted/", terminal_wanted.wanted_board, name="terminal_wanted"),
    path("terminal/wanted/new/", terminal_wanted.wanted_create, name="terminal_wanted_new"),
    path("terminal/wanted/<int:pk>/", terminal_wanted.wanted_pick, name="terminal_wanted_pick"),
    path("terminal/rfqs/", terminal_rfqs.rfqs_page, name="terminal_rfqs"),
    path("terminal/rfqs/sell/", terminal_rfqs.rfq_sell_open, name="terminal_rfq_sell"),
    path("terminal/rfqs/<int:pk>/", terminal_rfqs.rfq_page, name="terminal_rfq"),
    path("terminal/rfqs/<int:pk>/accept/", terminal_rfqs.quote_accept_view, name="terminal_quote_accept"),
    path("terminal/auctions/", terminal_auctions.auctions_page, name="terminal_auctions"),
    path("terminal/auctions/new/", terminal_auctions.auction_create, name="terminal_auction_new"),
    path("terminal/auctions/new/procurement/", terminal_auctions.procurement_create, name="terminal_procurement_new"),
    path("terminal/auctions/<int:pk>/", terminal_auctions.auction_room, name="terminal_auction"),
    path("terminal/auctions/<int:pk>/state.json", terminal_auctions.auction_state, name="terminal_auction_state"),
    path("terminal/trades/", terminal_accounts.trades_page, name="terminal_trades"),
    path("terminal/settlements/<int:pk>/pay/", terminal_accounts.settlement_pay_view, name="terminal_settlement_pay"),
    path("terminal/contracts/<str:number>.pdf", terminal_accounts.contract_pdf_download, name="terminal_contract_pdf"),
    path("terminal/funds/", terminal_accounts.funds_page, name="terminal_funds"),
    path("terminal/loans/", terminal_loans.loans_page, name="terminal_loans"),
    path("terminal/loans/apply/", terminal_loans.loan_apply_view, name="terminal_loan_apply"),
    path("terminal/loans/<str:number>/", terminal_loans.loan_page, name="terminal_loan"),
    path("terminal/loans/<str:number>/repay/", terminal_loans.loan_repay_view, name="terminal_loan_repay"),
    path("terminal/loans/<str:number>/dispute/", terminal_loans.loan_dispute_view, name="terminal_loan_dispute"),
    path(
        "terminal/loans/<str:number>/collateral/add/",
        terminal_loans.loan_collateral_add_view,
        name="terminal_loan_collateral_add",
    ),
    path(
        "terminal/loans/<str:number>/collateral/release/",
        terminal_loans.loan_collateral_release_view,
        name="terminal_loan_collateral_release",
    ),
    path("terminal/loans/<str:number>/withdraw/", terminal_loans.loan_withdraw_view, name="terminal_loan_withdraw"),
    path("terminal/credit/", terminal_credit.credit_page, name="terminal_credit"),
    path("terminal/credit/<slug:code>/grant/", terminal_credit.credit_consent_grant_view, name="terminal_credit_grant"),
    path(
        "terminal/credit/<slug:code>/revoke/", terminal_credit.credit_consent_revoke_view, name="terminal_credit_revoke"
    ),
]
