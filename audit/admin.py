from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, and the database refuses changes anyway."""

    list_display = ["seq", "at", "actor_name", "team", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "team"]
    search_fields = ["actor_name", "object_type", "object_id", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
