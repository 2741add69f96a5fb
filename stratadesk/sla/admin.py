"""SLA configuration in the admin: calendars, policies, targets and escalations.

Saving a calendar or a policy recomputes the open tickets it governs (closed tickets
keep their history), in the same request, so every due time shown afterwards is
already the new one.
"""

from django.contrib import admin

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.sla import calendars, services
from stratadesk.sla.models import (
    Calendar,
    CalendarHoliday,
    CalendarSegment,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
)


class SegmentInline(admin.TabularInline):
    model = CalendarSegment
    extra = 0


class HolidayInline(admin.TabularInline):
    model = CalendarHoliday
    extra = 0
    fields = ("date", "name", "source", "is_removed")


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "timezone", "open_all_hours", "state")
    inlines = [SegmentInline, HolidayInline]
    actions = ["load_next_year"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        calendars.touch(form.instance)
        services.recompute_open(calendar=form.instance)

    @admin.action(description="Load next year's state holidays")
    def load_next_year(self, request, queryset):
        from stratadesk.core import clock

        year = clock.now().year + 1
        for calendar in queryset:
            calendars.load_holidays(calendar, [year])
            services.recompute_open(calendar=calendar)


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


class EscalationInline(admin.TabularInline):
    model = EscalationRule
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "client", "pause_on_pending_client")
    inlines = [TargetInline, EscalationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.recompute_open(policy=form.instance)
