"""Daily village runs: the fleet, the day's plan from a vehicle-routing solver, manifests and maps."""
