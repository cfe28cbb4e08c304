"""Market data of the exchange: the time-and-sales tape, daily bars per grade, and the daily
reference price the trading services use for price limits and the banks for valuation."""
