"""Forecast submissions and pipeline snapshots are records: they move to crm, tables and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('forecasting', '0003_pipeline_snapshot'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is, with every row: only Django's idea of which
            # app holds the model changes.
            state_operations=[
                migrations.RemoveField(
                    model_name='pipelinesnapshot',
                    name='opportunity',
                ),
                migrations.RemoveField(
                    model_name='pipelinesnapshot',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='pipelinesnapshot',
                    name='stage',
                ),
                migrations.DeleteModel(
                    name='ForecastSubmission',
                ),
                migrations.DeleteModel(
                    name='PipelineSnapshot',
                ),
            ],
            database_operations=[],
        ),
    ]
