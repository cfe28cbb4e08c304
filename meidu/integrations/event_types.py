"""Asynchronous webhook events. Domains add theirs here as they emit them, with the permission an
app needs to receive them (as in Saleor: an event is delivered only to apps holding it)."""

from enum import Enum

from meidu.core.permissions import (
    AccountPermissions,
    AppPermission,
    CommissionPermissions,
    DistributionPermissions,
    ExchangePermissions,
    FarmPermissions,
    OrderPermissions,
    PaymentPermissions,
)


class WebhookEventType(Enum):
    ANY_EVENTS = "any_events"
    CUSTOMER_CREATED = "customer_created"
    APP_INSTALLED = "app_installed"
    APP_DELETED = "app_deleted"
    WEBHOOK_TEST = "webhook_test"
    RECEIPT_ISSUED = "receipt_issued"
    RECEIPT_STATUS_CHANGED = "receipt_status_changed"
    TRADE_CREATED = "trade_created"
    SETTLEMENT_COMPLETED = "settlement_completed"
    SETTLEMENT_DEFAULTED = "settlement_defaulted"
    ORDER_CREATED = "order_created"
    ORDER_PAID = "order_paid"
    ORDER_FULFILLED = "order_fulfilled"
    ORDER_DELIVERED = "order_delivered"
    ORDER_CANCELLED = "order_cancelled"
    REFUND_CREATED = "refund_created"
    # bank financing: delivered only to the App of the loan's bank (webhook_event_emit(app_ids=...))
    LOAN_APPROVED = "loan_approved"
    PLEDGE_CREATED = "pledge_created"
    PLEDGE_RELEASED = "pledge_released"
    MARGIN_CALL_OPENED = "margin_call_opened"
    MARGIN_CALL_RESOLVED = "margin_call_resolved"
    MARGIN_CALL_MISSED = "margin_call_missed"
    FORCED_SALE_STARTED = "forced_sale_started"
    LOAN_REPAID = "loan_repaid"
    # logistics: a shipment of an order (its payload names the order's number and the shipment's status)
    SHIPMENT_CREATED = "shipment_created"
    SHIPMENT_STATUS_CHANGED = "shipment_status_changed"
    SHIPMENT_DELIVERY_FAILED = "shipment_delivery_failed"
    # incubator distribution (issue 16): a distributor picked, repriced or unpicked an offer
    DISTRIBUTION_PICKED = "distribution_picked"
    DISTRIBUTION_UNPICKED = "distribution_unpicked"
    # incubator: a distributor's commission earned (after-sales window closed) or clawed back (refund, return)
    COMMISSION_EARNED = "commission_earned"
    COMMISSION_CLAWED_BACK = "commission_clawed_back"
    # farm information service (incubator): a user's price alert crossed its threshold; a post found a match
    FARM_PRICE_ALERT_FIRED = "farm_price_alert_fired"
    FARM_POST_MATCHED = "farm_post_matched"


# The permission (or any one of several) an app needs to receive each event; None: every app. Order
# payloads carry the order's token, which opens orderByToken: only apps that manage orders.
EVENT_PERMISSIONS = {
    WebhookEventType.CUSTOMER_CREATED: AccountPermissions.MANAGE_USERS,
    WebhookEventType.APP_INSTALLED: AppPermission.MANAGE_APPS,
    WebhookEventType.APP_DELETED: AppPermission.MANAGE_APPS,
    WebhookEventType.WEBHOOK_TEST: None,
    WebhookEventType.RECEIPT_ISSUED: (ExchangePermissions.CONFIRM_FUNDS, ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS),
    WebhookEventType.RECEIPT_STATUS_CHANGED: (
        ExchangePermissions.CONFIRM_FUNDS,
        ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS,
    ),
    WebhookEventType.TRADE_CREATED: ExchangePermissions.CONFIRM_FUNDS,
    WebhookEventType.SETTLEMENT_COMPLETED: ExchangePermissions.CONFIRM_FUNDS,
    WebhookEventType.SETTLEMENT_DEFAULTED: ExchangePermissions.CONFIRM_FUNDS,
    WebhookEventType.ORDER_CREATED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.ORDER_PAID: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.ORDER_FULFILLED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.ORDER_DELIVERED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.ORDER_CANCELLED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.REFUND_CREATED: PaymentPermissions.HANDLE_PAYMENTS,
    WebhookEventType.LOAN_APPROVED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.PLEDGE_CREATED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.PLEDGE_RELEASED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.MARGIN_CALL_OPENED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.MARGIN_CALL_RESOLVED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.MARGIN_CALL_MISSED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.FORCED_SALE_STARTED: ExchangePermissions.BANK_LENDING,
    WebhookEventType.LOAN_REPAID: ExchangePermissions.BANK_LENDING,
    WebhookEventType.SHIPMENT_CREATED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.SHIPMENT_STATUS_CHANGED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.SHIPMENT_DELIVERY_FAILED: OrderPermissions.MANAGE_ORDERS,
    WebhookEventType.DISTRIBUTION_PICKED: DistributionPermissions.MANAGE_SUPPLY_POOL,
    WebhookEventType.DISTRIBUTION_UNPICKED: DistributionPermissions.MANAGE_SUPPLY_POOL,
    WebhookEventType.COMMISSION_EARNED: CommissionPermissions.MANAGE_COMMISSION,
    WebhookEventType.COMMISSION_CLAWED_BACK: CommissionPermissions.MANAGE_COMMISSION,
    # county sites and SMS gateways that carry the farm information service
    WebhookEventType.FARM_PRICE_ALERT_FIRED: FarmPermissions.REPORT_PRICES,
    WebhookEventType.FARM_POST_MATCHED: FarmPermissions.POST_FOR_VILLAGERS,
}


def subscribable_events() -> list[str]:
    return [event.value for event in WebhookEventType]


def event_permission_values(event_type: WebhookEventType) -> frozenset[str] | None:
    """The permission codes of which an app must hold one to receive ``event_type``; None: any app."""
    needed = EVENT_PERMISSIONS[event_type]
    if needed is None:
        return None
    return frozenset(perm.value for perm in (needed if isinstance(needed, tuple) else (needed,)))
