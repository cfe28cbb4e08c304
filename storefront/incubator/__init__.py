"""The incubator staff's console: the training funnel, the suppliers' and distributors' weekly sales,
and the panels other incubator apps add (storefront/incubator/panels.py)."""
