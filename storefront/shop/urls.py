from django.urls import path

from storefront.shop import views

app_name = "shop"

# <str:...>: shop, product and category slugs may be Chinese (allow_unicode), which <slug:> refuses.
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("c/<str:slug>/", views.catalogue, name="category"),
    path("p/<str:slug>/", views.product_detail, name="product"),
    path("s/<str:slug>/", views.shop_detail, name="shop"),
]
