from django.core.management.base import BaseCommand

from plans.services import seed_plans_load


class Command(BaseCommand):
    help = (
        "Load reference data and the seed plans from fixtures/ (safe to run again): create the "
        "missing rows, never overwrite a row someone changed after it was loaded."
    )

    def handle(self, *args, **options):
        report = seed_plans_load()
        verbosity = options["verbosity"]
        if verbosity >= 2:
            for model in sorted(set(report.created) | set(report.updated)):
                self.stdout.write(
                    f"  {model}: {report.created[model]} created, {report.updated[model]} updated"
                )
        if report.skipped and verbosity >= 1:
            self.stdout.write(
                self.style.WARNING(
                    "Kept as changed after loading; the fixture differs in the fields listed "
                    "(change the row in the admin to take the fixture's value):"
                )
            )
            for skip in report.skipped:
                self.stdout.write(f"  {skip.model} {skip.key}: {', '.join(skip.fields)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed data loaded: {report.plans} plan(s); "
                f"{report.created.total()} row(s) created, "
                f"{report.updated.total()} updated from the fixtures, "
                f"{len(report.skipped)} kept as changed after loading."
            )
        )
