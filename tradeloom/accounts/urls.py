from django.contrib.auth import views as auth_views
from django.urls import path

from tradeloom.accounts import views
from tradeloom.accounts.forms import LoginForm

app_name = "accounts"

# The organisation's invitations, under /o/<org_slug>/ (guarded by tenancy.web.tenant_view; a test walks this list).
urlpatterns = [
    path("invitations/", views.invitation_list_view, name="invitations"),
    path("invitations/<uuid:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation-revoke"),
]

# Log-in, sign-up, password reset, joining by invitation and the profile: outside any organisation.
public_urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup_view, name="signup"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitations/accept/", views.invitation_accept_view, name="invitation-accept"),
    path("account/profile/", views.profile_view, name="profile"),
    path("account/password/", views.password_change_view, name="password-change"),
]
