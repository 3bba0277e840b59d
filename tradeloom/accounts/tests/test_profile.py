"""The current user's profile, avatar and password; password hashing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from tradeloom.accounts.models import User
from tradeloom.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = APIClient()
    pair = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    client.refresh_token = pair["refresh"]
    return client


def image(fmt: str = "PNG", size: tuple[int, int] = (32, 32), name: str = "me.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_me_reads_and_updates_the_profile():
    user = UserFactory()
    client = client_for(user)
    response = client.patch("/api/v1/me/", {"full_name": "Rana Rahman", "phone": "+880 1711", "department": "Knit"})
    assert response.status_code == 200
    assert response.json()["full_name"] == "Rana Rahman"
    user.refresh_from_db()
    assert (user.phone, user.department) == ("+880 1711", "Knit")


def test_email_cannot_be_changed_through_the_profile():
    user = UserFactory()
    client_for(user).patch("/api/v1/me/", {"email": "hijack@example.com"}, format="json")
    user.refresh_from_db()
    assert user.email != "hijack@example.com"


def test_avatar_upload_accepts_a_real_image(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    response = client_for(user).patch("/api/v1/me/", {"avatar": image()}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["avatar"].endswith(".png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png"), "valid image"),
        (image("BMP", name="old.png"), "JPEG, PNG or WebP"),
        (image("PNG", size=(3000, 3000)), "2 MB"),
    ],
)
def test_avatar_refusals(settings, tmp_path, upload, message):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    if message == "2 MB":  # a PNG of random noise over 2 MB
        import os

        noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
        buffer = io.BytesIO()
        noise.save(buffer, "PNG")
        upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = client_for(user).patch("/api/v1/me/", {"avatar": upload}, format="multipart")
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["avatar"])
    user.refresh_from_db()
    assert not user.avatar


def test_password_change_checks_the_current_one_and_the_validators():
    user = UserFactory()
    client = client_for(user)
    wrong = client.post("/api/v1/me/password/", {"current_password": "nope", "new_password": "x-very-new-password"})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "wrong_password")
    weak = client.post("/api/v1/me/password/", {"current_password": PASSWORD, "new_password": "12345678"})
    assert weak.status_code == 400
    assert "password" in weak.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_revokes_every_api_login():
    user = UserFactory()
    client = client_for(user)
    response = client.post(
        "/api/v1/me/password/", {"current_password": PASSWORD, "new_password": "x-very-new-password"}
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert APIClient().post("/api/v1/auth/token/refresh/", {"refresh": client.refresh_token}).status_code == 401
    user.refresh_from_db()
    assert user.check_password("x-very-new-password")


def test_password_change_keeps_the_browser_session():
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    response = client.post(
        "/api/v1/me/password/", {"current_password": PASSWORD, "new_password": "x-very-new-password"}
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me/").status_code == 200


def test_new_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
    ]
    user = User.objects.create_user("argon@example.com", "a-long-password")
    assert user.password.startswith("argon2")


def test_imported_bcrypt_hashes_log_in_and_are_upgraded_to_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.BCryptPasswordHasher",
    ]
    # given a user imported with a plain bcrypt hash (as the source systems store them)
    import bcrypt

    legacy = "bcrypt$" + bcrypt.hashpw(b"imported-password", bcrypt.gensalt(rounds=4)).decode()
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password=legacy)
    # when they log in
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": "imported-password"}, format="json"
    )
    # then it works, and the stored hash is now Argon2
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert make_password("x").startswith("argon2")
