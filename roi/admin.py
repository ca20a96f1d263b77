from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roi.projects import services as project_services
from roi.projects.models import LineItem, RoiProject
from roi.tenancy.models import Client, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "headcount"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "client", "role", "sent_at", "accepted_at"]


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0
    fields = ["kind", "category", "label", "amount", "quantity", "recurrence", "start_month",
              "end_month", "ramp_up_months", "confidence"]


@admin.register(RoiProject)
class RoiProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "client", "status", "updated_at"]
    list_filter = ["status", "client"]
    search_fields = ["name", "client__name"]
    inlines = [LineItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The project and its lines as edited here: a new revision, as the services do.
        project_services.project_edited_outside(form.instance)
