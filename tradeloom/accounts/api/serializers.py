"""Input and output shapes of the accounts API. Validation only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tradeloom.accounts.avatars import validate_avatar
from tradeloom.accounts.models import Invitation, User
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role


class TokenObtainInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField()


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, min_length=1, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=150)
    organization_name = serializers.CharField(max_length=200)
    organization_slug = serializers.SlugField(max_length=60, required=False)


class MembershipOrganizationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.CharField()


class MyMembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Role.choices)
    organization = MembershipOrganizationOutput()


class UserOutput(serializers.ModelSerializer):
    class Meta:
        model = User
        fields: tuple[str, ...] = ("id", "email", "full_name", "phone", "department", "avatar", "date_joined")
        read_only_fields = fields


class MeOutput(UserOutput):
    memberships = serializers.SerializerMethodField()

    class Meta(UserOutput.Meta):
        fields = (*UserOutput.Meta.fields, "memberships")
        read_only_fields = fields

    @extend_schema_field(MyMembershipOutput(many=True))
    def get_memberships(self, user: User) -> list[dict[str, Any]]:
        memberships: list[Membership] = self.context["memberships"]
        return MyMembershipOutput(memberships, many=True).data  # type: ignore[return-value]


class RegisterOutput(serializers.Serializer):
    user = UserOutput()
    membership = MyMembershipOutput()
    tokens = TokenPairOutput()


class ProfileUpdateInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, required=False)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    avatar = serializers.ImageField(required=False, allow_null=True, validators=[validate_avatar])


class PasswordChangeInput(serializers.Serializer):
    current_password = serializers.CharField(trim_whitespace=False)
    new_password = serializers.CharField(trim_whitespace=False)


class InvitationCreateInput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationOutput(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    invited_by = serializers.UUIDField(source="invited_by_id", read_only=True)

    class Meta:
        model = Invitation
        fields: tuple[str, ...] = (
            "id",
            "email",
            "role",
            "state",
            "expires_at",
            "invited_by",
            "accepted_at",
            "revoked_at",
            "created_at",
        )
        read_only_fields = fields

    def get_state(self, invitation: Invitation) -> str:
        return invitation.state_at(self.context["now"])


class InvitationCreatedOutput(InvitationOutput):
    token = serializers.CharField(read_only=True, help_text="Shown once; also e-mailed to the invitee.")

    class Meta(InvitationOutput.Meta):
        fields = (*InvitationOutput.Meta.fields, "token")
        read_only_fields = fields


class InvitationAcceptInput(serializers.Serializer):
    token = serializers.CharField()
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(trim_whitespace=False, required=False, allow_blank=True)


class InvitationAcceptOutput(serializers.Serializer):
    membership = MyMembershipOutput()
    account_created = serializers.BooleanField()
    tokens = TokenPairOutput(required=False)
