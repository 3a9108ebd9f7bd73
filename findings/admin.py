"""Admin for reference data only.

Findings are deliberately not in the admin: the admin reads past the access rule, and
administrators are not members of operations.
"""

from django.contrib import admin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "exploitation_type", "active"]
    list_filter = ["exploitation_type", "active"]
    search_fields = ["name", "code"]
