"""The shared cache's table (settings.CACHES, a PostgreSQL table): the engine's results, the
kept page parts and the rendered documents live there, and every write of a project's inputs
stores its figures in it. Created with the schema, so that ``migrate`` alone makes a database
the product can run on (``createcachetable`` does nothing when the table exists)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("roi", "0009_dossier_bundle")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
