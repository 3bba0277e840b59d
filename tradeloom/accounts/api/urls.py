from django.urls import path

from tradeloom.accounts.api import views

public_urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="register"),
    path("auth/token/", views.TokenObtainApi.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefreshApi.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllApi.as_view(), name="logout-all"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/password/", views.PasswordChangeApi.as_view(), name="password"),
    path("invitations/accept/", views.InvitationAcceptApi.as_view(), name="invitation-accept"),
]

urlpatterns = [
    path("invitations/", views.InvitationListCreateApi.as_view(), name="invitations"),
    path("invitations/<uuid:invitation_id>/revoke/", views.InvitationRevokeApi.as_view(), name="invitation-revoke"),
]
