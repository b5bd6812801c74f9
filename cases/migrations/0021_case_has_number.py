"""Refuse a case without a number in the database (Case.save() allocates one)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0020_number_the_unnumbered_cases'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('number', ''), _negated=True), name='case_has_number', violation_error_message='A case needs a case number.'),
        ),
    ]
