"""Operators' admin (superusers only). Not tenant-scoped: it shows every organisation's data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from tradeloom.accounts.forms import OperatorLoginForm
from tradeloom.accounts.models import Invitation, TokenFamily, User
from tradeloom.core.admin import OperatorModelAdmin, ReadOnlyOperatorAdmin

# The admin's own login form would bypass the failed-login limit and the audit log; operators log in through ours.
admin.site.login_form = OperatorLoginForm


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


@admin.register(User)
class UserAdmin(OperatorModelAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_superuser", "date_joined")
    search_fields = ("email", "full_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "phone", "department", "avatar")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyOperatorAdmin):
    list_display = ("email", "organization", "role", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("organization",)
    exclude = ("token_hash",)


@admin.register(TokenFamily)
class TokenFamilyAdmin(ReadOnlyOperatorAdmin):
    list_display = ("user", "created_at", "last_refreshed_at", "revoked_at", "revoked_reason")
    list_select_related = ("user",)
