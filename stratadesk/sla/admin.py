"""SLA configuration in the admin: calendars, policies, targets and escalations.

Saving a calendar or a policy recomputes the open tickets it governs (closed tickets
keep their history), in the same request, so every due time shown afterwards is
already the new one.
"""

from datetime import time
from itertools import pairwise

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.sla import calendars, services
from stratadesk.sla.models import (
    Calendar,
    CalendarHoliday,
    CalendarSegment,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
    Weekday,
)


class SegmentFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return  # each form shows its own errors; these checks need valid rows
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept and not self.instance.open_all_hours:
            raise ValidationError(
                "A calendar needs at least one working period, or tick 24x7."
            )
        _refuse_overlaps(kept)


def _refuse_overlaps(periods) -> None:
    by_day: dict[int, list] = {}
    for period in periods:
        ends = period["ends"] or time.max
        by_day.setdefault(period["weekday"], []).append((period["starts"], ends))
    for weekday, spans in by_day.items():
        spans.sort()
        for (_, first_end), (second_start, _) in pairwise(spans):
            if second_start < first_end:
                raise ValidationError(
                    f"Two working periods overlap on {Weekday(weekday).label}; "
                    "join them into one."
                )


class SegmentInline(admin.TabularInline):
    model = CalendarSegment
    formset = SegmentFormSet
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
