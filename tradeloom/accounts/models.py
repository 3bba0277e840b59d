"""People who log in. One login per e-mail address, across every organisation they belong to."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.crypto import salted_hmac

from tradeloom.accounts.avatars import validate_avatar
from tradeloom.core.ids import new_id
from tradeloom.core.models import TenantModel
from tradeloom.tenancy.roles import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=(username or "").strip().lower())


def avatar_path(instance: User, filename: str) -> str:
    return f"avatars/{instance.pk}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    email = models.EmailField("e-mail address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    department = models.CharField(max_length=100, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True, validators=[validate_avatar])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the operators' admin site.")
    date_joined = models.DateTimeField(db_default=Now(), editable=False)
    # Raised to sign the user out of every browser session at once ("log out everywhere").
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        indexes = [models.Index(fields=["-date_joined", "-id"], name="accounts_user_joined_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (an HMAC of the password hash), extended with ``session_epoch``.

        Every browser session stores this hash at login and Django compares it on each request, so bumping the
        epoch ends all sessions, as a password change does.
        """
        key_salt = "tradeloom.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # E-mail addresses are stored lower-cased so that the unique index is case-insensitive.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class TokenFamily(models.Model):
    """One API login: the chain of refresh tokens rotated from one ``POST /auth/token/``.

    Each refresh token carries the family id (``fam``) and its own ``jti``; only the family's ``current_jti`` may
    be refreshed. Presenting an older one means the token was copied: the whole family is revoked, and every
    access token of the family stops working at once (the authentication class checks the family on each
    request, in the same query that loads the user).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families", db_index=False)
    current_jti = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_tokenfamily_user_idx")]

    def __str__(self) -> str:
        return f"API login {self.pk} of {self.user_id}"


class Invitation(TenantModel):
    """An invitation to join an organisation with a role. Only a hash of the token is stored.

    Joining an existing organisation happens only this way: nobody picks their own role.
    """

    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "id"], name="accounts_invitation_org_id_key"),
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_invitation_one_open_per_email",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-created_at", "-id"], name="accounts_invitation_list_idx")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.role}"

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REVOKED = "revoked"
        EXPIRED = "expired"

    def state_at(self, now: datetime) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING


class LoginThrottle(models.Model):
    """A failed-login counter (``accounts.login_guard``), kept in PostgreSQL so every worker and server counts the
    same attempts. ``key`` is a hash (of an account, a client network, or both); nothing personal is stored.
    Not an organisation's row: log-ins happen before any organisation is chosen."""

    key = models.CharField(max_length=64, primary_key=True)
    attempts = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.attempts}"
