"""Forecast submissions and pipeline snapshots join the sales records, tables and rows kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forecasting', '0004_records_to_crm'),
        ('crm', '0002_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is, with every row: only Django's idea of which
            # app holds the model changes.
            state_operations=[
                migrations.CreateModel(
                    name='ForecastSubmission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_type', models.CharField(choices=[('month', 'Month'), ('quarter', 'Quarter')], max_length=8)),
                        ('period_start', models.DateField(help_text='First day of the month or quarter.')),
                        ('category', models.CharField(choices=[('commit', 'Commit'), ('best_case', 'Best case')], max_length=10)),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=16)),
                        ('submitted_at', models.DateTimeField(help_text='UTC.')),
                        ('note', models.CharField(blank=True, max_length=500)),
                        ('submitted_by', models.ForeignKey(blank=True, help_text="Who entered it, when not the forecaster (a manager's adjustment).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='forecast_submissions', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'forecasting_forecastsubmission',
                        'ordering': ['-submitted_at'],
                        'indexes': [models.Index(fields=['user', 'period_type', 'period_start', 'submitted_at'], name='forecasting_user_id_d92491_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='PipelineSnapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('taken_on', models.DateField()),
                        ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True)),
                        ('close_date', models.DateField(blank=True, null=True)),
                        ('opportunity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='crm.opportunity')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('stage', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='crm.stage')),
                    ],
                    options={
                        'db_table': 'forecasting_pipelinesnapshot',
                        'ordering': ['taken_on', 'opportunity'],
                        'constraints': [models.UniqueConstraint(fields=('taken_on', 'opportunity'), name='one_snapshot_row_per_deal_and_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
