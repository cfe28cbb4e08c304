"""Commodities of the exchange: magnesia products, their spec ranges and named grades."""
