"""What an upload of figures reads, row by row, before anything is written.

Shared by the sheets of the progress template (plans.spreadsheets.progress and its sheet of
projects and duties, plans.spreadsheets.work_sheet): each row of the file against what is
stored, and against what was stored when the template was made (its version).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from budgets.models import MONEY_PLACES
from plans.fields import NOTE_LIMIT
from plans.models import Plan, ReportedFigure
from plans.numbers import FigureRule, format_figure
from plans.spreadsheets import xlsx

MONEY_RULE = FigureRule.for_money("triệu đồng", places=MONEY_PLACES)


@dataclass(frozen=True)
class FieldChange:
    name: str  # the column's header in the file
    old: str
    new: str
    figure: bool = True  # the value, progress or amount; False for a note or evidence


@dataclass
class PreviewRow:
    """One row of the upload: its figure now and in the file, and every field it changes."""

    sheet: str
    row: int
    label: str
    old: str
    new: str
    changes: list[FieldChange]
    key: str = ""  # names the row in the payload and in the form's overwrite choice
    # Saved by someone else after the template was made: the file's copy is older.
    saved_since: bool = False
    conflict: bool = False  # saved since, and changed in the file too: written only if chosen
    saved_by: str = ""
    saved_at: object = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def figure_changed(self) -> bool:
        return any(change.figure for change in self.changes)

    @property
    def text_changes(self) -> list[FieldChange]:
        return [change for change in self.changes if not change.figure]


@dataclass
class ProgressPreview:
    plan: Plan
    year: int
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    payload: str = ""

    @property
    def changed_count(self) -> int:
        """Return how many rows confirming writes without being asked to overwrite."""
        return sum(row.changed and not row.conflict for row in self.rows)

    @property
    def conflict_count(self) -> int:
        return sum(row.conflict for row in self.rows)


@dataclass
class FileRow:
    """One row of figures as the file holds it, before it is compared with what is stored."""

    row: xlsx.Row
    key: str
    label: str
    identity: tuple  # the stored figure's keys besides the year: (indicator,) or (line, source)
    stored: ReportedFigure | None  # the figure now stored, its author joined
    typed: dict  # the file's value by field; None or "" where the cell is blank
    version: int | None  # the version downloaded; None from a template that has none

    @property
    def saved_since(self) -> bool:
        """Return whether the stored figure is not the one the template was made from."""
        return self.version is not None and self.version != (
            self.stored.version if self.stored else 0
        )

    def compare(self, empty: dict, at_download: dict) -> tuple[dict, dict, bool]:
        """Return (stored, to write, conflict) by field: what the file changed, kept otherwise.

        The file is compared with the figure as it was downloaded, so a cell still holding that
        older value changes nothing; a change to a figure saved since is a conflict.
        """
        fields = empty.keys()
        stored = {name: getattr(self.stored, name) for name in fields} if self.stored else empty
        downloaded = stored
        if self.saved_since:
            record = at_download.get((*self.identity, self.version))
            if record is not None:
                downloaded = {name: getattr(record, name) for name in fields}
            elif self.version == 0:
                downloaded = empty
            # A lost version (no history record) leaves the stored figure: any difference
            # from it is then a conflict, never a silent overwrite.
        typed = {
            name: value
            for name, value in self.typed.items()
            if value not in (None, "") and value != downloaded[name]
        }
        wanted = {**stored, **typed}
        return stored, wanted, self.saved_since and wanted != stored

    def show(self, preview: ProgressPreview, old: str, new: str, changes, conflict: bool) -> None:
        entered_by = self.stored.entered_by if self.stored else None
        preview.rows.append(
            PreviewRow(
                self.row.table.title,
                self.row.number,
                self.label,
                old,
                new,
                changes,
                key=self.key,
                saved_since=self.saved_since,
                conflict=conflict,
                saved_by=str(entered_by or "") if self.saved_since else "",
                saved_at=self.stored.updated_at if self.saved_since and self.stored else None,
            )
        )


MAX_VERSION = 2**31 - 1  # what the version column (a PositiveIntegerField) holds


def file_version(row: xlsx.Row, errors: list[str]) -> int | None:
    """Return the version a row was downloaded at; None when the file does not say."""
    if row.refuse_unset_formulas(["version"], errors):
        return None
    value = row["version"].value
    if value is None or xlsx.text(value) == "":
        return None
    try:
        version = Decimal(xlsx.text(value))
    except InvalidOperation:
        version = None
    # Versions count saves: a non-whole, negative, infinite or absurdly large one was typed over.
    if (
        isinstance(value, bool)
        or version is None
        or not version.is_finite()
        or not 0 <= version <= MAX_VERSION
        or version != int(version)
    ):
        errors.append(
            f"{row.where('version')}: «{value}» — "
            + _("this column must not be changed; download the template again.")
        )
        return None
    return int(version)


def rows_at_download(model, year: int, file_rows: list[FileRow], identity: tuple[str, ...]) -> dict:
    """Return the history record of each figure saved since the download, by keys and version.

    One query for the whole file, and none when no row was saved since.
    """
    wanted = [row for row in file_rows if row.saved_since and row.version]
    if not wanted:
        return {}
    records = (
        model.history.filter(
            year=year,
            version__in={row.version for row in wanted},
            **{f"{identity[0]}__in": {row.identity[0] for row in wanted}},
        )
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
    )
    # The latest record of a version: a review changes the status, never the figure.
    return {
        (*(getattr(record, name) for name in identity), record.version): record
        for record in records
    }


def row_text(row: xlsx.Row, field: str, errors: list[str], *, limit: int = NOTE_LIMIT) -> str:
    """Return the text of a cell; record an error if it is longer than its field holds
    (a longer text would fail the save after the preview showed it as fine)."""
    value = row.text(field)
    if len(value) > limit:
        errors.append(
            f"{row.where(field)}: "
            + _("at most %(limit)s characters (this cell has %(count)s); shorten it.")
            % {"limit": format_figure(Decimal(limit)), "count": format_figure(Decimal(len(value)))}
        )
        return ""
    return value
