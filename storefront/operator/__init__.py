"""The operators' pages outside the back office: the escalated complaints queue."""
