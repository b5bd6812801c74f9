"""Key rotation: re-seal every encrypted column under the newest key.

Works at the SQL level (one UPDATE per stale row, batched in transactions), so `updated_at`,
blind indexes and history are untouched. Safe to interrupt and run again. It stays beside
`cases.fields`, whose fields it finds in every model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from cases.fields import encrypted_fields
from core import crypto


@dataclass
class RotationReport:
    rows_resealed: int = 0
    values_resealed: int = 0
    by_model: dict[str, int] = field(default_factory=dict)


def reencrypt_all(*, batch_size: int = 500, dry_run: bool = False) -> RotationReport:
    ring = crypto.keyring()
    report = RotationReport()
    qn = connection.ops.quote_name
    for model in apps.get_models():
        # (Concrete fields always have a column; the stubs allow None for the others.)
        fields = [(f, f.column) for f in encrypted_fields(model) if f.column is not None]
        if not fields or model._meta.pk is None or model._meta.pk.column is None:
            continue
        table = qn(model._meta.db_table)
        pk = qn(model._meta.pk.column)
        columns = ", ".join(qn(column) for _f, column in fields)
        last_pk: Any = None  # the last primary key read, of whatever type the model's is
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {pk} > %s " if last_pk is not None else ""
                params = [last_pk] if last_pk is not None else []
                # Identifiers come from model metadata and are quoted; values are bound.
                query = f"SELECT {pk}, {columns} FROM {table} {where}ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608
                cursor.execute(query, [*params, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    break
                for row in rows:
                    last_pk = row[0]
                    updates: dict[str, str] = {}
                    for (f, column), token in zip(fields, row[1:], strict=True):
                        if token is None or ring.key_id_of(token) == ring.primary_id:
                            continue
                        plain = ring.decrypt(token, context=f.crypto_context)
                        updates[column] = ring.encrypt(plain, context=f.crypto_context)
                    if updates:
                        report.rows_resealed += 1
                        report.values_resealed += len(updates)
                        report.by_model[model._meta.label] = report.by_model.get(model._meta.label, 0) + 1
                        if not dry_run:
                            sets = ", ".join(f"{qn(c)} = %s" for c in updates)
                            update = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608  # nosec B608
                            cursor.execute(update, [*updates.values(), row[0]])
    return report
