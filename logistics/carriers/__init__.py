"""Express carriers for nationwide orders: waybill numbers, label data, and tracking pushes."""
