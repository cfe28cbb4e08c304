"""Suppliers, distributors, referral and commission, training, price board."""
