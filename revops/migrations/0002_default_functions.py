from django.db import migrations

from revops.defaults import ensure_defaults


def create_defaults(apps, schema_editor):
    ensure_defaults(apps.get_model("revops", "Function"), apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [("revops", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
