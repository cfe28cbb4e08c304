"""Share links (issue 16), short and outside the centre: /r/<code>/ lands the buyer, /r/<code>/qr.png is the
link's QR code. Global names (no namespace): the GraphQL type builds them with reverse()."""

from django.urls import path

from storefront.distributor.views import referral

urlpatterns = [
    path("<str:code>/", referral.landing, name="referral_landing"),
    path("<str:code>/qr.png", referral.qr_png, name="referral_qr"),
]
