"""The operators' admin: superusers only, across every organisation.

Requests serve as the app role, which row-level security confines to one organisation. The admin is for the
people who run the installation, so its model admins read and write through the ``owner`` alias, whose role
bypasses row-level security (docs/database.md). It is not tenant-scoped, by design.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tradeloom.core.models import Job

OPERATOR_DB = "owner"


def _superusers_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
# The login form is the accounts app's (``accounts/admin.py``): the admin's own would bypass the failed-login limit
# and the audit log.
admin.site.site_header = "Tradeloom operators"
admin.site.site_title = "Tradeloom operators"


class OperatorModelAdmin(admin.ModelAdmin):
    """A model admin that works across organisations (Django's multi-database admin pattern)."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).using(OPERATOR_DB)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.save(using=OPERATOR_DB)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        obj.delete(using=OPERATOR_DB)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_foreignkey(db_field, request, using=OPERATOR_DB, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return super().formfield_for_manytomany(db_field, request, using=OPERATOR_DB, **kwargs)


class ReadOnlyOperatorAdmin(OperatorModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyOperatorAdmin):
    list_display = ("kind", "status", "progress", "organization", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("organization",)
