"""The organisation and the data-version counters join the shared kernel, tables and rows kept."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0002_organisation_to_core'),
        ('analytics', '0002_tableversion_to_core'),
        ('core', '0003_api_token'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays where it is, with every row: only Django's idea of which
            # app holds the model changes.
            state_operations=[
                migrations.CreateModel(
                    name='TableVersion',
                    fields=[
                        ('fact', models.CharField(max_length=32, primary_key=True, serialize=False)),
                        ('version', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'analytics_tableversion',
                    },
                ),
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(default='My organisation', max_length=200)),
                        ('currency', models.CharField(default='USD', help_text='ISO 4217 code.', max_length=3)),
                        ('time_zone', models.CharField(default='UTC', max_length=64)),
                        ('fiscal_year_start_month', models.PositiveSmallIntegerField(default=1)),
                        ('is_demo', models.BooleanField(default=False, help_text='Built by `revsight demo`; real imports refuse to mix into it.')),
                        ('demo_seed', models.IntegerField(blank=True, null=True)),
                        ('demo_as_of', models.DateField(blank=True, null=True)),
                        ('demo_scale', models.CharField(blank=True, max_length=16)),
                    ],
                    options={
                        'db_table': 'org_organisation',
                        'constraints': [models.CheckConstraint(condition=models.Q(('fiscal_year_start_month__gte', 1), ('fiscal_year_start_month__lte', 12)), name='fiscal_year_start_month_is_a_month')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
