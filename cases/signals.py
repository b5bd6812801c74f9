"""Contracts between apps: the signals `cases` sends. Apps higher up the stack connect receivers
to them; cases never imports those apps."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the lockdown transaction, kwargs: by (user), destroy_keys (bool).
# Receivers revoke what their app issued (API tokens, calendar-feed tokens, cached packets...).
lockdown_activated = Signal()

# Sent for each case whose personal data is being purged, inside the purge transaction,
# kwargs: case (the Case row, still present), by (user or None). Receivers delete what their app
# stores for that case (stored packets, calendar entries, import rows...).
case_purging = Signal()

# Sent when every session of some accounts is ended (log out everywhere, or an account change that
# must end them: cases.account_changes), inside the transaction,
# kwargs: users (a queryset of the accounts), by (user or None). Receivers revoke the tokens their app
# issued to those accounts (API tokens, calendar-feed tokens). Lockdown sends lockdown_activated instead.
sessions_ended = Signal()

# Sent by cases.retention before purging, and by cases.services.case_close before closing, kwargs: cases
# (a queryset), today (a date). Each receiver returns {case_id: [cases.retention.Hold, ...]} for the cases
# its app must keep for now (an open citation or deadline, an open appeal window...). A case with any hold
# is not purged, and closing it needs an explicit confirmation.
purge_holds = Signal()

# Sent by cases.services.evidence_add once an evidence file is stored, inside its transaction,
# kwargs: evidence (the new row), by (user). Receivers prepare what their app derives from the
# file (the JPEG a packet embeds for a photo...), typically in a task enqueued on commit.
evidence_added = Signal()

# Sent by cases.services.evidence_reseal once an evidence file's original and copy are sealed under
# the data key of the scope it belongs to now (a person merge moved its case), inside the merge's
# transaction, kwargs: evidence, from_scope, to_scope (data-key scope names). Receivers re-seal what
# their app stores under the file's key (a blurred copy...), or drop what they can make again.
evidence_resealed = Signal()
