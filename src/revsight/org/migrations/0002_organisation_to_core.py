"""The organisation's row moves to the shared kernel (core.Organisation), table and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is, with every row: only Django's idea of which
            # app holds the model changes.
            state_operations=[
                migrations.DeleteModel(
                    name='Organisation',
                ),
            ],
            database_operations=[],
        ),
    ]
