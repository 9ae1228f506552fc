"""Evidence files: checked on their content, stored through the storage API, served only to
those who may see the figure, kept in the history."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.evidence import EvidenceRefused, check_upload, clean_name
from indicators.models import EvidenceFile
from indicators.views_evidence import attachment_disposition
from plans.models import PlanYear, ReviewStatus
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def figure(world):
    return f.actual(world.percent, year=2013, value="40")


def upload(client, world, figure, *files):
    url = reverse("indicators:evidence", args=[world.plan_a.slug, 2013])
    payload = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(url, {"actual": figure.pk, "files": payload}, follow=True)


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_staff_upload_several_files_to_a_figure_with_history(world, as_user, figure, media):
    staff = as_user(world.users["staff_a"])
    response = upload(
        staff,
        world,
        figure,
        ("Báo cáo số liệu.pdf", PDF),
        ("ảnh trạm.png", PNG),
        ("biên bản.docx", docx_bytes()),
    )
    assert response.status_code == 200
    items = list(figure.evidence_files.order_by("pk"))
    assert [(i.original_name, i.content_type, i.size) for i in items] == [
        ("Báo cáo số liệu.pdf", "application/pdf", len(PDF)),
        ("ảnh trạm.png", "image/png", len(PNG)),
        (
            "biên bản.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            len(docx_bytes()),
        ),
    ]
    # Stored under the plan and year with a random name, never the user's.
    for item in items:
        assert item.file.name.startswith("evidence/plan-a/2013/")
        assert "Báo" not in item.file.name and "ảnh" not in item.file.name
    assert len(stored_files(media)) == 3
    history = EvidenceFile.history.order_by("history_date")
    assert [(h.history_type, h.history_user.username) for h in history] == [("+", "staff_a")] * 3
    # A second upload adds to the figure's files.
    upload(staff, world, figure, ("thêm.pdf", PDF))
    assert figure.evidence_files.count() == 4


@pytest.mark.parametrize(
    "role", ["staff_a", "leader_a", "staff_successor", "leader_successor", "admin"]
)
def test_download_by_those_who_see_the_figure(world, as_user, figure, role):
    upload(as_user(world.users["staff_a"]), world, figure, ("Báo cáo “quý 4”.pdf", PDF))
    item = figure.evidence_files.get()
    response = as_user(world.users[role]).get(
        reverse("indicators:evidence-download", args=[item.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%E2%80%9Cqu%C3%BD%204%E2%80%9D.pdf" in disposition
    )


@pytest.mark.parametrize("role", ["staff_b", "staff_unrelated"])
def test_another_province_gets_404(world, as_user, figure, role):
    upload(as_user(world.users["staff_a"]), world, figure, ("a.pdf", PDF))
    item = figure.evidence_files.get()
    client = as_user(world.users[role])
    assert client.get(reverse("indicators:evidence-download", args=[item.pk])).status_code == 404
    page = reverse("indicators:evidence", args=[world.plan_a.slug, 2013])
    assert client.get(page).status_code == 404


def test_files_of_a_draft_are_hidden_from_national_leaders_until_approved(world, as_user, figure):
    upload(as_user(world.users["staff_a"]), world, figure, ("a.pdf", PDF))
    item = figure.evidence_files.get()
    url = reverse("indicators:evidence-download", args=[item.pk])
    national = as_user(world.users["national"])
    assert national.get(url).status_code == 404
    figure.status = ReviewStatus.APPROVED
    figure.save()
    assert national.get(url).status_code == 200


def test_an_exe_renamed_pdf_is_refused_and_nothing_stored(world, as_user, figure, media):
    response = upload(as_user(world.users["staff_a"]), world, figure, ("hoa-don.pdf", EXE))
    text = response.content.decode()
    assert "“hoa-don.pdf” không phải là tệp PDF" in text
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_one_bad_file_refuses_the_whole_batch(world, as_user, figure, media):
    upload(as_user(world.users["staff_a"]), world, figure, ("a.pdf", PDF), ("b.pdf", EXE))
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused(world, as_user, figure, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = PDF + b"0" * 2000
    response = upload(as_user(world.users["staff_a"]), world, figure, ("lớn.pdf", big))
    assert "“lớn.pdf” lớn hơn" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_an_approved_year_refuses_uploads(world, as_user, figure):
    PlanYear.objects.create(plan=world.plan_a, year=2013, status=ReviewStatus.APPROVED)
    response = upload(as_user(world.users["staff_a"]), world, figure, ("a.pdf", PDF))
    assert "khóa" in response.content.decode() or "đã duyệt" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_leaders_cannot_upload(world, as_user, figure):
    url = reverse("indicators:evidence", args=[world.plan_a.slug, 2013])
    client = as_user(world.users["leader_a"])
    response = client.post(url, {"actual": figure.pk, "files": [SimpleUploadedFile("a.pdf", PDF)]})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_a_figure_of_another_plan_cannot_be_targeted(world, as_user):
    other = f.actual(world.b_indicator, year=2013)
    url = reverse("indicators:evidence", args=[world.plan_a.slug, 2013])
    response = as_user(world.users["staff_a"]).post(
        url, {"actual": other.pk, "files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()


def test_uploader_removes_a_file_and_the_history_keeps_it(world, as_user, figure):
    staff = as_user(world.users["staff_a"])
    upload(staff, world, figure, ("a.pdf", PDF))
    item = figure.evidence_files.get()
    successor = as_user(world.users["staff_successor"])
    successor.post(reverse("indicators:evidence-remove", args=[item.pk]))
    assert EvidenceFile.objects.filter(pk=item.pk).exists()  # not theirs
    staff = as_user(world.users["staff_a"])
    response = staff.post(reverse("indicators:evidence-remove", args=[item.pk]))
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    deletion = EvidenceFile.history.get(history_type="-")
    assert (deletion.original_name, deletion.history_user.username) == ("a.pdf", "staff_a")


def test_page_lists_files_in_a_fixed_number_of_queries(
    world, as_user, figure, django_assert_max_num_queries
):
    staff = as_user(world.users["staff_a"])
    url = reverse("indicators:evidence", args=[world.plan_a.slug, 2013])

    def count_queries():
        staff.get(url)  # warm the session and the user's province
        with django_assert_max_num_queries(40) as captured:
            response = staff.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    upload(staff, world, figure, ("a.pdf", PDF))
    few = count_queries()
    more = f.actual(world.count, year=2013, value="7")
    upload(staff, world, more, ("b.pdf", PDF), ("c.png", PNG))
    upload(staff, world, figure, ("d.pdf", PDF))
    assert count_queries() == few


def test_content_checks():
    assert check_upload(SimpleUploadedFile("x", PDF)).kind.extension == "pdf"
    assert (
        check_upload(SimpleUploadedFile("x", b"\xff\xd8\xff\xe0" + b"0" * 10)).kind.extension
        == "jpg"
    )
    assert check_upload(SimpleUploadedFile("x", docx_bytes())).kind.extension == "docx"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert check_upload(SimpleUploadedFile("x.xls", ole)).kind.extension == "doc"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    for content in (plain_zip.getvalue(), EXE, b"<html><script>", b""):
        with pytest.raises(EvidenceRefused):
            check_upload(SimpleUploadedFile("x.pdf", content))


def test_names_are_cleaned_and_offered_safely():
    assert clean_name("C:\\Users\\a\\Báo cáo.pdf") == "Báo cáo.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("a\x00b\u200b.pdf") == "ab.pdf"
    assert attachment_disposition('ả"b.pdf').startswith('attachment; filename="b.pdf";')
