"""OpenAPI description of the API's authentication schemes."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class FamilyJWTScheme(SimpleJWTScheme):
    target_class = "tradeloom.accounts.authentication.FamilyJWTAuthentication"
    name = "jwtAuth"
