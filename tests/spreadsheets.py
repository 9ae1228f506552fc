"""Open workbooks the way people do: with openpyxl, and with LibreOffice as a real spreadsheet."""

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
# 44 = comma, 34 = double quote, 76 = UTF-8, 1 = from row 1, then: formulas as values,
# cells as shown off, ..., -1 = every sheet to its own file (LibreOffice 7.2 and later).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _convert(content: bytes, name: str, target: str, work: str) -> Path:
    """Write `content` as `name` under `work`, convert it with LibreOffice to `target` (a
    --convert-to filter) and return the directory holding the output.

    soffice exits 0 even when it cannot read a file: callers check that the output exists.
    """
    if not Path(SOFFICE).exists():
        pytest.fail("LibreOffice is missing: run tests/install-system-packages.sh")
    source = Path(work) / name
    source.write_bytes(content)
    out = Path(work) / "out"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{Path(work) / 'profile'}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out


def libreoffice_sheets(content: bytes) -> dict[str, list[list[str]]]:
    """Return every sheet of the workbook as LibreOffice computes it, formulas recalculated."""
    with tempfile.TemporaryDirectory() as work:
        files = sorted(_convert(content, "book.xlsx", CSV_FILTER, work).glob("book-*.csv"))
        assert files, "LibreOffice could not read the workbook"
        return {
            path.stem.removeprefix("book-"): list(csv.reader(path.open(encoding="utf-8")))
            for path in files
        }


def libreoffice_roundtrip(content: bytes) -> bytes:
    """Return the workbook opened and saved again by LibreOffice (formulas get cached values)."""
    with tempfile.TemporaryDirectory() as work:
        out = _convert(content, "in.xlsx", "xlsx:Calc MS Excel 2007 XML", work)
        result = out / "in.xlsx"
        assert result.exists(), "LibreOffice could not read the workbook"
        return result.read_bytes()


def libreoffice_pdf(content: bytes, suffix: str) -> bytes:
    """Return the document (`suffix` "docx" or "xlsx") printed to PDF by LibreOffice."""
    with tempfile.TemporaryDirectory() as work:
        pdf = _convert(content, f"document.{suffix}", "pdf", work) / "document.pdf"
        assert pdf.exists(), "LibreOffice could not print the document"
        return pdf.read_bytes()


def pdf_pages(pdf: bytes) -> list[str]:
    """Return the text of each page of `pdf`, as pdftotext reads it in layout order."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_first_page_png(pdf: bytes) -> bytes:
    """Return page 1 of `pdf` rendered to PNG at 60 dpi by pdftoppm."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(work) / "page"),
            ],  # fmt: skip
            capture_output=True,
            check=True,
        )
        return (Path(work) / "page.png").read_bytes()
