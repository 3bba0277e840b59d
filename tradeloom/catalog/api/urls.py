from django.urls import path
from rest_framework.routers import SimpleRouter

from tradeloom.catalog.api import views

router = SimpleRouter(use_regex_path=False)
router.register("units", views.UnitViewSet, basename="unit")
router.register("exchange-rates", views.ExchangeRateViewSet, basename="exchange-rate")
router.register("payment-terms", views.PaymentTermsViewSet, basename="payment-terms")
router.register("items", views.ItemViewSet, basename="item")

ROUTE_PRIORITY = 40  # see config/urls.py

urlpatterns = [path("currencies/", views.CurrencyListApi.as_view(), name="currencies"), *router.urls]
