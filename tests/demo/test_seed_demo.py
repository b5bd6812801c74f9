import pytest
from django.core.management import call_command

from cases.models import (
    Arrest,
    Case,
    Demonstrator,
    Evidence,
    ExcessiveForceComplaint,
    Incident,
    Officer,
    User,
    WitnessStatement,
)
from cases.roles import role_of
from citations.models import Citation, Payment


def counts():
    models = [Demonstrator, Case, Arrest, Citation, Payment, Incident, ExcessiveForceComplaint, WitnessStatement,
              Evidence, Officer, User]  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_seed_demo_builds_the_scenario_and_is_idempotent():
    call_command("seed_demo", password="a-long-demo-password")
    first = counts()
    # 30 people at the encampment, 2 at the earlier march of the reminders' demo (demo/reminders.py),
    # 12 arrested on the night in progress (demo/night.py), and one of the thirty registered again
    # under another spelling (demo/duplicates.py)
    assert first["Demonstrator"] == 45 and first["Case"] == 45
    assert 20 <= first["Citation"] <= 30
    kinds = set(Citation.objects.values_list("kind", flat=True))
    assert {"pa_summary", "phl_summary_nta", "phl_cvn"} <= kinds
    assert set(Citation.objects.values_list("fine", flat=True)) == {50}
    assert Citation.objects.filter(disposition__in=["dismissed", "waived"]).exists()
    assert Payment.objects.filter(payer="bail_fund").exists()
    assert 3 + 12 <= first["Arrest"] <= 8 + 12
    assert 35 <= first["Incident"] <= 45
    assert first["ExcessiveForceComplaint"] == 3 and first["WitnessStatement"] >= 3 and first["Evidence"] >= 3
    roles = {role_of(u) for u in User.objects.all()}
    assert {"observer", "lawyer", "organizer", "coordinator", "administrator"} <= {str(r) for r in roles}

    call_command("seed_demo", password="a-long-demo-password")
    assert counts() == first


@pytest.mark.django_db
def test_demo_accounts_use_the_given_password(client):
    call_command("seed_demo", password="another-long-password")
    response = client.post("/login/", {"username": "lawyer", "password": "another-long-password"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_demo_privileged_accounts_sign_in_with_the_printed_code(client):
    from io import StringIO

    call_command("seed_demo", password="another-long-password")
    response = client.post("/login/", {"username": "lawyer", "password": "another-long-password"})
    assert response.status_code == 302
    out = StringIO()
    call_command("demo_code", "lawyer", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    gate = client.get("/")
    assert gate.status_code == 302 and gate["Location"].startswith("/login/verify/")  # nothing before it
    verified = client.post("/login/verify/", {"token": code})
    assert verified.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_demo_code_refuses_where_demo_data_is_off(settings):
    from django.core.management.base import CommandError

    call_command("seed_demo", password="another-long-password")
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError):
        call_command("demo_code", "lawyer")


@pytest.mark.django_db
def test_seed_demo_has_a_night_in_progress_for_the_jail_support_account():
    from custody.access import board_event_list_visible_to
    from custody.selectors.board import board_for_event
    from demo.night import NIGHT_EVENT

    call_command("seed_demo", password="a-long-demo-password")
    volunteer = User.objects.get(username="jailsupport")
    assert [e.name for e in board_event_list_visible_to(user=volunteer)] == [NIGHT_EVENT]
    board = board_for_event(event=board_event_list_visible_to(user=volunteer).get())
    stages = {column.stage for column in board.columns if column.people}
    assert len(stages) == 7  # someone at every stage of the night
    assert board.overdue == 2 and board.unidentified == 1
    assert any(person.medical and person.waiting for column in board.columns for person in column.people)


@pytest.mark.django_db
def test_seed_demo_has_two_likely_duplicates_in_the_merge_queue():
    from custody.selectors.duplicates import likely_duplicate_pairs, unmerged

    call_command("seed_demo", password="a-long-demo-password")
    pairs = likely_duplicate_pairs(people=unmerged(Demonstrator.objects.all()))
    # first in the queue: the same phone and a close spelling at the same event
    assert sorted(pairs[0].reasons) == ["close_spelling", "phone"]
    assert pairs[0].first.phone == pairs[0].second.phone
    assert [sorted(p.reasons) for p in pairs[1:]].count(["close_spelling", "phone"]) == 0
