"""Warehouse and receipt use cases. The trading, settlement and financing services call
``receipt_lock`` / ``receipt_unlock`` / ``receipt_transfer`` / ``receipt_split``."""

from magnesium_exchange.warehouses.services.custody import (  # noqa: F401
    ReceiptLockPurpose,
    ReceiptTransferReason,
    receipt_lock,
    receipt_transfer,
    receipt_unlock,
)
from magnesium_exchange.warehouses.services.freight import (  # noqa: F401
    truck_appointment_arrive,
    truck_appointment_book,
    truck_appointment_cancel,
    truck_appointments_no_show_due,
    truck_slots_publish,
)
from magnesium_exchange.warehouses.services.receipts import receipt_issue, receipt_merge, receipt_split  # noqa: F401
from magnesium_exchange.warehouses.services.supervision import (  # noqa: F401
    WithdrawalResult,
    receipt_cancel,
    receipt_freeze,
    receipt_unfreeze,
    receipt_withdraw,
)
from magnesium_exchange.warehouses.services.tickets import inbound_ticket_create, weights_check  # noqa: F401
from magnesium_exchange.warehouses.services.warehouses import (  # noqa: F401
    warehouse_create,
    warehouse_key_rotate,
    warehouse_staff_add,
)
