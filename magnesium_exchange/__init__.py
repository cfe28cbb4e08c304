"""The magnesia spot exchange: members and funds, warehouse receipts, trading, settlement, financing."""
