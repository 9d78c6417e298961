from django.db import migrations


def create_default_fields(apps, schema_editor):
    AttributeField = apps.get_model("signup", "AttributeField")
    AttributeField.objects.get_or_create(
        attribute_name="email",
        defaults={"label": "Email address", "input_type": "email", "required": True, "enabled": True, "position": 10},
    )


def remove_default_fields(apps, schema_editor):
    apps.get_model("signup", "AttributeField").objects.filter(attribute_name="email").delete()


class Migration(migrations.Migration):
    dependencies = [("signup", "0001_initial")]

    operations = [migrations.RunPython(create_default_fields, remove_default_fields)]
