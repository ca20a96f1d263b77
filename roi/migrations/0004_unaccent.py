"""PostgreSQL's unaccent extension, for the portfolio search ("connecte" finds "connecté").

unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it without
being a superuser. The test database runs the migrations, so it has it too.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('roi', '0003_signoff'),
    ]

    operations = [
        UnaccentExtension(),
    ]
