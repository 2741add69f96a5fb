"""Adjustment notes are told like invoices: email, notice, webhook.

A client with its own rule rows (copied from the defaults when it was created) has
none for the new event, so it is given a copy of its invoice rules for it: whoever
hears of an invoice hears of its credits.
"""

from django.db import migrations, models


def copy_invoice_rules(apps, schema_editor):
    rule = apps.get_model("notifications", "NotificationRule")
    copies = [
        rule(
            client_id=row.client_id,
            event="adjustment_issued",
            stage=row.stage,
            audience=row.audience,
            user_id=row.user_id,
            email=row.email,
            in_app=row.in_app,
        )
        for row in rule.objects.filter(event="invoice_issued")
    ]
    rule.objects.bulk_create(copies)


def drop_note_rules(apps, schema_editor):
    rule = apps.get_model("notifications", "NotificationRule")
    rule.objects.filter(event="adjustment_issued").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_email_attaches_invoice'),
    ]

    operations = [
        migrations.AddField(
            model_name='emaildelivery',
            name='attach_adjustment_note',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='notice',
            name='event',
            field=models.CharField(choices=[('ticket_created', 'Ticket raised'), ('ticket_assigned', 'Ticket assigned'), ('stage_changed', 'Ticket moved to another stage'), ('public_comment', 'Public reply on a ticket'), ('sla_warning', 'SLA target nearly due'), ('sla_breached', 'SLA target breached'), ('escalation', 'SLA escalation'), ('svr_issued', 'SVR issued for approval'), ('svr_reminder', 'SVR approval reminder'), ('svr_decided', 'SVR approved or rejected'), ('invoice_issued', 'Invoice issued'), ('adjustment_issued', 'Adjustment note issued')], max_length=20),
        ),
        migrations.AlterField(
            model_name='notificationrule',
            name='event',
            field=models.CharField(choices=[('ticket_created', 'Ticket raised'), ('ticket_assigned', 'Ticket assigned'), ('stage_changed', 'Ticket moved to another stage'), ('public_comment', 'Public reply on a ticket'), ('sla_warning', 'SLA target nearly due'), ('sla_breached', 'SLA target breached'), ('escalation', 'SLA escalation'), ('svr_issued', 'SVR issued for approval'), ('svr_reminder', 'SVR approval reminder'), ('svr_decided', 'SVR approved or rejected'), ('invoice_issued', 'Invoice issued'), ('adjustment_issued', 'Adjustment note issued')], max_length=20),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='event_type',
            field=models.CharField(choices=[('ticket.created', 'Ticket raised'), ('ticket.stage_changed', 'Ticket moved to another stage'), ('ticket.commented', 'Public reply on a ticket'), ('sla.warning', 'SLA target nearly due'), ('sla.breached', 'SLA target breached'), ('svr.issued', 'SVR issued for approval'), ('svr.approved', 'SVR approved'), ('svr.rejected', 'SVR rejected'), ('invoice.issued', 'Invoice issued'), ('adjustment_note.issued', 'Adjustment note issued')], max_length=40),
        ),
        migrations.RunPython(copy_invoice_rules, drop_note_rules),
    ]
