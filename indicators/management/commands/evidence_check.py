from django.core.management.base import BaseCommand, CommandError

from indicators.models import EvidenceFile, evidence_storage


class Command(BaseCommand):
    help = (
        "Check that every evidence file the database names is in the evidence storage "
        "(MEDIA_ROOT or the S3 bucket) with the size recorded at upload; run it after a "
        "restore. Exits with an error naming each file missing or changed."
    )

    def handle(self, *args, **options):
        storage = evidence_storage()
        problems, checked = [], 0
        rows = EvidenceFile.objects.order_by("pk").values_list("pk", "file", "size")
        for pk, name, size in rows.iterator(chunk_size=2000):
            checked += 1
            try:
                found = storage.size(name)
            except (FileNotFoundError, OSError):
                found = None
            if found is None:
                problems.append(f"#{pk} {name}: missing")
            elif found != size:
                problems.append(f"#{pk} {name}: {found} bytes, {size} recorded")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} of {checked} evidence files missing or changed.")
        self.stdout.write(f"{checked} evidence files present.")
