"""Which role may attempt which operation: the one permission table of the tracker.

Every gate reads this table: the page decorator `page_for`, the API's permission class (a view's
`area` and operation name the row "area.operation"), exports, packets, the assignment and account
services. The table only says which roles may *attempt* an operation; which records a permitted
role then reaches is decided by the `*_visible_to` scopes (cases/access.py and the apps' access
modules), which answer 404 for anything out of scope. Which role an account has (precedence when
it is in several groups) is decided by `cases.roles.role_of`.

Adding a role: add it to `cases.roles.Role`, then to the row of each operation it may do. The
matrix in docs/security.md is generated from this table (`manage.py permission_matrix --write`;
a test fails when the document is behind).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cases.roles import Role, role_of, users_with_role
from cases.types import AnyUser, User

OBSERVER = Role.OBSERVER
JAIL_SUPPORT = Role.JAIL_SUPPORT
LAWYER = Role.LAWYER
ORGANIZER = Role.ORGANIZER
COORDINATOR = Role.COORDINATOR
ADMINISTRATOR = Role.ADMINISTRATOR


@dataclass(frozen=True)
class Operation:
    name: str
    roles: frozenset[Role]
    what: str  # one line for the generated matrix in docs/security.md


class UnknownOperation(KeyError):
    """A gate named an operation the table does not have: a typo must fail loudly, not deny quietly."""


def _table(*rows: tuple[str, str, tuple[Role, ...]]) -> dict[str, Operation]:
    table: dict[str, Operation] = {}
    for name, what, roles in rows:
        if name in table:
            raise ValueError(f"operation {name!r} is listed twice")
        table[name] = Operation(name=name, roles=frozenset(roles), what=what)
    return table


# One row per operation: (name, what it is, the roles that may attempt it). Names are
# "<area>.<operation>"; the API's views name the same rows through their `area` and operation.
OPERATIONS: dict[str, Operation] = _table(
    # --- events (not personal: every signed-in role lists them; observers pick one)
    ("events.read", "list and read events", (OBSERVER, LAWYER, ORGANIZER, COORDINATOR, ADMINISTRATOR)),
    ("events.create", "create an event", (COORDINATOR, ADMINISTRATOR)),
    ("events.update", "correct an event", (COORDINATOR, ADMINISTRATOR)),
    # --- people and their cases
    ("demonstrators.read", "read people: names, birth dates, contacts", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("demonstrators.search", "find a person by exact name, phone or e-mail", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("demonstrators.create", "register a person", (COORDINATOR, ADMINISTRATOR)),
    ("demonstrators.update", "correct a person's details", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("demonstrators.subject_access", "export everything held about a person, for them", (COORDINATOR, ADMINISTRATOR)),
    ("cases.read", "read cases: the desk's lists and case pages", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("cases.create", "open a case", (COORDINATOR, ADMINISTRATOR)),
    ("cases.update", "edit a case's notes", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("cases.close", "close a case", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("cases.assign", "assign lawyers to a case; see the cases waiting for one", (COORDINATOR, ADMINISTRATOR)),
    ("cases.represent", "be assigned to a case as its lawyer", (LAWYER,)),
    (
        "cases.bulk_assign",
        "assign many cases to one lawyer at once (preview, then confirm)",
        (COORDINATOR, ADMINISTRATOR),
    ),
    ("arrests.read", "read arrests", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("arrests.create", "record an arrest", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("arrests.update", "update an arrest (custody, release, bail)", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    # --- the intake desk: one-step intake, duplicate suggestions, release into a case, person merge
    ("intake.create", "register a person, their case, arrest and citations in one step", (COORDINATOR, ADMINISTRATOR)),
    ("intake.duplicates", "see who may already be registered, while typing", (COORDINATOR, ADMINISTRATOR)),
    ("intake.release", "record a release from custody, with its citations", (COORDINATOR, ADMINISTRATOR)),
    ("people.merge", "merge two records of one person, or undo a merge", (COORDINATOR, ADMINISTRATOR)),
    # --- citations, deadlines and the court calendar
    ("citations.read", "read citations, payments and the hearing docket", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("citations.create", "record a citation", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("citations.update", "correct a citation", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    (
        "citations.lifecycle",
        "plea, hearing, docket, disposition, appeal, payment, close",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    (
        "citations.mass_disposition",
        "waive or withdraw many citations at once (preview, then confirm); record the refunds owed",
        (COORDINATOR, ADMINISTRATOR),
    ),
    (
        "citations.hearing_outcomes",
        "enter the outcomes of a courtroom's hearing list (lawyers: their own clients)",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    ("citations.import", "bulk import of people, cases and citations (CSV)", (COORDINATOR, ADMINISTRATOR)),
    ("citations.export", "bulk export of citations with names (CSV)", (COORDINATOR, ADMINISTRATOR)),
    ("citations.calendar_feed", "a calendar feed of one's own deadlines and hearings", (LAWYER,)),
    ("deadlines.read", "read deadlines (the week's list)", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("deadlines.calendar", "enter the courts' closures (the court calendar)", (COORDINATOR, ADMINISTRATOR)),
    (
        "deadlines.clerk_hours",
        "enter the clerk's office hours of the courts, with their source",
        (COORDINATOR, ADMINISTRATOR),
    ),
    ("deadlines.review", "sign a deadline rule as checked against its source", (LAWYER, COORDINATOR)),
    # --- reminders to demonstrators and alerts to the team
    ("reminders.consent", "record a person's opt-in or opt-out of reminders", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("reminders.outbox", "see the outbox: reminders and alerts sent or waiting", (COORDINATOR, ADMINISTRATOR)),
    ("reminders.digest", "choose the morning digest of what is due", (LAWYER,)),
    # --- officers (public employees acting in public)
    ("officers.read", "look officers up", (OBSERVER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("officers.create", "record an officer", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("officers.update", "correct an officer", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("officers.merge", "merge two records of one officer", (COORDINATOR, ADMINISTRATOR)),
    # --- the field: incidents and evidence
    ("incidents.read", "read incidents (observers: their own, recent)", (OBSERVER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("incidents.create", "report an incident; see one's own reports", (OBSERVER, COORDINATOR, ADMINISTRATOR)),
    ("incidents.update", "correct a report", (OBSERVER, COORDINATOR, ADMINISTRATOR)),
    ("evidence.read", "read evidence records", (OBSERVER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("evidence.create", "upload evidence", (OBSERVER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("evidence.download", "download the copy without metadata", (OBSERVER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("evidence.original", "download the original exactly as uploaded", (COORDINATOR, ADMINISTRATOR)),
    ("evidence.blur", "mark regions of a photo to blur on shared copies", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    # --- complaints and witness statements
    ("complaints.read", "read excessive-force complaints", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("complaints.create", "draft a complaint", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("complaints.update", "edit a complaint", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("statements.read", "read witness statements", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("statements.create", "record a witness statement", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("statements.update", "edit a witness statement", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    # --- claims: allegations and findings, the plaintiff roster, officer history
    ("allegations.read", "read a complaint's allegations and findings", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("allegations.create", "add an allegation to a complaint", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("allegations.update", "record a finding, discipline and dates", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    (
        "roster.read",
        "the plaintiff roster of an event (people affected by force)",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    ("roster.export", "export the plaintiff roster (CSV, PDF) for a group suit", (COORDINATOR, ADMINISTRATOR)),
    (
        "evidence.export",
        "signed ZIP of a case's or an event's evidence: originals, custody PDFs, statements",
        (COORDINATOR, ADMINISTRATOR),
    ),
    (
        "signing_key.read",
        "fetch the public key that checks evidence export signatures",
        (OBSERVER, JAIL_SUPPORT, LAWYER, ORGANIZER, COORDINATOR, ADMINISTRATOR),
    ),
    (
        "preservation.read",
        "an incident's records at risk of deletion and its preservation letters",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    (
        "preservation.send",
        "make a preservation letter and record that it was sent",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    (
        "officers.history",
        "an officer's history: incidents, force, findings, citations, co-accused",
        (LAWYER, COORDINATOR, ADMINISTRATOR),
    ),
    # --- aggregates
    ("dashboard.read", "the dashboard of aggregates", (ORGANIZER, LAWYER, COORDINATOR, ADMINISTRATOR)),
    # --- filing packets
    ("packets.create", "generate a packet, a docket or a batch", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("packets.read", "follow a batch's progress", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    ("packets.download", "download a stored packet or a batch", (LAWYER, COORDINATOR, ADMINISTRATOR)),
    # --- the night of a mass arrest: custody board and hotline log (jail support: only the events
    # it is assigned to, custody/access.py)
    ("custody.board", "the custody board of an event", (JAIL_SUPPORT, COORDINATOR, ADMINISTRATOR)),
    (
        "custody.stage",
        "move an arrestee to another stage or place of custody",
        (JAIL_SUPPORT, COORDINATOR, ADMINISTRATOR),
    ),
    ("custody.assign", "assign jail-support accounts to events", (COORDINATOR, ADMINISTRATOR)),
    (
        "places.read",
        "list the places of custody (police buildings: not personal)",
        (JAIL_SUPPORT, COORDINATOR, ADMINISTRATOR),
    ),
    ("places.manage", "add, rename, retire or delete (unused) places of custody", (COORDINATOR, ADMINISTRATOR)),
    ("hotline.read", "read the hotline and jail-support log", (JAIL_SUPPORT, COORDINATOR, ADMINISTRATOR)),
    ("hotline.create", "log a hotline call or a jail-support note", (JAIL_SUPPORT, COORDINATOR, ADMINISTRATOR)),
    ("hotline.update", "link a hotline entry to a person's arrest", (COORDINATOR, ADMINISTRATOR)),
    # --- running the tracker
    ("accounts.manage", "create accounts, change roles, suspend", (COORDINATOR, ADMINISTRATOR)),
    ("accounts.administrators", "make an administrator, or change or suspend one's account", (ADMINISTRATOR,)),
    ("audit.read", "read the audit trail", (COORDINATOR, ADMINISTRATOR)),
    (
        "admin.site",
        "open the Django admin (administrators' inspection; coordinators work in their pages)",
        (ADMINISTRATOR,),
    ),
    ("security.lockdown", "start or lift the emergency lockdown", (ADMINISTRATOR,)),
    ("security.sign_in_during_lockdown", "sign in while a lockdown is active", (ADMINISTRATOR,)),
)


def operation(name: str) -> Operation:
    try:
        return OPERATIONS[name]
    except KeyError:
        raise UnknownOperation(name) from None


def may(user: AnyUser | None, name: str) -> bool:
    """Whether `user`'s role may attempt operation `name` at all (which records: the scopes).
    Anonymous, suspended and role-less accounts may do nothing in the table."""
    return role_of(user) in operation(name).roles


def users_who_may(name: str) -> QuerySet[User]:
    """Active accounts whose role (by `role_of`'s precedence) may attempt `name`: the people a
    picker offers (e.g. the lawyers for an assignment, `cases.represent`)."""
    roles = sorted(operation(name).roles, key=list(Role).index)
    if len(roles) == 1:
        only: QuerySet[User] = users_with_role(roles[0])
        return only
    anyone = Q()
    for role in roles:
        anyone |= Q(pk__in=users_with_role(role).values("pk"))
    return get_user_model()._default_manager.filter(anyone)


MATRIX_START = "<!-- permission-matrix:start (generated by `manage.py permission_matrix --write`; do not edit) -->"
MATRIX_END = "<!-- permission-matrix:end -->"


def matrix_markdown() -> str:
    """The table as the Markdown matrix docs/security.md carries between its markers."""
    roles = list(Role)
    lines = [
        "| operation | what | " + " | ".join(role.value for role in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for row in OPERATIONS.values():
        cells = ["yes" if role in row.roles else "-" for role in roles]
        lines.append(f"| `{row.name}` | {row.what} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def with_matrix(document: str) -> str:
    """`document` with the text between the matrix markers replaced by the current matrix."""
    before, start, rest = document.partition(MATRIX_START)
    _, end, after = rest.partition(MATRIX_END)
    if not start or not end:
        raise ValueError("the document has no permission-matrix markers")
    return f"{before}{MATRIX_START}\n{matrix_markdown()}\n{MATRIX_END}{after}"
