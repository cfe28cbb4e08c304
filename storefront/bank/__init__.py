"""The bank portal (/bank/): a bank officer's pages for its own bank's receipts, applications and loans."""
