"""HTTP load mixes driven by locust (benchmarks/http_load.py runs them): one locustfile per mix, the GraphQL
documents they send, and the data each mix needs, prepared through the services."""
