from tradeloom.partners.pages import ALL

app_name = "partners"
urlpatterns = [pattern for pages in ALL for pattern in pages.urls(namespace=app_name)]
