"""Seller settlement: commission rules, per-order postings to the ledger, weekly payouts."""
