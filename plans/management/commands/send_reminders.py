import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.notices import notices_send, reminders_create


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2025-12-08, got {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Record deadline reminders for reports not yet submitted (due soon, overdue) and mail "
        "every notice still to be mailed. Run it once a day from cron or a systemd timer; "
        "running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            type=int,
            default=7,
            help="Remind this many days before a deadline (default 7).",
        )
        parser.add_argument(
            "--after",
            type=int,
            default=1,
            help="Remind of a report late by this many days (default 1).",
        )
        parser.add_argument("--today", default="", help="Act as on this day (YYYY-MM-DD).")

    def handle(self, *args, before, after, today, **options):
        if before < 0 or after < 1:
            raise CommandError("--before must be 0 or more and --after 1 or more.")
        day = _day(today) if today else timezone.localdate()
        created = reminders_create(today=day, before=before, after=after)
        sent = notices_send()
        self.stdout.write(
            self.style.SUCCESS(f"{created} reminder(s) recorded, {sent} notice(s) mailed.")
        )
