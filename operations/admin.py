from django.contrib import admin

from .models import Agency, Membership, Operation, Participation


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["agency"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "agency"]


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "status", "starts_at", "ends_at", "lead_agency"]
    list_filter = ["status"]
    search_fields = ["code", "name"]
    # Status moves through operations.services (validated and audited), not by editing the field.
    readonly_fields = ["status"]
    inlines = [ParticipationInline, MembershipInline]
