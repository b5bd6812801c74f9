# The mass disposition's run becomes the run of every bulk action (mass disposition, cases to a
# lawyer, hearing outcomes), with a heartbeat, recoveries and a step per case for taking a run up
# again after its worker was lost.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("citations", "0013_clerk_office_hours"),
    ]

    operations = [
        migrations.RenameModel("DispositionRun", "BulkRun"),
        migrations.RenameField("bulkrun", "citation_ids", "item_ids"),
        migrations.AddField(
            model_name="bulkrun",
            name="action",
            field=models.CharField(
                choices=[
                    ("mass_disposition", "Mass disposition"),
                    ("assign", "Cases to a lawyer"),
                    ("hearing_outcomes", "Hearing outcomes"),
                ],
                default="mass_disposition",
                max_length=20,
            ),
        ),
        migrations.AddField(model_name="bulkrun", name="params", field=models.JSONField(blank=True, default=dict)),
        migrations.AlterField(
            model_name="bulkrun",
            name="event",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.event"
            ),
        ),
        migrations.AlterField(model_name="bulkrun", name="decided_on", field=models.DateField(blank=True, null=True)),
        migrations.AddField(
            model_name="bulkrun",
            name="last_progress_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(model_name="bulkrun", name="recoveries", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(model_name="bulkrun", name="task_id", field=models.CharField(blank=True, max_length=64)),
        migrations.CreateModel(
            name="BulkRunStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("report", models.JSONField(default=dict)),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="steps", to="citations.bulkrun"
                    ),
                ),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.AlterField(
            model_name="bulkrun",
            name="disposition",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Pending"),
                    ("dismissed", "Dismissed"),
                    ("withdrawn", "Withdrawn"),
                    ("waived", "Waived"),
                    ("not_guilty", "Not guilty"),
                    ("guilty", "Guilty"),
                    ("paid", "Paid"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="bulkrun",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pa_summary", "Pennsylvania non-traffic summary citation"),
                    ("phl_summary_nta", "Philadelphia Municipal Court summary citation (notice to appear)"),
                    ("phl_cvn", "Philadelphia civil code violation notice"),
                    ("traffic", "Traffic citation"),
                    ("other", "Other"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="bulkrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                    ("gave_up", "Stopped: the worker was lost"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
    ]
