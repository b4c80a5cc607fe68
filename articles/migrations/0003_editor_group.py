"""The 编辑 (editor) group with exactly the permissions the editors' admin needs.

Upload (add page), check and publish (view/change issue, page, article), correct (change/delete
article, its authors and captions; add authors), merge/split (delete article), zones (change, merge =
delete a duplicate), and view the places offered by autocomplete.
"""

from django.db import migrations

GROUP = "编辑"
PERMISSIONS = {
    "issue": ("view", "change"),
    "page": ("view", "add", "change", "delete"),
    "article": ("view", "change", "delete"),
    "articleauthor": ("view", "add", "change", "delete"),
    "caption": ("view", "add", "change", "delete"),
    "author": ("view", "add", "change"),
    "zone": ("view", "change", "delete"),
    "city": ("view",),
    "county": ("view",),
}


def codenames():
    return [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True  # the migration state's configs have none
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = list(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames()))
    missing = set(codenames()) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"missing permissions: {sorted(missing)}")
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_load_gazetteer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
