"""Passwords: Argon2 is the hasher in production settings, and a password stored with an
older hasher is rehashed with Argon2 when its owner signs in through the page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client

import factcheck.settings.base as production

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_argon2_comes_first_in_production_settings():
    assert production.PASSWORD_HASHERS[0] == "accounts.hashers.NewsroomArgon2PasswordHasher"


@pytest.mark.django_db
def test_a_new_password_is_stored_with_argon2(production_hashers):
    user = get_user_model().objects.create_user("gina", password=PASSWORD)
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_a_pbkdf2_password_is_upgraded_to_argon2_at_sign_in(production_hashers):
    user = get_user_model().objects.create_user("hana")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = Client().post("/accounts/login/", {"username": "hana", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_argon2_password_with_older_parameters_is_rehashed_at_sign_in(production_hashers):
    user = get_user_model().objects.create_user("jade")
    user.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())  # Django's own
    user.save(update_fields=["password"])
    assert "m=102400" in user.password

    Client().post("/accounts/login/", {"username": "jade", "password": PASSWORD})

    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_stored_hash_alone(production_hashers):
    user = get_user_model().objects.create_user("ines")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    stored = user.password

    response = Client().post("/accounts/login/", {"username": "ines", "password": "wrong"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == stored
