#!/usr/bin/env bash
# Back up the tracker: a PostgreSQL dump and an archive of the media files, each encrypted to an
# offline public key (age) as it is written. Nothing unencrypted touches the disk, and no key is
# ever in a backup: field keys, the blind-index key and the Django secret live in the environment,
# not in the database or the media directory.
#
#   DATABASE_URL=postgres://user@host:5432/tracker \
#   DJANGO_MEDIA_ROOT=/srv/tracker/media \
#   BACKUP_AGE_RECIPIENTS=/etc/tracker/backup-recipients.txt \
#   scripts/backup.sh /srv/backups
#
# BACKUP_AGE_RECIPIENTS holds age public keys (age1...), one per line; the matching identities
# (private keys) stay offline. Writes <dir>/backup-<UTC time>/ with database.dump.age,
# media.tar.age and SHA256SUMS; prints that directory. See docs/backup.md.
#
# The per-case data keys (table cases_datakey) go into their own file, datakeys.dump.age, with its
# own SHA256SUMS.datakeys, and are deleted from backups older than BACKUP_DATAKEYS_KEEP_DAYS (30):
# a purge destroys a case's key, so once the older copies of the keys are gone, that case's
# evidence files cannot be read from any backup either (docs/retention.md).
set -euo pipefail
umask 077

die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: scripts/backup.sh OUTPUT_DIR"
: "${DATABASE_URL:?DATABASE_URL (postgres://...) is required}"
: "${DJANGO_MEDIA_ROOT:?DJANGO_MEDIA_ROOT (the media directory) is required}"
: "${BACKUP_AGE_RECIPIENTS:?BACKUP_AGE_RECIPIENTS (a file of age public keys) is required}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) die "DATABASE_URL must be a PostgreSQL URL";; esac
[ -r "$BACKUP_AGE_RECIPIENTS" ] || die "cannot read $BACKUP_AGE_RECIPIENTS"
# A private key where a public one belongs would put the means of decryption next to the data.
if grep -q 'AGE-SECRET-KEY' "$BACKUP_AGE_RECIPIENTS"; then
  die "$BACKUP_AGE_RECIPIENTS holds a secret key; give the public recipients (age1...) only"
fi
[ -d "$DJANGO_MEDIA_ROOT" ] || die "$DJANGO_MEDIA_ROOT is not a directory"
command -v age >/dev/null || die "age is not installed (apt-get install age)"
command -v pg_dump >/dev/null || die "pg_dump is not installed (apt-get install postgresql-client)"

out="$1/backup-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# --no-owner/--no-privileges: restorable into a fresh database owned by another role.
pg_dump --format=custom --no-owner --no-privileges --exclude-table-data=cases_datakey --dbname="$DATABASE_URL" \
  | age --encrypt --recipients-file "$BACKUP_AGE_RECIPIENTS" --output "$out/database.dump.age"
pg_dump --format=custom --no-owner --no-privileges --data-only --table=cases_datakey --dbname="$DATABASE_URL" \
  | age --encrypt --recipients-file "$BACKUP_AGE_RECIPIENTS" --output "$out/datakeys.dump.age"

# Media: evidence and packets. Key files never belong here; exclude them even if misplaced.
tar --create --file - --directory "$DJANGO_MEDIA_ROOT" \
    --exclude='.env' --exclude='.dev-keys.json' --exclude='*.key' . \
  | age --encrypt --recipients-file "$BACKUP_AGE_RECIPIENTS" --output "$out/media.tar.age"

(cd "$out" && sha256sum database.dump.age media.tar.age > SHA256SUMS)
(cd "$out" && sha256sum datakeys.dump.age > SHA256SUMS.datakeys)

# The data keys are kept only for a short while: older copies would let a purged case's files be read.
keep_days=${BACKUP_DATAKEYS_KEEP_DAYS:-30}
find "$1" -mindepth 2 -maxdepth 2 \( -name datakeys.dump.age -o -name SHA256SUMS.datakeys \) \
  -mtime +"$keep_days" -delete
echo "$out"
