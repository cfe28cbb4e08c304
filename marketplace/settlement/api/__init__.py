"""GraphQL of settlement: a shop's earnings and payouts (its members, operators), commission rules (operators)."""
