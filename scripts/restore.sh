#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an empty database and an empty media directory.
#
#   DATABASE_URL=postgres://user@host:5432/tracker_restored \
#   DJANGO_MEDIA_ROOT=/srv/tracker/media \
#   BACKUP_AGE_IDENTITY=/media/offline-usb/backup-identity.txt \
#   scripts/restore.sh /srv/backups/backup-20260101T020000Z
#
# The database must exist and be empty (createdb it first); the media directory must be empty or
# missing. Checksums are verified before anything is decrypted. The field keys are not in the
# backup: the restored application needs the same FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY as
# the one that wrote it (a key destroyed by a lockdown makes its rows unreadable, as intended).
set -euo pipefail
umask 077

die() { printf 'restore: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/restore.sh BACKUP_DIR"
backup=$1
: "${DATABASE_URL:?DATABASE_URL (the empty target database) is required}"
: "${DJANGO_MEDIA_ROOT:?DJANGO_MEDIA_ROOT (the empty target media directory) is required}"
: "${BACKUP_AGE_IDENTITY:?BACKUP_AGE_IDENTITY (the offline age identity file) is required}"
[ -f "$backup/database.dump.age" ] && [ -f "$backup/media.tar.age" ] || die "$backup is not a backup directory"
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || die "checksums do not match: the backup is damaged or altered"
command -v age >/dev/null || die "age is not installed (apt-get install age)"
command -v pg_restore >/dev/null || die "pg_restore is not installed (apt-get install postgresql-client)"

tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
  --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
[ "$tables" = 0 ] || die "the target database is not empty ($tables tables)"
mkdir -p "$DJANGO_MEDIA_ROOT"
[ -z "$(ls -A "$DJANGO_MEDIA_ROOT")" ] || die "$DJANGO_MEDIA_ROOT is not empty"

age --decrypt --identity "$BACKUP_AGE_IDENTITY" "$backup/database.dump.age" \
  | pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL"
# The per-case data keys travel apart and are pruned from older backups (scripts/backup.sh): without
# them the evidence files of this backup cannot be opened, everything else restores as usual.
if [ -f "$backup/datakeys.dump.age" ]; then
  (cd "$backup" && sha256sum --quiet --check SHA256SUMS.datakeys) || die "data-key checksums do not match"
  age --decrypt --identity "$BACKUP_AGE_IDENTITY" "$backup/datakeys.dump.age" \
    | pg_restore --no-owner --no-privileges --exit-on-error --data-only --dbname="$DATABASE_URL"
else
  echo "restore: this backup no longer holds the data keys: evidence files will not open" >&2
fi
age --decrypt --identity "$BACKUP_AGE_IDENTITY" "$backup/media.tar.age" \
  | tar --extract --file - --directory "$DJANGO_MEDIA_ROOT"
echo "restored $backup"
