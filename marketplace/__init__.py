"""Commerce core, Saleor-shaped and multi-vendor: channels, catalogue, shops, inventory, checkout,
orders (issues 3 and 4)."""
