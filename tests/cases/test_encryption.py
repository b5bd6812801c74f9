import datetime

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from cases.models import Demonstrator
from core import crypto
from tests.factories import DemonstratorFactory


def raw_row(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_personal_fields_round_trip_and_are_absent_from_the_raw_row():
    person = DemonstratorFactory(
        legal_name="Nguyễn Thị Lan", phone="(215) 555-0142", date_of_birth=datetime.date(1990, 4, 17),
        postal_address="12 Hidden Lane", special_needs="Asthma inhaler",
    )  # fmt: skip
    again = Demonstrator.objects.get(pk=person.pk)
    assert again.legal_name == "Nguyễn Thị Lan"
    assert again.phone == "(215) 555-0142"
    assert again.date_of_birth == datetime.date(1990, 4, 17)
    row = " ".join(str(v) for v in raw_row(Demonstrator, person.pk))
    for plaintext in ["Nguyễn", "555-0142", "1990-04-17", "Hidden Lane", "Asthma"]:
        assert plaintext not in row
    assert "v1:test2:" in row  # sealed under the newest configured key


@pytest.mark.django_db
def test_empty_values_stay_empty():
    person = DemonstratorFactory(preferred_name="", date_of_birth=None)
    again = Demonstrator.objects.get(pk=person.pk)
    assert again.preferred_name == ""
    assert again.date_of_birth is None


def test_ciphertext_is_bound_to_its_column():
    token = crypto.encrypt("secret", context="cases.demonstrator.phone")
    assert crypto.decrypt(token, context="cases.demonstrator.phone") == "secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="cases.demonstrator.legal_name")


def test_tampered_or_unknown_key_values_raise_instead_of_failing_open(settings):
    token = crypto.encrypt("secret", context="x")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, context="x")
    settings.FIELD_ENCRYPTION_KEYS = ["other:" + "b3RoZXIta2V5LS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0="]
    with pytest.raises(crypto.DecryptionError, match="not configured"):
        crypto.decrypt(token, context="x")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("plain text", context="x")


@pytest.mark.django_db
def test_reading_a_row_with_a_destroyed_key_raises(settings):
    person = DemonstratorFactory(legal_name="Kept Secret")
    settings.FIELD_ENCRYPTION_KEYS = ["fresh:" + "ZnJlc2gta2V5LS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0="]
    with pytest.raises(crypto.DecryptionError):
        Demonstrator.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_only_isnull_lookups_are_allowed_on_encrypted_fields():
    DemonstratorFactory(legal_name="Ana Ruiz")
    assert Demonstrator.objects.filter(preferred_name__isnull=True).count() == 1
    with pytest.raises(FieldError):
        Demonstrator.objects.filter(legal_name="Ana Ruiz").count()
    with pytest.raises(FieldError):
        Demonstrator.objects.filter(legal_name__icontains="Ana").count()


@pytest.mark.django_db
def test_rotation_reseals_every_value_under_the_newest_key(settings):
    old_only = [settings.FIELD_ENCRYPTION_KEYS[1]]
    settings.FIELD_ENCRYPTION_KEYS = old_only
    person = DemonstratorFactory(legal_name="Rotated Person", phone="215-555-0100")
    assert "v1:test1:" in str(raw_row(Demonstrator, person.pk))

    settings.FIELD_ENCRYPTION_KEYS = ["test2:" + "dGVzdC1maWVsZC1rZXktMi0tLS0tLS0tLS0tLS0tLS0=", *old_only]
    call_command("rotate_keys")
    row = str(raw_row(Demonstrator, person.pk))
    assert "v1:test1:" not in row and "v1:test2:" in row

    # The old key can now be dropped: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = ["test2:" + "dGVzdC1maWVsZC1rZXktMi0tLS0tLS0tLS0tLS0tLS0="]
    again = Demonstrator.objects.get(pk=person.pk)
    assert again.legal_name == "Rotated Person" and again.phone == "215-555-0100"


@pytest.mark.django_db
def test_blind_index_finds_exact_matches_after_normalisation():
    person = DemonstratorFactory(legal_name="José  GARCÍA ", phone="+1 (215) 555-0123")
    name_field = Demonstrator._meta.get_field("legal_name_index")
    phone_field = Demonstrator._meta.get_field("phone_index")
    assert Demonstrator.objects.get(legal_name_index=name_field.index_for("josé garcía")) == person
    assert Demonstrator.objects.get(phone_index=phone_field.index_for("215.555.0123")) == person
    assert not Demonstrator.objects.filter(legal_name_index=name_field.index_for("Jose Garcia")).exists()
    # The index is keyed: it is not a plain hash of the value.
    import hashlib

    assert person.legal_name_index != hashlib.sha256(b"jos\xc3\xa9 garc\xc3\xada").hexdigest()


@pytest.mark.django_db
def test_blind_index_follows_edits():
    person = DemonstratorFactory(phone="215-555-0001")
    person.phone = "215-555-0002"
    person.save()
    field = Demonstrator._meta.get_field("phone_index")
    assert Demonstrator.objects.filter(phone_index=field.index_for("2155550002")).exists()
    assert not Demonstrator.objects.filter(phone_index=field.index_for("2155550001")).exists()


def test_bad_key_configuration_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring([])
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(["nokeyid"])
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(["k1:c2hvcnQ="])  # 5 bytes


def test_file_bytes_round_trip_bound_to_context():
    blob = crypto.encrypt_bytes(b"\x89PNG original bytes", context="evidence:abc")
    assert b"original bytes" not in blob
    assert crypto.decrypt_bytes(blob, context="evidence:abc") == b"\x89PNG original bytes"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(blob, context="evidence:other")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(blob[:-1] + bytes([blob[-1] ^ 1]), context="evidence:abc")
