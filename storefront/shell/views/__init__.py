"""Storefront shell pages: public landing, account pages, and each role's home."""
