# The index backlog now belongs to the search app (articles.search, migration 0001): the same table,
# only Django's state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_pdf_pages"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IndexBacklog")],
            database_operations=[],  # the table stays: articles.search's IndexBacklog uses it
        ),
    ]
