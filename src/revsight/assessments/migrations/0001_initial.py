# The assessments app's first migration: its tables come in the migrations that follow, one per
# part (the self-assessment, recruiting, the annual plan), so each part's history reads on its own.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations: list[migrations.operations.base.Operation] = []
