# The index backlog moves from the articles app to the search app: the same table, only Django's state.

from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    """The backlog's content type (and permissions with it) now belongs to the search app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="search", model="indexbacklog").exists():
        ContentType.objects.using(db).filter(app_label="articles", model="indexbacklog").update(app_label="search")


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="articles", model="indexbacklog").exists():
        ContentType.objects.using(db).filter(app_label="search", model="indexbacklog").update(app_label="articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0006_permanence"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IndexBacklog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("article_id", models.BigIntegerField(verbose_name="文章编号")),
                        ("enqueued_at", models.DateTimeField(auto_now_add=True, verbose_name="入队时间")),
                    ],
                    options={
                        "verbose_name": "待索引文章",
                        "verbose_name_plural": "待索引文章",
                        "db_table": "articles_indexbacklog",
                        "ordering": ("pk",),
                        "indexes": [models.Index(fields=["article_id"], name="articles_in_article_58f7f1_idx")],
                    },
                ),
            ],
            database_operations=[],  # the table stays as it is
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
