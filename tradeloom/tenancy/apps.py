from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class TenancyConfig(AppConfig):
    name = "tradeloom.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"

    def ready(self) -> None:
        # Every app's capabilities (``<app>/capabilities.py``) are declared before the first request.
        autodiscover_modules("capabilities")

        from django.db.models import F, Value
        from django.db.models.functions import Coalesce, NullIf

        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.core.jobs import JOB_KINDS
        from tradeloom.tenancy import capabilities as caps
        from tradeloom.tenancy.models import AUDIT_EXPORT, Membership, Organization
        from tradeloom.tenancy.navigation import NAV_COUNTERS, NAVIGATION, NavLink, count_of

        JOB_KINDS.register(AUDIT_EXPORT.code, AUDIT_EXPORT)
        RECORD_LABELS.register("tenancy.organization", RecordLabel(Organization, text=F("name")))
        RECORD_LABELS.register(
            "tenancy.membership",
            RecordLabel(Membership, text=Coalesce(NullIf(F("user__full_name"), Value("")), F("user__email"))),
        )
        NAV_COUNTERS.register("members", lambda: count_of(Membership.objects.filter(is_active=True)))
        NAVIGATION.register(
            "dashboard",
            NavLink(
                "Workspace",
                "Dashboard",
                "tenancy:dashboard",
                "icons/home.svg",
                capability=caps.ORGANIZATION_VIEW,
                order=0,
            ),
        )
        NAVIGATION.register(
            "members",
            NavLink(
                "Organisation",
                "Members",
                "tenancy:members",
                "icons/users.svg",
                capability=caps.MEMBERS_VIEW,
                counter="members",
                counter_title="Active members",
                counter_always=True,
                order=10,
            ),
        )
        NAVIGATION.register(
            "audit",
            NavLink(
                "Organisation",
                "Audit log",
                "tenancy:audit",
                "icons/clipboard-document-list.svg",
                capability=caps.AUDIT_VIEW,
                order=30,
            ),
        )
        NAVIGATION.register(
            "settings",
            NavLink(
                "Organisation",
                "Settings",
                "tenancy:settings",
                "icons/cog-6-tooth.svg",
                capability=caps.ORGANIZATION_VIEW,
                order=90,
            ),
        )
        from tradeloom.tenancy.dashboard import DASHBOARD_PANELS, DashboardPanel, activity_panel, recent_panel

        # the dashboard's last row: what changed (the apps above add the business figures)
        DASHBOARD_PANELS.register(
            "tenancy.activity",
            DashboardPanel(
                "tenancy/dashboard/activity.html", activity_panel, caps.AUDIT_VIEW, position=900, size="two-thirds"
            ),
        )
        DASHBOARD_PANELS.register(
            "tenancy.recent",
            DashboardPanel("tenancy/dashboard/recent.html", recent_panel, caps.AUDIT_VIEW, position=910),
        )
