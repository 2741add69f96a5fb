"""`stratadesk bas --start YYYY-MM-DD --end YYYY-MM-DD [--basis] [--format json]`."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from stratadesk.ledger import bas, gst
from stratadesk.ledger.models import Basis

ORDER = bas.FORM_LABELS


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2025-09-30.") from None


class Command(BaseCommand):
    help = "Print the BAS for a period: every label, both GST methods, the due date."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--basis", choices=Basis.values, default=None)
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--drilldown", action="store_true", help="list the documents per label"
        )

    def handle(self, *args, start, end, basis, format, drilldown, **options):
        start, end = _day(start), _day(end)
        if end < start:
            raise CommandError("--end is before --start.")
        problem = gst.bas_span_problem(start, end)
        if problem:
            raise CommandError(problem)

        report = bas.bas_report(start, end, basis)
        if format == "json":
            data = bas.as_json(report, drilldown=drilldown)
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(self._table(report, drilldown))

    def _table(self, report, drilldown: bool) -> str:
        rows = [
            f"BAS {report.start} to {report.end}, {report.basis} basis",
            f"Due {report.due_date}",
            "",
            f"{'Label':<6} {'Amount':>14}",
        ]
        for name in ORDER:
            rows.append(f"{name:<6} {report.labels[name]:>14,}")
            if drilldown:
                rows.extend(
                    f"         {fact.reference:<14} {fact.amount:>14,} "
                    f"{fact.description}"
                    for fact in report.drilldown.get(name, [])
                )
        rows.append("")
        rows.append("9 is " + ("refundable" if report.refund else "payable"))
        rows.append("")
        rows.append(f"{'GST':<6} {'Accounts':>12} {'Worksheet':>12} {'Difference':>12}")
        for name in ("1A", "1B"):
            rows.append(
                f"{name:<6} {report.accounts[name]:>12,} "
                f"{report.worksheet[name]:>12,} {report.difference[name]:>12,}"
            )
        simpler = ", ".join(f"{k} {v:,}" for k, v in report.simpler.items())
        rows.append("")
        rows.append(f"Simpler BAS: {simpler}")
        return "\n".join(rows)
