from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from plans.models import Province
from plans.services import demo_accounts_ensure, seed_plans_load


class Command(BaseCommand):
    help = (
        "Set up a development portal in one step: migrate, load the seed plans, create the "
        "demo accounts, print their logins, then serve on http://127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database but do not serve."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "quickstart creates demo accounts with published passwords; it runs only with "
                "DEBUG on. In production use migrate, seed and createsuperuser."
            )
        call_command("migrate", interactive=False, verbosity=0)
        seed = seed_plans_load()
        self.stdout.write(self.style.SUCCESS(f"Database ready: {seed.plans} seed plan(s) loaded."))
        if seed.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(seed.skipped)} seed row(s) kept as changed after loading "
                    "(manage.py seed lists them)."
                )
            )
        self.stdout.write("Demo accounts (username / password / role / province):")
        names = dict(Province.objects.values_list("code", "name"))
        for account in demo_accounts_ensure():
            province = names.get(account.province_code, "tất cả các tỉnh")
            self.stdout.write(
                f"  {account.username:<12} {account.password:<15} {account.role:<20} {province}"
            )
        if options["no_serve"]:
            return
        self.stdout.write(f"Serving on http://{options['addrport']}/ (Ctrl+C stops).")
        call_command("runserver", options["addrport"], use_reloader=False)
