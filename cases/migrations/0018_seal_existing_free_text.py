"""Seal the values written in clear before 0017 made these columns encrypted fields: an arrest's
charges, and an incident's dispersal-warning words and media present (free text that can name
people). Empty values become NULL, as the encrypted fields store them."""

from django.db import migrations

from core import crypto

COLUMNS = {"arrest": ["charges"], "incident": ["dispersal_warning_words", "media_present"]}


def seal(apps, schema_editor):
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    for model_name, fields in COLUMNS.items():
        model = apps.get_model("cases", model_name)
        table = qn(model._meta.db_table)
        for name in fields:
            column = qn(model._meta.get_field(name).column)
            context = f"cases.{model_name}.{name}"
            with connection.cursor() as cursor:
                # Identifiers come from the model's metadata and are quoted; values are bound.
                cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608  # nosec B608
                rows = cursor.fetchall()
                for pk, value in rows:
                    if value.startswith("v1:"):
                        continue  # already sealed
                    sealed = crypto.encrypt(value, context=context) if value else None
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [sealed, pk])  # noqa: S608  # nosec B608


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_seal_charges_media_and_warning_words")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
