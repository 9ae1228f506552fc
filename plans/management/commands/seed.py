from django.core.management.base import BaseCommand

from plans.services import seed_plans_load


class Command(BaseCommand):
    help = "Load reference data and the seed plans from fixtures/ (safe to run again)."

    def handle(self, *args, **options):
        count = seed_plans_load(verbosity=options["verbosity"] - 1 if options["verbosity"] else 0)
        self.stdout.write(self.style.SUCCESS(f"Seed data loaded: {count} plan(s)."))
