# The coaching log (issue 15 §2): entries, replies, the settings and per-salesperson targets.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):


    dependencies = [
        ('cadence', '0002_discipline'),
        ('crm', '0003_forecast_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CoachingSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('skills', models.JSONField(default=list, help_text='The skills coached, in the order shown.')),
                ('joint_calls_per_month', models.PositiveSmallIntegerField(default=2)),
            ],
            options={
                'verbose_name_plural': 'coaching settings',
            },
        ),
        migrations.CreateModel(
            name='CoachingEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField()),
                ('kind', models.CharField(choices=[('joint_call', 'Joint call'), ('coaching_session', 'Coaching session'), ('ride_along', 'Ride-along'), ('role_play', 'Role play')], max_length=20)),
                ('scheduled', models.BooleanField(default=True, help_text='Planned ahead, or on the spot.')),
                ('skill', models.CharField(blank=True, max_length=100)),
                ('notes', models.TextField(blank=True)),
                ('action', models.CharField(blank=True, help_text='The action agreed.', max_length=500)),
                ('action_due', models.DateField(blank=True, null=True)),
                ('action_done', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='crm.account')),
                ('coach', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coaching_given', to=settings.AUTH_USER_MODEL)),
                ('opportunity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='crm.opportunity')),
                ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coaching_received', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'coaching entries',
                'ordering': ['-date', '-id'],
            },
        ),
        migrations.CreateModel(
            name='CoachingReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='cadence.coachingentry')),
            ],
            options={
                'verbose_name_plural': 'coaching replies',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CoachingTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('joint_calls_per_month', models.PositiveSmallIntegerField()),
                ('salesperson', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='coaching_target', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.AddIndex(
            model_name='coachingentry',
            index=models.Index(fields=['salesperson', 'date'], name='cadence_coa_salespe_260d89_idx'),
        ),
        migrations.AddConstraint(
            model_name='coachingentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('action', ''), ('action_due__isnull', True)), models.Q(models.Q(('action', ''), _negated=True), ('action_due__isnull', False)), _connector='OR'), name='coaching_action_has_a_due_date'),
        ),
    ]
