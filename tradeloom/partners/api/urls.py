from rest_framework.routers import SimpleRouter

from tradeloom.partners.api import views

router = SimpleRouter(use_regex_path=False)
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("addresses", views.AddressViewSet, basename="address")
router.register("plants", views.PlantViewSet, basename="plant")
router.register("supplier-plant-mappings", views.SupplierPlantMappingViewSet, basename="supplier-plant-mapping")
router.register("carriers", views.CarrierViewSet, basename="carrier")

ROUTE_PRIORITY = 30  # see config/urls.py

urlpatterns = router.urls
