"""The data-version counters move to the shared kernel (core.TableVersion), table and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is, with every row: only Django's idea of which
            # app holds the model changes.
            state_operations=[
                migrations.DeleteModel(
                    name='TableVersion',
                ),
            ],
            database_operations=[],
        ),
    ]
