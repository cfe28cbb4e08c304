"""Buying pages of the market: cart, checkout, confirmation, the buyer's orders."""
