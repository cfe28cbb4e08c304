"""Supervised warehouses, weighbridge tickets and signed electronic warehouse receipts (仓单)."""
