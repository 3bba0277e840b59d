from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tradeloom.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.db.models import F, Value
        from django.db.models.functions import Coalesce, Now, NullIf

        from tradeloom.accounts import schema, signals  # noqa: F401  (OpenAPI auth scheme; logout audit)
        from tradeloom.accounts.capabilities import INVITATIONS_VIEW
        from tradeloom.accounts.models import Invitation, User
        from tradeloom.audit.labels import RECORD_LABELS, RecordLabel
        from tradeloom.tenancy.navigation import NAV_COUNTERS, NAVIGATION, NavLink, count_of

        RECORD_LABELS.register(
            "accounts.user", RecordLabel(User, text=Coalesce(NullIf(F("full_name"), Value("")), F("email")))
        )
        RECORD_LABELS.register("accounts.invitation", RecordLabel(Invitation, text=F("email")))

        NAV_COUNTERS.register(
            "invitations",
            lambda: count_of(
                Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=Now())
            ),
        )
        NAVIGATION.register(
            "invitations",
            NavLink(
                "Organisation",
                "Invitations",
                "accounts:invitations",
                "icons/envelope.svg",
                capability=INVITATIONS_VIEW,
                counter="invitations",
                counter_title="Pending invitations",
                order=20,
            ),
        )
