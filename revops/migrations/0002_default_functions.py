from django.db import migrations

DEFAULT_FUNCTIONS = [
    ("revops", "RevOps"),
    ("cro", "CRO"),
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("cs", "Customer Success"),
    ("finance", "Finance"),
]


def create_defaults(apps, schema_editor):
    Function = apps.get_model("revops", "Function")
    for position, (slug, name) in enumerate(DEFAULT_FUNCTIONS, start=1):
        Function.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    apps.get_model("auth", "Group").objects.get_or_create(name="RevOps leads")


class Migration(migrations.Migration):
    dependencies = [("revops", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
