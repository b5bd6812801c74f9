"""Restore drill on PostgreSQL: back up, wipe, restore into a fresh database, and prove it worked.

    python scripts/restore_drill.py            # PG_URL=postgres://postgres@127.0.0.1:5432 by default

1. creates a throwaway database, migrates it and fills it with a small generated data set plus a
   few evidence files (throwaway keys; every value invented);
2. records the row count of every table and fingerprints of a sample of decrypted records and of
   every media file;
3. runs scripts/backup.sh (database dump and media archive, encrypted to a fresh age key);
4. wipes: drops the database and deletes the media directory;
5. runs scripts/restore.sh into a fresh database and media directory;
6. compares every table's row count, the decrypted sample and the media files, and checks the
   backup holds no key and no plaintext (the dump, decrypted, is searched for the sampled values
   and for the keys);
7. drops the databases and removes its files, pass or fail.

Exits 0 on success, 1 on a mismatch, 2 when PostgreSQL or the tools are missing (CI says so loudly).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pgadmin import PY, Failed, child, create_database, drop_database, drop_databases, main, report, run

# Throwaway keys for the drill's invented data (base64 of 32 bytes each).
DRILL_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.base",
    "DJANGO_NO_DEV_KEYS": "1",
    "DJANGO_SECRET_KEY": "restore-drill-secret-key-not-for-production-" + "d" * 20,
    "FIELD_ENCRYPTION_KEYS": "drill1:ZHJpbGwtZmllbGQta2V5LTEtLS0tLS0tLS0tLS0tLS0=",
    "BLIND_INDEX_KEY": "ZHJpbGwtYmxpbmQtaW5kZXgta2V5LS0tLS0tLS0tLS0=",
    "IP_HASH_KEY": "ZHJpbGwtaXAtaGFzaC1rZXktLS0tLS0tLS0tLS0tLS0=",
    "ALLOW_DEMO_DATA": "1",
    "LOG_LEVEL": "WARNING",
}
SAMPLE = 25


def say(message: str) -> None:
    print(f"[restore drill] {message}", flush=True)


# --- what is inside a database (run in a child process configured for that database) ---------


def snapshot() -> dict[str, Any]:
    """Row counts of every table, and SHA-256 fingerprints of decrypted sample values and media."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from cases.fields import encrypted_fields
    from cases.models import Demonstrator, Evidence, Incident, WitnessStatement

    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # nosec B608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]

    def fingerprint(value: Any) -> str:
        return hashlib.sha256(str(value).encode()).hexdigest()

    sample: dict[str, str] = {}
    plaintext: list[str] = []
    for model in (Demonstrator, Incident, WitnessStatement):
        fields = [f.name for f in encrypted_fields(model)]
        for obj in model.objects.order_by("public_id")[:SAMPLE]:
            for name in fields:
                value = getattr(obj, name)
                sample[f"{model._meta.label}.{obj.public_id}.{name}"] = fingerprint(value)
                if isinstance(value, str) and len(value) >= 8:
                    plaintext.append(value)
    media = {}
    root = Path(settings.MEDIA_ROOT)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        media[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "counts": counts,
        "sample": sample,
        "media": media,
        "evidence": Evidence.objects.count(),
        "plaintext": sorted(set(plaintext))[:40],
    }


def seed_evidence() -> None:
    """A few evidence files through the service, so the media archive has something to carry."""
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from cases.models import Incident, User
    from cases.services import evidence_add

    by = User.objects.filter(username__startswith="load-observer-").first()
    for i, incident in enumerate(Incident.objects.order_by("id")[:3]):
        upload = ContentFile(f"drill evidence {i} ".encode() * 200, name="note.txt")
        evidence_add(upload=upload, kind="document", content_type="text/plain", by=by, incident=incident)


# --- the drill ------------------------------------------------------------------------------------


def drill(base: str) -> int:
    for tool in ("pg_dump", "pg_restore", "psql", "age", "age-keygen"):
        if shutil.which(tool) is None:
            say(f"SKIPPED: {tool} is not installed")
            return 2
    stamp = f"{int(time.time())}_{os.getpid()}"
    source_db, target_db = f"tracker_drill_src_{stamp}", f"tracker_drill_dst_{stamp}"
    work = Path(tempfile.mkdtemp(prefix="restore-drill-"))
    failures: list[str] = []
    started = time.perf_counter()
    try:
        keys = work / "keys"
        keys.mkdir(mode=0o700)
        identity = keys / "identity.txt"
        run(["age-keygen", "-o", str(identity)], env=os.environ.copy())
        recipient = run(["age-keygen", "-y", str(identity)], env=os.environ.copy(), capture=True)
        recipients = keys / "recipients.txt"
        recipients.write_text(recipient)

        env = {**os.environ, **DRILL_ENV}
        env.update(DATABASE_URL=f"{base}/{source_db}", DJANGO_MEDIA_ROOT=str(work / "media"))
        say(f"creating {source_db} with a small generated data set")
        create_database(base, source_db)
        run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        run([PY, "manage.py", "generate_load_data", "--people=300", "--citations=1200", "--incidents=2000",
             "--officers=40", "--observers=10", "--lawyers=6", "--seed=8"], env=env)  # fmt: skip
        child(__file__, "evidence", env=env)
        before = child(__file__, "snapshot", env=env)

        say("backing up (scripts/backup.sh)")
        backups = work / "backups"
        backup_dir = Path(
            run(
                ["bash", "scripts/backup.sh", str(backups)],
                env={**env, "BACKUP_AGE_RECIPIENTS": str(recipients)},
                capture=True,
            )
            .strip()
            .splitlines()[-1]
        )

        say("wiping: dropping the database and deleting the media files")
        drop_database(base, source_db)
        shutil.rmtree(work / "media")

        say(f"restoring into a fresh database {target_db} (scripts/restore.sh)")
        create_database(base, target_db)
        restored_env = {**env, "DATABASE_URL": f"{base}/{target_db}", "DJANGO_MEDIA_ROOT": str(work / "restored-media")}
        run(["bash", "scripts/restore.sh", str(backup_dir)], env={**restored_env, "BACKUP_AGE_IDENTITY": str(identity)})
        after = child(__file__, "snapshot", env=restored_env)

        tables = before["counts"]
        rows = sum(tables.values())
        if after["counts"] != tables:
            diff = {
                t: (tables.get(t), after["counts"].get(t))
                for t in set(tables) | set(after["counts"])
                if tables.get(t) != after["counts"].get(t)
            }
            failures.append(f"row counts differ: {diff}")
        else:
            say(f"row counts match in all {len(tables)} tables ({rows} rows)")
        if after["sample"] != before["sample"] or not before["sample"]:
            failures.append("the decrypted sample differs after the restore")
        else:
            say(f"{len(before['sample'])} sampled personal values decrypt to the same plaintext")
        if after["media"] != before["media"] or not before["media"]:
            failures.append("media files differ after the restore")
        else:
            say(f"{len(before['media'])} media files restored byte for byte")

        # The backup holds ciphertext only, and no key: decrypt the dump as an attacker with the
        # backup identity would, and look for sampled plaintext and for each key.
        dump_sql = subprocess.run(  # noqa: S603
            f"age --decrypt --identity {identity} {backup_dir / 'database.dump.age'} | pg_restore --file=- ",
            shell=True, capture_output=True, check=True,  # noqa: S602
        ).stdout  # fmt: skip
        secrets = [DRILL_ENV["DJANGO_SECRET_KEY"], DRILL_ENV["BLIND_INDEX_KEY"], DRILL_ENV["IP_HASH_KEY"]]
        secrets += [k.split(":", 1)[1] for k in DRILL_ENV["FIELD_ENCRYPTION_KEYS"].split(",")]
        leaked_keys = [s for s in secrets if s.encode() in dump_sql]
        leaked_text = [t for t in before["plaintext"] if t.encode() in dump_sql]
        if leaked_keys:
            failures.append(f"{len(leaked_keys)} key(s) found inside the database dump")
        if leaked_text:
            failures.append(f"{len(leaked_text)} personal plaintext value(s) found inside the database dump")
        if not (leaked_keys or leaked_text):
            say(
                f"the dump ({len(dump_sql)} bytes of SQL) holds no key and none of {len(before['plaintext'])} sampled plaintexts"
            )
        for name in ("database.dump.age", "media.tar.age"):
            if (backup_dir / name).read_bytes()[:21] != b"age-encryption.org/v1":
                failures.append(f"{name} is not an age-encrypted file")
    except Failed as exc:  # report, then clean up
        failures.append(str(exc))
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        failures += drop_databases(base, [source_db, target_db])
        shutil.rmtree(work, ignore_errors=True)
    return report(say, failures, f"PASSED in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(
        main(description=__doc__, say=say, children={"snapshot": snapshot, "evidence": seed_evidence}, check=drill)
    )
