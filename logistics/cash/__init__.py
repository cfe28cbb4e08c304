"""Cash on delivery in the hands of drivers and station agents, until it is counted in at the hub."""
