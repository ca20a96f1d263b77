from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checklist.catalogue.loader import catalogue_copy
from checklist.catalogue.models import CatalogueVersion, KpiDefinition, Post, SubItem


class SubItemInline(admin.TabularInline):
    model = SubItem
    extra = 0
    fields = ["order", "code", "title_fr", "title_en", "help_fr", "help_en", "default_recurrence"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "order", "title_fr", "catalogue"]
    list_filter = ["catalogue", "kind"]
    inlines = [SubItemInline]


class KpiInline(admin.TabularInline):
    model = KpiDefinition
    extra = 0


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "is_current", "loaded_at"]
    inlines = [KpiInline]
    actions = ["copy_version"]

    @admin.action(description=_("Copier en nouvelle version (à éditer sans toucher aux projets)"))
    def copy_version(self, request, queryset):
        for source in queryset:
            copy = catalogue_copy(
                source=source, version=f"{source.version}-{timezone.now():%Y%m%d%H%M%S}"
            )
            messages.success(request, _("Version %(v)s créée.") % {"v": copy.version})
