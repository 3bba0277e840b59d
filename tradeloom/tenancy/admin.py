from django.contrib import admin

from tradeloom.core.admin import OperatorModelAdmin
from tradeloom.tenancy.models import Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(OperatorModelAdmin):
    list_display = ("name", "slug", "base_currency", "seat_limit", "is_active", "created_at")
    search_fields = ("name", "slug")
    list_filter = ("is_active",)


@admin.register(Membership)
class MembershipAdmin(OperatorModelAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "organization__slug")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user",)
