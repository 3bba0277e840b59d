from tradeloom.catalog.pages import ALL

app_name = "catalog"
urlpatterns = [pattern for pages in ALL for pattern in pages.urls(namespace=app_name)]
