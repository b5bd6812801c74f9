"""Scale-out check: two app servers and two task workers against one PostgreSQL, under load.

    python scripts/scaleout_check.py          # PG_URL=postgres://postgres@127.0.0.1:5432 by default

What it does, in about a minute, on loopback only:
1. creates a fresh database tracker_scale_<stamp>, migrates it, creates the shared cache table,
   collects static files (served by WhiteNoise), and adds observer accounts and an event
   (production settings with throwaway keys, see scripts/scaleout_settings.py);
2. starts two gunicorn servers (two workers each) on ephemeral 127.0.0.1 ports and two
   `db_worker` task workers, as docs/deployment.md describes;
3. sends a bounded burst of concurrent requests through both servers, as a reverse proxy would
   (X-Forwarded-Proto: https): observers report incidents with client UUIDs, many retried at
   the same moment on the other server, some retried later with different content; meanwhile
   three packet batches over the same cases are queued (through the service the batch page
   calls: the page needs a session with a second factor and the API has no batch endpoint);
4. proves that nothing was lost or duplicated: every report answered 201 once and 200 for each
   identical retry, with one id; a retry with different content answered 409; the database holds
   exactly one row per client UUID with the first content; every batch finished "done" with
   every case delivered, and each case's packet was made once although three batches and two
   workers asked for it;
5. stops every process it started and drops the database, pass or fail.

Exit status: 0 passed, 1 failed, 2 skipped (no PostgreSQL or no gunicorn; CI prints it loudly).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgadmin import PY, ROOT, Failed, child, child_command, create_database, drop_databases, main, report, run

GUNICORN = Path(sys.executable).with_name("gunicorn")
OBSERVERS = 4
PASSWORD = "scale-out-check-password-2026"  # throwaway accounts in a throwaway database
REPORTS = 120  # distinct incidents
RACED = 40  # of which retried at the same moment on the other server
CONFLICTS = 10  # of which retried later with different content (409)
BATCHES = 3  # packet batches over the same event's cases, enqueued at once
PACKET_CASES = 5
REQUEST_TIMEOUT = 20
DEADLINE_SECONDS = 150
STEP_TIMEOUT = 120  # seconds for each setup command and child process

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "scripts.scaleout_settings",  # production's, static files not pre-compressed
    "DJANGO_SECRET_KEY": "scale-out-check-secret-key-not-for-production-" + "s" * 20,
    "FIELD_ENCRYPTION_KEYS": "scale1:c2NhbGUtZmllbGQta2V5LTEtLS0tLS0tLS0tLS0tLS0=",
    "BLIND_INDEX_KEY": "c2NhbGUtYmxpbmQtaW5kZXgta2V5LS0tLS0tLS0tLS0=",
    "IP_HASH_KEY": "c2NhbGUtaXAtaGFzaC1rZXktLS0tLS0tLS0tLS0tLS0=",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_CONN_MAX_AGE": "60",
    "CACHE_URL": "dbcache://tracker_cache",
    "TRUSTED_PROXY_COUNT": "1",
    # One client address sends every request here; real traffic comes from many.
    "API_THROTTLE_WRITES": "100000/min",
    "API_THROTTLE_AUTH": "1000/min",
    "LOG_LEVEL": "WARNING",
}


def say(message: str) -> None:
    print(f"[scale-out] {message}", flush=True)


# --- child mode: accounts and an event, with the application's own models --------------------


def child_setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cases.models import Event, User

    group = Group.objects.get_or_create(name="observer")[0]
    names = []
    for i in range(OBSERVERS):
        user = User.objects.create_user(username=f"scale-observer-{i}", password=PASSWORD)
        user.groups.add(group)
        names.append(user.username)
    event = Event.objects.create(name="Scale-out check", starts_at=timezone.now() - timezone.timedelta(hours=2))
    coordinator = User.objects.create_user(username="scale-coordinator", password=PASSWORD, is_staff=True)
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    try:
        from cases.services import case_create, demonstrator_create
        from documents.batches import batch_create  # noqa: F401  (packets present)
    except ImportError:
        return {"observers": names, "event": str(event.public_id), "packets": False}
    for i in range(PACKET_CASES):
        person = demonstrator_create(by=coordinator, legal_name=f"Scale Person {i}", phone=f"215-555-01{i:02d}")
        case_create(event=event, demonstrator=person, by=coordinator)
    return {"observers": names, "event": str(event.public_id), "packets": True}


def child_enqueue_batches(event_id: str) -> list[str]:
    """Queue the batches through the service the batch page calls (the page needs a session
    with a second factor; the API has no batch endpoint)."""
    import django

    django.setup()
    from cases.models import Event, User
    from documents.batches import batch_create

    coordinator = User.objects.get(username="scale-coordinator")
    event = Event.objects.get(public_id=event_id)
    return [str(batch_create(by=coordinator, kind="event", event=event).public_id) for _ in range(BATCHES)]


def child_batch_state(batch_ids: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from documents.models import PacketBatch, StoredPacket

    batches = [
        {"status": b.status, "total": b.total, "done": b.done, "failed": b.failed, "items": b.items}
        for b in PacketBatch.objects.filter(public_id__in=batch_ids)
    ]
    case_ids = {key for b in batches for key in b["items"]}
    packets = list(
        StoredPacket.objects.filter(kind="case", case__public_id__in=case_ids).values_list("case__public_id", flat=True)
    )
    workers: dict[str, int] = {}
    for ids in DBTaskResult.objects.values_list("worker_ids", flat=True):
        for worker in ids or []:
            workers[worker] = workers.get(worker, 0) + 1
    return {"batches": batches, "packets": [str(p) for p in packets], "workers": workers}


def child_verify(uuids: list[str], originals: dict[str, str]) -> dict[str, Any]:
    """Rows per client UUID and whether each stored narrative is the first one sent."""
    import django

    django.setup()
    from cases.models import Incident

    rows = list(Incident.objects.filter(client_uuid__in=uuids).values_list("client_uuid", "narrative", "public_id"))
    per_uuid: dict[str, int] = {}
    changed = []
    for client_uuid, narrative, _ in rows:
        key = str(client_uuid)
        per_uuid[key] = per_uuid.get(key, 0) + 1
        if originals.get(key) is not None and narrative != originals[key]:
            changed.append(key)
    return {"rows": len(rows), "per_uuid": per_uuid, "changed": changed, "total": Incident.objects.count()}


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


def start(name: str, cmd: list[str], *, env: dict[str, str], logs: Path) -> Proc:
    log = logs / f"{name}.log"
    handle = log.open("w")
    popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    return Proc(name, popen, log)


def wait_for_port(proc: Proc, deadline: float) -> int:
    pattern = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
    while time.monotonic() < deadline:
        match = pattern.search(proc.log.read_text(errors="replace"))
        if match:
            return int(match.group(1))
        if proc.popen.poll() is not None:
            raise Failed(f"{proc.name} exited early:\n{proc.log.read_text()[-3000:]}")
        time.sleep(0.2)
    raise Failed(f"{proc.name} did not start listening in time")


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: Any


def http(
    port: int, method: str, path: str, *, token: str | None = None, body: Any = None, headers: dict | None = None
) -> Reply:
    assert 1024 <= port <= 65535
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)  # loopback only
    request.add_header("X-Forwarded-Proto", "https")  # what the TLS-terminating proxy adds
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return Reply(status, json.loads(raw) if raw else None)
    except ValueError:
        return Reply(status, raw[:200])


def wait_healthy(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if http(port, "GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failed(f"the server on port {port} never answered /healthz")


# --- the check ---------------------------------------------------------------------------------


def incident_body(event: str, client_uuid: str, narrative: str) -> dict[str, Any]:
    return {
        "client_uuid": client_uuid,
        "event": event,
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600)),
        "place": "Broad & Market",
        "narrative": narrative,
        "dispersal_warning": "yes",
    }


def exercise_incidents(
    ports: list[int], tokens: list[str], event: str, deadline: float
) -> tuple[list[str], dict[str, str]]:
    uuids = [str(uuid.uuid4()) for _ in range(REPORTS)]
    originals = {u: f"Report {i}: line pushed back at the corner." for i, u in enumerate(uuids)}
    jobs: list[tuple[str, int, str, dict[str, Any]]] = []  # (uuid, port, token, body)
    for i, client_uuid in enumerate(uuids):
        token = tokens[i % len(tokens)]
        body = incident_body(event, client_uuid, originals[client_uuid])
        jobs.append((client_uuid, ports[i % 2], token, body))
        if i < RACED:  # the phone retried at once through the other server
            jobs.append((client_uuid, ports[(i + 1) % 2], token, body))
    replies: dict[str, list[Reply]] = {u: [] for u in uuids}
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        futures = {
            pool.submit(http, port, "POST", "/api/v1/incidents/", token=token, body=body): u
            for u, port, token, body in jobs
        }
        for future in concurrent.futures.as_completed(futures, timeout=max(1, deadline - time.monotonic())):
            replies[futures[future]].append(future.result())
    # Later retries with different content under the same id must be refused.
    conflicts = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures2 = [
            pool.submit(http, ports[i % 2], "POST", "/api/v1/incidents/", token=tokens[i % len(tokens)],
                        body=incident_body(event, uuids[i], "Different content under the same id."))
            for i in range(RACED, RACED + CONFLICTS)
        ]  # fmt: skip
        conflicts = [f.result(timeout=max(1, deadline - time.monotonic())) for f in futures2]

    problems = []
    for client_uuid, got in replies.items():
        statuses = sorted(r.status for r in got)
        expected = [200, 201] if len(got) == 2 else [201]
        if statuses != expected:
            problems.append(f"{client_uuid}: statuses {statuses}, expected {expected}")
            continue
        ids = {(r.body or {}).get("id") or (r.body or {}).get("public_id") for r in got}
        if len(ids) != 1 or None in ids:
            problems.append(f"{client_uuid}: the retries answered different ids")
    bad_conflicts = [r.status for r in conflicts if r.status != 409]
    if bad_conflicts:
        problems.append(f"retries with different content answered {bad_conflicts}, expected 409")
    if problems:
        raise Failed(
            "incident requests: "
            + "; ".join(problems[:8])
            + (f" (+{len(problems) - 8} more)" if len(problems) > 8 else "")
        )
    say(
        f"{len(jobs)} concurrent report requests ({RACED} raced retries) and {CONFLICTS} conflicting retries answered as expected"
    )
    return uuids, originals


def wait_for_batches(env: dict[str, str], batch_ids: list[str], deadline: float) -> list[str]:
    """Poll until every batch is finished; then each must be done with one packet per case."""
    state_env = {**env, "SCALE_BATCHES": json.dumps(batch_ids)}
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = child(__file__, "batches", env=state_env, timeout=STEP_TIMEOUT)
        if state["batches"] and all(b["status"] in ("done", "failed") for b in state["batches"]):
            break
        time.sleep(2)
    problems = []
    batches = state.get("batches", [])
    if len(batches) != len(batch_ids):
        problems.append(f"{len(batch_ids) - len(batches)} batches lost")
    for b in batches:
        if b["status"] != "done" or b["failed"] or b["done"] != b["total"] or len(b["items"]) != b["total"]:
            problems.append(f"a batch ended {b['status']} with {b['done']}/{b['total']} done, {b['failed']} failed")
    packets = state.get("packets", [])
    if len(packets) != len(set(packets)) or len(set(packets)) != PACKET_CASES:
        problems.append(
            f"{len(packets)} stored packets for {len(set(packets))} cases (expected one each for {PACKET_CASES})"
        )
    if not problems:
        workers = state.get("workers", {})
        say(
            f"{len(batches)} packet batches over {PACKET_CASES} cases all done, one stored packet per case; "
            f"tasks run per worker: {dict(sorted(workers.items()))}"
        )
    return [f"batches: {p}" for p in problems]


def check(base: str) -> int:
    if not GUNICORN.exists():
        say(f"SKIPPED: gunicorn is not installed next to {PY}")
        return 2
    stamp = f"{int(time.time())}_{os.getpid()}"
    db = f"tracker_scale_{stamp}"
    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    logs = work / "logs"
    logs.mkdir()
    procs: list[Proc] = []
    failures: list[str] = []
    started = time.monotonic()
    deadline = started + DEADLINE_SECONDS
    env = {
        **os.environ,
        **PROD_ENV,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"{base}/{db}",
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_STATIC_ROOT": str(work / "static"),
    }
    try:
        say(f"creating {db}; migrating with production settings")
        create_database(base, db)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env, timeout=STEP_TIMEOUT)
        run([PY, "manage.py", "createcachetable"], env=env, timeout=STEP_TIMEOUT)
        run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, timeout=STEP_TIMEOUT)
        setup = child(__file__, "setup", env=env, timeout=STEP_TIMEOUT)

        for n in (1, 2):
            procs.append(start(f"app{n}", [str(GUNICORN), "config.wsgi:application", "--bind", "127.0.0.1:0",
                                           "--workers", "2", "--timeout", "60", "--graceful-timeout", "10",
                                           "--error-logfile", "-"], env=env, logs=logs))  # fmt: skip
        for n in (1, 2):
            procs.append(start(f"worker{n}", [PY, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2",
                                              "--no-startup-delay", "--worker-id", f"scale-worker-{n}"], env=env, logs=logs))  # fmt: skip
        ports = [wait_for_port(p, time.monotonic() + 60) for p in procs[:2]]
        for port in ports:
            wait_healthy(port, time.monotonic() + 60)
        say(f"two app servers on 127.0.0.1:{ports[0]} and :{ports[1]}, two task workers running")

        static = http(ports[0], "GET", "/static/css/app.css")
        if static.status != 200:
            failures.append(f"WhiteNoise did not serve a static file ({static.status})")

        tokens = []
        for i, name in enumerate(setup["observers"]):
            reply = http(ports[i % 2], "POST", "/api/v1/auth/token/", body={"username": name, "password": PASSWORD})
            if reply.status == 404:
                say("SKIPPED: the API has no token endpoint yet; servers and workers started and stopped only")
                return 2
            if reply.status not in (200, 201) or not isinstance(reply.body, dict) or "token" not in reply.body:
                raise Failed(f"token request answered {reply.status}: {str(reply.body)[:200]}")
            tokens.append(reply.body["token"])

        enqueue = None
        if setup.get("packets"):
            enqueue = subprocess.Popen(  # noqa: S603
                child_command(__file__, "enqueue", setup["event"]), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        uuids, originals = exercise_incidents(ports, tokens, setup["event"], deadline)
        if enqueue is not None:
            out, err = enqueue.communicate(timeout=max(1, deadline - time.monotonic()))
            if enqueue.returncode != 0:
                raise Failed(f"enqueueing batches failed:\n{err[-2000:]}")
            batch_ids = json.loads(out.strip().splitlines()[-1])
            failures.extend(wait_for_batches(env, batch_ids, deadline))
        else:
            say("the packets app is not present: no batches enqueued")
        verify_env = {**env, "SCALE_UUIDS": json.dumps(uuids), "SCALE_ORIGINALS": json.dumps(originals)}
        stored = child(__file__, "verify", env=verify_env, timeout=STEP_TIMEOUT)
        duplicated = {u: n for u, n in stored["per_uuid"].items() if n != 1}
        missing = [u for u in uuids if u not in stored["per_uuid"]]
        if missing or duplicated or stored["changed"]:
            failures.append(
                f"incidents: {len(missing)} lost, {len(duplicated)} duplicated, {len(stored['changed'])} overwritten by a conflicting retry"
            )
        else:
            say(f"the database holds exactly {REPORTS} reports, one per client UUID, each with its first content")

        for proc in procs:
            if proc.popen.poll() is not None:
                failures.append(f"{proc.name} died during the run (exit {proc.popen.returncode})")
    except Failed as exc:
        failures.append(str(exc))
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        for proc in procs:
            proc.stop()
        for proc in procs:
            text = proc.log.read_text(errors="replace") if proc.log.exists() else ""
            if "Traceback" in text:
                failures.append(f"{proc.name} logged an error:\n{text[-2500:]}")
        failures += drop_databases(base, [db])
        shutil.rmtree(work, ignore_errors=True)
    return report(say, failures, f"PASSED in {time.monotonic() - started:.0f} s; every process stopped, {db} dropped")


CHILDREN = {
    "setup": child_setup,
    "enqueue": child_enqueue_batches,
    "batches": lambda: child_batch_state(json.loads(os.environ["SCALE_BATCHES"])),
    "verify": lambda: child_verify(json.loads(os.environ["SCALE_UUIDS"]), json.loads(os.environ["SCALE_ORIGINALS"])),
}


if __name__ == "__main__":
    sys.exit(main(description=__doc__, say=say, children=CHILDREN, check=check))
