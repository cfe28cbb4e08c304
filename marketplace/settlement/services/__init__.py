"""Settlement use cases: commission rules, order reconciliation, payouts."""
