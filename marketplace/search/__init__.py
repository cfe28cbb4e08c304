"""The product search index: documents, suggestion keys, dirty marks and the queries on them.

Sits between the catalogue and the shops: the catalogue builds a product's SearchDocument (it knows
names, shops, categories and villages) and calls this app's services to mark and write documents;
the shops fire ``shops.hooks.shop_renamed`` (wired in meidu/wiring) so their products are marked.
"""
