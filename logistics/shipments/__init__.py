"""Shipments: what travels from a seller to a buyer, its parcels, its status and every step of it."""
