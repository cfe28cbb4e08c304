"""Every write of payments: start, process, charge, refund and void transactions, record events.

Lock order (the same on every path, so two paths never wait on each other in a cycle):
checkout row (taken by the caller when relevant, e.g. checkoutComplete) → the checkout's
payment lock (``checkout_payments_lock``: a transaction-scoped advisory lock on the
checkout token, since the checkout row is gone once orders exist) → transaction items of
the checkout, by pk, FOR UPDATE. A caller that also locks orders of the checkout takes
``checkout_payments_lock`` before them, because hooks (orders' paid status) run with the
item locked. A service that changes an item always takes both locks first and records
events only under them, so two refunds cannot both pass the "not above what was charged"
check, and a webhook and a staff action serialise.

Gateways are called with the item row locked and inside the transaction: a refusal or a
network error rolls everything back (nothing written), and a gateway call that succeeded
but whose commit then failed is repaired by the provider's webhook (Stripe) or by the
idempotency key on the retry.

Amounts move only through ``_event_record``: one event, its effect on the item's amounts,
then ``hooks.transaction_changed`` fired in the same transaction.
"""

from marketplace.payments.selectors import (  # noqa: F401  (re-exported: the services' public surface)
    checkout_authorize_status,
    checkout_charge_status,
    checkout_payment_totals,
    gateway_requires_payment_before_order,
    payment_gateways_available,
    transactions_for_checkout,
)
from marketplace.payments.services.alipay_events import alipay_notification_apply  # noqa: F401
from marketplace.payments.services.common import (  # noqa: F401
    AMOUNT_FIELDS,
    FAILURE_OF,
    MAX_IDEMPOTENCY_KEY,
    PAYMENT_LOCK_NAMESPACE,
    PENDING_RESULTS,
    REQUEST_OF,
    GatewayConfig,
    TransactionOutcome,
    _amount,
    _apply,
    _checkout_source,
    _decrease,
    _event_record,
    _fingerprint,
    _gateway_of,
    _locked,
    _record_result,
    _who,
    checkout_payments_lock,
)
from marketplace.payments.services.initialize import (  # noqa: F401
    _initialize_replay,
    payment_gateway_initialize,
    transaction_initialize,
    transaction_process,
)
from marketplace.payments.services.movements import (  # noqa: F401
    _cancel_locked,
    _charge_locked,
    _refund_locked,
    checkout_transactions_refund_or_void,
    transaction_bank_transfer_confirm,
    transaction_cancel,
    transaction_cancel_amount,
    transaction_charge,
    transaction_cod_collect,
    transaction_event_report,
    transaction_refund,
)
from marketplace.payments.services.reconciliation import (  # noqa: F401
    bill_reconcile,
    bill_reconcile_again,
    bill_reconcile_gateway_day,
    bill_run_acknowledge,
    bill_run_failed,
    bills_reconcile_due,
)
from marketplace.payments.services.stripe_events import (  # noqa: F401
    _stripe_item,
    _stripe_reports,
    stripe_webhook_event_handle,
)
from marketplace.payments.services.wechatpay_events import wechatpay_notification_handle  # noqa: F401
