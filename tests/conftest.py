"""Role personas: one user per role (jail support unassigned: tests assign it), plus a second observer and lawyer, and an outsider with no role.

`client_for(user)` gives a logged-in Django test client (session auth). For the roles that must use
multi-factor authentication the session is also marked verified (as after entering a code), so
the client reaches pages and the API like a fully signed-in person. To sign in an unverified session
(to test the second-factor gate), use `Client().force_login(user)` directly; to verify any client,
call `tests.auth.mfa_verify_client(client, user)`.
"""

from __future__ import annotations

import shutil

import pytest
from django.conf import settings
from django.test import Client

from tests.auth import signed_in
from tests.factories import UserFactory
from tests.query_guard import _n_plus_one_guard  # noqa: F401  (autouse N+1 detector)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _committed_data_tests_restore_the_migrations_data(request):  # type: ignore[no-untyped-def]
    """A test on committed data (transaction=True) empties the database afterwards. Without
    serialized_rollback that flush re-runs post-migrate handlers, which re-create the role groups
    under new ids, and the next test that restores the migrations' data fails on them. So every
    such test restores and empties the way the others expect."""
    marker = request.node.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    committed = "transactional_db" in request.fixturenames or kwargs.get("transaction")
    restored = kwargs.get("serialized_rollback") or "django_db_serialized_rollback" in request.fixturenames
    if committed and not restored:
        pytest.fail("a transaction=True test needs serialized_rollback=True (see tests/conftest.py)")


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """A request in Spanish leaves Spanish active in the test's thread; the next test starts in
    the default language whatever ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def observer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="olive_observer", role="observer")


@pytest.fixture
def other_observer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="oscar_observer", role="observer")


@pytest.fixture
def jail_support(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="jo_jailsupport", role="jail_support")


@pytest.fixture
def lawyer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="laura_lawyer", role="lawyer")


@pytest.fixture
def other_lawyer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="leo_lawyer", role="lawyer")


@pytest.fixture
def organizer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="omar_organizer", role="organizer")


@pytest.fixture
def coordinator(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="cora_coordinator", role="coordinator")


@pytest.fixture
def administrator(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="ada_admin", role="administrator")


@pytest.fixture
def outsider(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="nobody")


@pytest.fixture
def client_for(db):  # type: ignore[no-untyped-def]
    def make(user) -> Client:  # type: ignore[no-untyped-def]
        return signed_in(user) if user is not None else Client()

    return make


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
