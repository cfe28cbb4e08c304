"""The site's URLs plus the bank portal's credit page, mounted as the portal will (storefront/bank/urls.py
includes ``credit_urlpatterns``); until the portal is on main the credit page tests use this URLconf."""

from django.urls import include, path

from meidu.urls import urlpatterns as site
from storefront.bank.credit import credit_urlpatterns

# Merged with the portal (which mounts credit_urlpatterns at /bank/credit/, namespace "bank"): the extra
# mount carries no namespace, so "bank:..." names resolve to the portal's.
urlpatterns = [path("bank-credit/", include(credit_urlpatterns)), *site]
