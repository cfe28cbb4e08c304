"""Search shared by the marketplace and the exchange: Chinese text analysis, the backend interface,
and the PostgreSQL and Elasticsearch query builders. Imports no domain; each domain keeps its own
index (documents, rebuild tasks) and calls ``meidu.core.search.backend.search_backend()``."""
