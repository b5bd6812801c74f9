"""The Locust users of the night's load test (run by scripts/load_night.py, never alone):
observers posting reports (each sent twice, as a phone whose answer was lost would), people
watching a custody board (polling with the board's ETag), intake desks registering arrestees
(and logging a hotline call). Tokens and ids come from the file the setup wrote; each user
talks to one of the two app processes. The counts of what was sent are written at the end, to
be compared with the database."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import uuid

from locust import HttpUser, between, events, task

SETUP = json.loads(open(os.environ["LOAD_NIGHT_SETUP"], encoding="utf-8").read())  # noqa: SIM115
HOSTS = SETUP["hosts"]
SENT = {"incidents": set(), "hotline": set(), "intakes": 0, "retries_answered_200": 0}
_next = {role: itertools.count() for role in ("observer", "watcher", "desk")}


def _pick(role: str) -> tuple[str, str]:
    """(token, host) for the next user of `role`: accounts and processes taken in turn."""
    n = next(_next[role])
    tokens = SETUP["tokens"][role]
    return tokens[n % len(tokens)], HOSTS[n % len(HOSTS)]


class Observer(HttpUser):
    weight = SETUP["weights"]["observer"]
    wait_time = between(2, 6)

    def on_start(self) -> None:
        token, self.base = _pick("observer")
        self.client.headers["Authorization"] = f"Bearer {token}"

    @task
    def report(self) -> None:
        key = str(uuid.uuid4())
        body = {
            "client_uuid": key,
            "event": SETUP["event"],
            "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "place": random.choice(["8th & Arch", "Broad & Race", "City Hall"]),  # noqa: S311  # nosec B311
            "force_types": ["baton"],
        }
        with self.client.post(
            f"{self.base}/api/v1/incidents/", json=body, name="observer report", catch_response=True
        ) as r:
            if r.status_code == 201:
                SENT["incidents"].add(key)
                r.success()
            else:
                r.failure(f"{r.status_code}")
        with self.client.post(
            f"{self.base}/api/v1/incidents/", json=body, name="observer retry", catch_response=True
        ) as r:
            # The retry a phone sends when it never saw the answer: 200 (already stored), or 201
            # when the first attempt never reached the server (this one stores it, once).
            if r.status_code == 200 and key in SENT["incidents"]:
                SENT["retries_answered_200"] += 1
                r.success()
            elif r.status_code == 201 and key not in SENT["incidents"]:
                SENT["incidents"].add(key)
                SENT["retries_answered_200"] += 1  # did what the lost first attempt could not
                r.success()
            else:
                r.failure(f"retry answered {r.status_code}")


class Watcher(HttpUser):
    weight = SETUP["weights"]["watcher"]
    wait_time = between(4, 6)  # the board page polls every 15 s; several tabs and phones per person

    def on_start(self) -> None:
        token, self.base = _pick("watcher")
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.etag = ""

    @task
    def watch(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        url = f"{self.base}/api/v1/custody/events/{SETUP['event']}/board/"
        with self.client.get(url, headers=headers, name="board poll", catch_response=True) as r:
            if r.status_code in (200, 304):
                self.etag = r.headers.get("ETag", self.etag)
                r.success()
            else:
                r.failure(f"{r.status_code}")


class IntakeDesk(HttpUser):
    weight = SETUP["weights"]["desk"]
    wait_time = between(3, 8)

    def on_start(self) -> None:
        token, self.base = _pick("desk")
        self.client.headers["Authorization"] = f"Bearer {token}"

    @task(3)
    def intake(self) -> None:
        n = uuid.uuid4().hex[:8]
        body = {
            "event": SETUP["event"],
            "person": {"legal_name": f"Load Person {n}", "phone": f"215-555-{random.randrange(10000):04d}"},  # noqa: S311  # nosec B311
            "arrest": {
                "arrested_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "custody_status": "held",
                "place": "8th & Arch",
            },
        }
        with self.client.post(f"{self.base}/api/v1/intake/", json=body, name="intake", catch_response=True) as r:
            if r.status_code == 201:
                SENT["intakes"] += 1
                r.success()
            else:
                r.failure(f"{r.status_code}")

    @task(1)
    def hotline(self) -> None:
        key = str(uuid.uuid4())
        body = {
            "client_uuid": key,
            "event": SETUP["event"],
            "about": "Red jacket, about 20",
            "medical_needs": "insulin",
        }
        with self.client.post(
            f"{self.base}/api/v1/hotline/", json=body, name="hotline entry", catch_response=True
        ) as r:
            if r.status_code == 201:
                SENT["hotline"].add(key)
                r.success()
            else:
                r.failure(f"{r.status_code}")


@events.test_stop.add_listener
def _write_counts(**kwargs: object) -> None:
    with open(os.environ["LOAD_NIGHT_SENT"], "w", encoding="utf-8") as out:
        json.dump(
            {
                "incidents": len(SENT["incidents"]),
                "hotline": len(SENT["hotline"]),
                "intakes": SENT["intakes"],
                "retries_answered_200": SENT["retries_answered_200"],
            },
            out,
        )
