from django.core.management.base import BaseCommand, CommandError

from plans.kept_pages import pages_refresh


class Command(BaseCommand):
    help = (
        "Render every kept page (home counts, plan dashboards, year views, national matrix) "
        "ahead of its readers. Run it after each deploy and after loading data in bulk; "
        "pages stay correct without it, only their first readers wait."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="A year of the year views and national matrix (repeatable); default: the "
            "latest year with approved figures.",
        )

    def handle(self, *args, years, **options):
        if years and any(year < 1900 or year > 2200 for year in years):
            raise CommandError("--year must be a year such as 2025.")
        done = pages_refresh(years)
        self.stdout.write(
            f"Rendered: {done.dashboards} dashboards of {done.plans} plans, "
            f"{done.year_views} year views, {done.national_years} national matrices, "
            f"national entries of {done.entry_years} years, "
            f"{done.country_parts} parts of the pages of the whole country."
        )
