"""Evidence files in the data administration: read-only, scoped to the user's provinces, and
downloaded only through the access-checked view; the evidence_check command after a restore;
the storage settings read from the environment."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from indicators.models import EvidenceFile
from tests import factories as f
from tests.test_settings import manage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def changelist_url():
    return reverse("admin:indicators_evidencefile_changelist")


def files_of_both_provinces(world):
    """Return A's file on a figure, A's on a disbursement, and B's on a figure."""
    on_figure = f.evidence_file(f.actual(world.percent, year=2013), name="a-chỉ-tiêu.pdf")
    spent = f.disbursement(world.line, year=2013, source=world.source)
    on_budget = f.evidence_file(spent, name="a-giải-ngân.pdf")
    of_b = f.evidence_file(f.actual(world.b_indicator, year=2013), name="b.pdf")
    return on_figure, on_budget, of_b


def test_changelist_offers_the_checked_download_never_the_stored_file(world, admin_client):
    on_figure, on_budget, _of_b = files_of_both_provinces(world)
    response = admin_client.get(changelist_url())
    content = response.content.decode()
    assert response.status_code == 200
    for item in (on_figure, on_budget):
        assert reverse("indicators:evidence-download", args=[item.pk]) in content
        assert item.file.name not in content
    assert "VT-1 Internet" in content and "L1 Hạ tầng (NSTW)" in content


def test_change_page_is_read_only_with_the_checked_download(world, admin_client):
    on_figure, _on_budget, _of_b = files_of_both_provinces(world)
    response = admin_client.get(
        reverse("admin:indicators_evidencefile_change", args=[on_figure.pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("indicators:evidence-download", args=[on_figure.pk]) in content
    assert on_figure.file.name not in content
    assert 'type="file"' not in content
    delete = reverse("admin:indicators_evidencefile_delete", args=[on_figure.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert EvidenceFile.objects.filter(pk=on_figure.pk).exists()


def test_staff_of_another_province_lists_and_opens_only_their_files(world, client):
    on_figure, on_budget, of_b = files_of_both_provinces(world)
    user = world.users["staff_b"]
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_evidencefile"))
    client.force_login(user)
    listed = client.get(changelist_url()).context["cl"].result_list
    assert [item.pk for item in listed] == [of_b.pk]
    for item in (on_figure, on_budget):
        url = reverse("admin:indicators_evidencefile_change", args=[item.pk])
        assert client.get(url).status_code == 302  # the admin's answer to a row it cannot find
        history = reverse("admin:indicators_evidencefile_history", args=[item.pk])
        assert client.get(history).status_code == 404


def test_changelist_queries_do_not_grow_with_files(
    world, admin_client, django_assert_max_num_queries
):
    files_of_both_provinces(world)
    # Session, user, counts, the page's rows with their figure, indicator or line and source,
    # plan and uploader in one query, and the filters' choices: none per row.
    with django_assert_max_num_queries(30) as few:
        admin_client.get(changelist_url())
    for n in range(5):
        f.evidence_file(
            f.actual(f.indicator(world.plan_a), year=2014), uploaded_by=world.users["staff_a"]
        )
        line = f.budget_line(world.plan_b, code=f"X{n}")
        f.evidence_file(f.disbursement(line, year=2014, source=world.source))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(changelist_url())
    assert len(response.context["cl"].result_list) == 13


# After a restore: every file the database names is in the storage, with its size.


def stored(figure, content: bytes) -> EvidenceFile:
    item = f.evidence_file(figure, size=len(content))
    item.file.save("x.pdf", ContentFile(content))
    return item


def test_evidence_check_passes_when_every_file_is_there(world, capsys):
    stored(f.actual(world.percent, year=2013), b"%PDF-1.4 a")
    stored(f.disbursement(world.line, year=2013, source=world.source), b"%PDF-1.4 bb")
    call_command("evidence_check")
    assert capsys.readouterr().out.strip() == "2 evidence files present."


def test_evidence_check_names_missing_and_changed_files(world, capsys):
    kept = stored(f.actual(world.percent, year=2013), b"%PDF-1.4 a")
    changed = stored(f.actual(world.count, year=2013), b"%PDF-1.4 b")
    missing = f.evidence_file(f.actual(world.qualitative, year=2013))  # no bytes stored
    changed.file.storage.delete(changed.file.name)
    changed.file.storage.save(changed.file.name, ContentFile(b"shorter"))
    with pytest.raises(CommandError, match="2 of 3 evidence files"):
        call_command("evidence_check")
    errors = capsys.readouterr().err
    assert f"#{missing.pk} {missing.file.name}: missing" in errors
    assert f"#{changed.pk} {changed.file.name}: 7 bytes, 10 recorded" in errors
    assert f"#{kept.pk} " not in errors


# The storage is chosen by the environment.


def storage_settings(env: dict) -> dict:
    """Return STORAGES["evidence"] as the settings read `env`, without loading the apps (the
    S3 backend, django-storages, is an optional install)."""
    script = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ictplan.settings'; "
        "from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['evidence'], sort_keys=True))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")} | env
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_filesystem_storage_is_the_default_under_media_root():
    storage = storage_settings({"EVIDENCE_STORAGE": ""})
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_storage_reads_its_settings_from_the_environment():
    env = {
        "EVIDENCE_STORAGE": "s3",
        "EVIDENCE_S3_BUCKET": "minh-chung",
        "EVIDENCE_S3_ENDPOINT_URL": "https://s3.example.gov.vn",
        "EVIDENCE_S3_ACCESS_KEY_ID": "key",
        "EVIDENCE_S3_SECRET_ACCESS_KEY": "secret",
        "EVIDENCE_S3_ADDRESSING_STYLE": "path",
        "EVIDENCE_S3_CA_BUNDLE": "/etc/ssl/certs/ca-noi-bo.pem",
    }
    storage = storage_settings(env)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert {k: options[k] for k in ("bucket_name", "endpoint_url", "addressing_style")} == {
        "bucket_name": "minh-chung",
        "endpoint_url": "https://s3.example.gov.vn",
        "addressing_style": "path",
    }
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (
        "private",
        True,
        False,
    )
    assert options["verify"] == "/etc/ssl/certs/ca-noi-bo.pem"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EVIDENCE_STORAGE": "s3"}, "EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET"),
        ({"EVIDENCE_STORAGE": "ftp"}, "EVIDENCE_STORAGE must be 'filesystem' or 's3'"),
        (
            {
                "EVIDENCE_STORAGE": "s3",
                "EVIDENCE_S3_BUCKET": "b",
                "EVIDENCE_S3_ADDRESSING_STYLE": "x",
            },
            "EVIDENCE_S3_ADDRESSING_STYLE must be path, virtual or auto",
        ),
        ({"EVIDENCE_MAX_BYTES": "0"}, "EVIDENCE_MAX_BYTES must be positive"),
    ],
)
def test_a_malformed_storage_setting_fails_loudly(env, message):
    result = manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_the_export_lists_the_files_without_where_they_are_stored(world, admin_client):
    from tests.plans.test_admin_import_export import export

    on_figure, _on_budget, _of_b = files_of_both_provinces(world)
    sheet = export(admin_client, EvidenceFile)
    header = [c.value for c in sheet[1]]
    assert "file" not in header and "original_name" in header
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    names = [row[header.index("original_name")] for row in rows]
    assert sorted(names) == sorted(["a-chỉ-tiêu.pdf", "a-giải-ngân.pdf", "b.pdf"])
    assert not any(on_figure.file.name in str(value) for row in rows for value in row)
