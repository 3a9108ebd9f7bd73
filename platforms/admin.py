from django.contrib import admin

from .models import Platform, PlatformDomain


class PlatformDomainInline(admin.TabularInline):
    model = PlatformDomain
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "surface", "active"]
    list_filter = ["category", "surface", "active"]
    search_fields = ["name", "domains__domain"]
    inlines = [PlatformDomainInline]
