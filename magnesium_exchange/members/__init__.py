"""Exchange members (firms with KYC), their traders, credit matching, and funds on the ledger."""
