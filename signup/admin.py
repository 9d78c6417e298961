from django.contrib import admin

from signup.models import AttributeField


@admin.register(AttributeField)
class AttributeFieldAdmin(admin.ModelAdmin):
    list_display = ("label", "attribute_name", "input_type", "required", "enabled", "position")
    list_editable = ("required", "enabled", "position")
    list_filter = ("enabled", "required", "input_type")
    search_fields = ("label", "attribute_name")
    ordering = ("position", "id")
