"""The backup scripts' guards (the full dump-wipe-restore cycle is scripts/restore_drill.py, run by CI)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args], env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip


def test_backup_refuses_a_secret_key_among_the_recipients(tmp_path):
    recipients = tmp_path / "recipients.txt"
    recipients.write_text("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n")
    (tmp_path / "media").mkdir()
    result = run(
        "backup.sh", str(tmp_path / "out"),
        env={"DATABASE_URL": "postgres://x@127.0.0.1:1/none", "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
             "BACKUP_AGE_RECIPIENTS": str(recipients)},
    )  # fmt: skip
    assert result.returncode != 0
    assert "holds a secret key" in result.stderr
    assert not (tmp_path / "out").exists()


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run(
        "backup.sh", str(tmp_path / "out"),
        env={"DATABASE_URL": "sqlite:///tmp/x.sqlite3", "DJANGO_MEDIA_ROOT": str(tmp_path), "BACKUP_AGE_RECIPIENTS": "/dev/null"},
    )  # fmt: skip
    assert result.returncode != 0 and "PostgreSQL URL" in result.stderr


def test_restore_refuses_a_backup_whose_checksums_do_not_match(tmp_path):
    backup = tmp_path / "backup-1"
    backup.mkdir()
    (backup / "database.dump.age").write_bytes(b"age-encryption.org/v1 original")
    (backup / "media.tar.age").write_bytes(b"age-encryption.org/v1 media")
    subprocess.run("sha256sum database.dump.age media.tar.age > SHA256SUMS", shell=True, cwd=backup, check=True)
    (backup / "database.dump.age").write_bytes(b"age-encryption.org/v1 tampered")
    result = run(
        "restore.sh", str(backup),
        env={"DATABASE_URL": "postgres://x@127.0.0.1:1/none", "DJANGO_MEDIA_ROOT": str(tmp_path / "m"),
             "BACKUP_AGE_IDENTITY": "/dev/null"},
    )  # fmt: skip
    assert result.returncode != 0 and "checksums do not match" in result.stderr
