from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from meidu.core.graphql.view import GraphQLView
from meidu.core.views import jwks
from meidu.schema import CACHEABLE_ROOTS, schema

handler500 = "meidu.core.views.server_error"

admin.site.site_header = "Meidu Market"
admin.site.login = lambda request, extra_context=None: _login_redirect(request)


def _login_redirect(request):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


urlpatterns = [
    path("graphql/", GraphQLView.as_view(schema=schema, cacheable_roots=CACHEABLE_ROOTS), name="graphql"),
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("admin/", admin.site.urls),
    path("payments/", include("marketplace.payments.urls")),
    path("logistics/", include("logistics.carriers.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("shop/", include("storefront.shop.urls")),
    path("seller/", include("storefront.seller.urls")),
    path("exchange/", include("storefront.exchange.urls")),
    path("station/", include("storefront.station.urls")),
    path("operator/", include("storefront.operator.urls")),
    path("bank/", include("storefront.bank.urls")),
    path("distributor/", include("storefront.distributor.urls")),
    path("r/", include("storefront.distributor.referral_urls")),
    path("learn/", include("storefront.learn.urls")),
    path("incubator/", include("storefront.incubator.urls")),
    path("farm/", include("storefront.farm.urls")),
    path("", include("storefront.shell.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
