"""Exchange pages: the public price page, the public receipt verification page and the printable
receipt, and the supervised warehouses' desk (weigh in, issue, release, receipts)."""
