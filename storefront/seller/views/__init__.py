"""Seller centre pages: open a shop, the dashboard, products and stock. Members of a shop only."""
