"""Admin export of every model by natural keys, and admin import of reference data."""

import io
import json
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ImportMixin
from openpyxl import load_workbook

from plans.models import Province
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPORTABLE = [
    m for m in admin.site._registry if m._meta.app_label in {"plans", "indicators", "budgets"}
]


def url(model, action):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def body(response) -> bytes:
    """Return the bytes of a response, streamed (an export) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def export_content(client, model, export_format="0") -> bytes:
    page = client.get(url(model, "export")).content.decode()
    fields = set(re.findall(r'name="(\w+resource_\w+)"', page))
    response = client.post(
        url(model, "export"),
        {"format": export_format, "resource": "0", **dict.fromkeys(fields, "on")},
    )
    assert response.status_code == 200, model
    return body(response)


def export(client, model):
    return load_workbook(io.BytesIO(export_content(client, model))).active


@pytest.mark.parametrize("model", EXPORTABLE, ids=lambda m: m._meta.model_name)
def test_every_model_exports_with_natural_keys(admin_client, model):
    f.small_plan()
    sheet = export(admin_client, model)
    header = [c.value for c in sheet[1]]
    assert "id" not in header
    assert not [h for h in header if h.endswith("_folded")]
    first = [c.value for c in sheet[2]]
    assert any(v not in (None, "") for v in first)
    for field in model._meta.concrete_fields:
        remote = getattr(field, "related_model", None)
        value = first[header.index(field.name)] if field.name in header else None
        if remote is not None and hasattr(remote, "natural_key") and value not in (None, ""):
            # A natural key (list of codes), never a database id.
            assert isinstance(json.loads(value), list), (field.name, value)


def test_exported_figures_are_numbers_not_text(admin_client):
    plan = f.small_plan(indicators=1)
    sheet = export(admin_client, plan.indicators.get().targets.model)
    header = [c.value for c in sheet[1]]
    assert isinstance(sheet.cell(row=2, column=header.index("value") + 1).value, int | float)


def import_file(client, model, content: bytes, name="provinces.csv", fmt="1"):
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        url(model, "import"), {"import_file": upload, "format": fmt, "resource": "0"}
    )
    return response


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(url(model, "process_import"), {k: v for k, v in form.initial.items()})


def test_admin_import_of_provinces_dry_runs_then_saves_and_is_idempotent(admin_client):
    successor = f.province("Cần Thơ", code="92", slug="can-tho")
    csv = (
        "code,name,slug,successor,merged_on\n"
        f'93,Hậu Giang,hau-giang,"[""{successor.code}""]",2025-07-01\n'
    ).encode()
    dry_run = import_file(admin_client, Province, csv)
    assert dry_run.status_code == 200
    assert not Province.objects.filter(code="93").exists()  # dry run writes nothing
    confirm(admin_client, Province, dry_run)
    province = Province.objects.get(code="93")
    assert (province.name, province.successor, province.name_folded) == (
        "Hậu Giang",
        successor,
        "hau giang",
    )
    again = import_file(admin_client, Province, csv)
    result = again.context["result"]
    assert [row.import_type for row in result.rows] == ["skip"]


IMPORTABLE = [model for model in EXPORTABLE if isinstance(admin.site._registry[model], ImportMixin)]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("model", IMPORTABLE, ids=lambda m: m._meta.model_name)
def test_an_exported_file_imports_back_without_changes(admin_client, model, file_format):
    f.rich_plan()  # successors, merger dates, agency kinds, sector parents
    f.small_plan()
    position = {"xlsx": "0", "csv": "1"}[file_format]  # the same in both forms
    content = export_content(admin_client, model, position)
    dry_run = import_file(admin_client, model, content, name=f"export.{file_format}", fmt=position)
    result = dry_run.context["result"]
    assert not (result.has_errors() or result.has_validation_errors())
    assert [row.import_type for row in result.rows] == ["skip"] * model.objects.count()


def test_admin_import_row_errors_are_shown_and_nothing_is_saved(admin_client):
    csv = "code,name,slug,successor,merged_on\n95,Tỉnh thử,tinh-thu,,không-phải-ngày\n".encode()
    response = import_file(admin_client, Province, csv)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Province.objects.filter(code="95").exists()


def test_html_and_json_imports_are_not_offered(admin_client):
    page = admin_client.get(url(Province, "import")).content.decode()
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)', page) == ["xlsx", "csv"]
