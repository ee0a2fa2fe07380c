"""The fill-in workbook for units (``cxzy template``).

One sheet per record type, named after it (so its rows need no ``type``
column), with the type's columns in the first row — ``at``, its own fields
(``ratings.leadership`` …, ``phases.1.key`` …), then ``id`` and ``by`` — each
with a note (an Excel comment) saying what to enter. Drop-down lists (data
validation) offer the unit codes of the store, the kinds, grades, methods,
verdicts and the other fixed values, and 是/否 (TRUE/FALSE in English) for
yes-or-no fields; numbers are checked as whole numbers; date columns are
formatted as dates and text columns as text (so a code like ``007`` stays
``007``). A first sheet, ``#填报说明``, explains how to fill it in; the lists
live on a hidden ``#lists`` sheet. Sheets whose names start with ``#`` are
not read on import, so the filled workbook imports unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cxzy.domain.schema import BOOL, DATE, ENUM, INT, PHASES, RATING_KEYS, RATINGS, TYPES, Field
from cxzy.domain.senders import OFFICE_TYPES, units_own_field
from cxzy.formats.ledger_xlsx import display_width, safe_text
from cxzy.formats.output_files import replacing
from cxzy.i18n import CODED_FIELDS, code_label, t

ROWS = 1000  # rows prepared with formats and drop-downs
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
HEADER_FILL = "D9D9D9"
REQUIRED_FILL = "FCE4D6"

_UNIT_FIELDS = ("unit", "parent")
_TAB_COLOURS = {
    "Campaign": "808080",
    "Unit": "808080",
    "Leader": "7030A0",
    "Contact": "7030A0",
    "Commitment": "2F75B5",
    "Activity": "548235",
    "Review": "BF8F00",
    "Rectification": "C55A11",
    "Commendation": "C00000",
}


@dataclass(frozen=True)
class TemplateInputs:
    """What the store offers the workbook: its title, unit codes, activity kinds."""

    title: str
    units: Sequence[tuple[str, str]]  # (code, name)
    activity_kinds: Sequence[tuple[str, str]]  # (code, words)
    phase_count: int = 4  # CampaignPlanned: columns for this many phase windows
    planned: bool = True  # False: no campaign in the store yet (the built-in template's)
    # the unit the workbook is for (code, name): its part of the tree only, and no
    # sheet of the office's records (``cxzy import --unit`` refuses them)
    sender: tuple[str, str] | None = None


def record_types(inputs: TemplateInputs) -> list[str]:
    """The record types the workbook has a sheet for: a unit's has none of the
    office's or its superiors' records (decision 311)."""
    return [t for t in TYPES if inputs.sender is None or t not in OFFICE_TYPES]


@dataclass(frozen=True)
class Column:
    header: str  # the field name, as the import reads it
    field: str  # the top-level field
    kind: str  # text, date, moment, int, rating, bool, enum, phase_date
    required: bool
    note: str
    choices: tuple[str, ...] = ()
    list_name: str | None = None  # the drop-down list on the #lists sheet


def _note(type_: str, name: str, spec: Field | None, lang: str, inputs: TemplateInputs) -> str:
    specific = f"field.{type_}.{name}"
    text = t(specific, lang) if t(specific, lang) != specific else t(f"field.{name}", lang)
    if spec is None:
        return text
    parts = [text, t("tpl.required" if spec.required else "tpl.optional", lang)]
    if spec.default is not None:
        shown = spec.default
        if spec.kind == BOOL:
            shown = t("tpl.true" if spec.default else "tpl.false", lang)
        parts.append(t("tpl.default", lang, value=shown))
    group = CODED_FIELDS.get((type_, name))  # an enum field: its words in the note
    if spec.kind == ENUM and group:
        choices = "; ".join(f"{c} = {code_label(group, c, lang)}" for c in spec.choices)
        parts.append(f"{t('tpl.choices', lang)} {choices}")
    if type_ == "ActivityHeld" and name == "kind":
        choices = "; ".join(f"{c} = {w}" for c, w in inputs.activity_kinds)
        parts.append(f"{t('tpl.choices', lang)} {choices}")
    if name in _UNIT_FIELDS and inputs.units:
        shown = "; ".join(f"{c} = {n}" for c, n in inputs.units[:40])
        parts.append(f"{t('tpl.units', lang)}: {shown}")
    return "\n".join(parts)


def columns_of(type_: str, lang: str, inputs: TemplateInputs) -> list[Column]:
    """The columns of one record type's sheet, in order."""
    columns = [
        Column("at", "at", "moment", True, t("field.at", lang) + "\n" + t("tpl.required", lang))
    ]
    for name, spec in TYPES[type_].items():
        if inputs.sender is not None:  # (no choice the import --unit refuses)
            required, choices = units_own_field(type_, name, spec.required, spec.choices)
            spec = replace(spec, required=required, choices=choices)
        note = _note(type_, name, spec, lang, inputs)
        if spec.kind == RATINGS:
            for key in RATING_KEYS:
                words = t(f"rating.{key}", lang)
                columns.append(
                    Column(
                        f"{name}.{key}",
                        name,
                        "rating",
                        False,
                        t("field.ratings", lang, name=words) + "\n" + t("tpl.optional", lang),
                    )
                )
        elif spec.kind == PHASES:
            for n in range(1, inputs.phase_count + 1):
                for part in ("key", "start", "end"):
                    columns.append(
                        Column(
                            f"{name}.{n}.{part}",
                            name,
                            "text" if part == "key" else "date",
                            False,
                            t(f"field.phases.{part}", lang, n=n) + "\n" + t("tpl.optional", lang),
                        )
                    )
        elif spec.kind == ENUM:
            columns.append(
                Column(name, name, "enum", spec.required, note, spec.choices, f"{type_}.{name}")
            )
        elif type_ == "ActivityHeld" and name == "kind":
            kinds = tuple(c for c, _ in inputs.activity_kinds)
            columns.append(Column(name, name, "enum", True, note, kinds, "activity_kinds"))
        elif name in _UNIT_FIELDS and inputs.units and (type_, name) != ("UnitRegistered", "unit"):
            codes = tuple(c for c, _ in inputs.units)
            columns.append(Column(name, name, "unit", spec.required, note, codes, "units"))
        else:
            kind = {DATE: "date", INT: "int", BOOL: "bool"}.get(spec.kind, "text")
            columns.append(Column(name, name, kind, spec.required, note))
    columns.append(Column("id", "id", "text", False, t("field.id", lang)))
    columns.append(Column("by", "by", "text", False, t("field.by", lang)))
    return columns


class _Lists:
    """The hidden ``#lists`` sheet: one drop-down list per column."""

    def __init__(self, book: Workbook, lang: str) -> None:
        self.sheet = book.create_sheet(t("tpl.lists", lang))
        self.sheet.sheet_state = "hidden"
        self.ranges: dict[str, str] = {}

    def range(self, name: str, values: Sequence[str]) -> str:
        if name not in self.ranges:
            column = len(self.ranges) + 1
            self.sheet.cell(row=1, column=column, value=name)
            for row, value in enumerate(values, start=2):
                cell = self.sheet.cell(row=row, column=column, value=value)
                cell.data_type = "s"
            letter = get_column_letter(column)
            self.ranges[name] = (
                f"{quote_sheetname(self.sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
            )
        return self.ranges[name]


def _validation(
    column: Column, lists: _Lists, lang: str, sender: str | None = None
) -> DataValidation | None:
    if column.kind in ("enum", "unit") and column.choices and column.list_name:
        if column.kind == "unit":  # (a unit's workbook: another unit's code is refused)
            said = t("tpl.unit_warning_sender", lang, unit=sender) if sender else None
            error = said or t("tpl.unit_warning", lang)
        else:
            error = t("tpl.pick", lang)
        found = DataValidation(
            type="list",
            formula1=lists.range(column.list_name, column.choices),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if column.kind == "unit" else "stop",
            errorTitle=t("tpl.pick_title", lang),
            error=error,
        )
        return found
    if column.kind == "bool":
        words = (t("tpl.true", lang), t("tpl.false", lang))
        return DataValidation(
            type="list",
            formula1=lists.range(f"bool.{lang}", words),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=t("tpl.pick_title", lang),
            error=t("tpl.pick", lang),
        )
    if column.kind in ("int", "rating"):
        low, high = (0, None) if column.kind == "int" else (1, 5)
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual" if high is None else "between",
            formula1=str(low),
            formula2=None if high is None else str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=t("tpl.pick_title", lang),
            error=column.note.splitlines()[0],
        )
    return None


def _type_sheet(
    book: Workbook, type_: str, lang: str, inputs: TemplateInputs, lists: _Lists
) -> None:
    sheet = book.create_sheet(type_)
    prefix = next((p for p in _TAB_COLOURS if type_.startswith(p)), None)
    if prefix:
        sheet.sheet_properties.tabColor = _TAB_COLOURS[prefix]
    bold = Font(bold=True)
    for index, column in enumerate(columns_of(type_, lang, inputs), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.data_type = "s"
        cell.font = bold
        colour = REQUIRED_FILL if column.required else HEADER_FILL
        cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        comment = Comment(column.note, "cxzy")
        comment.width, comment.height = 320, 40 + 18 * (column.note.count("\n") + 2)
        cell.comment = comment
        number_format = {
            "moment": MOMENT_FORMAT,
            "date": DATE_FORMAT,
            "int": "0",
            "rating": "0",
        }.get(column.kind, TEXT_FORMAT)
        dimension = sheet.column_dimensions[letter]
        dimension.number_format = number_format
        dimension.width = max(12, min(40, display_width(column.header) + 4))
        if column.kind == "moment":
            dimension.width = 18
        sender = inputs.sender[0] if inputs.sender else None
        validation = _validation(column, lists, lang, sender)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{ROWS + 1}")
    sheet.freeze_panes = "B2"


def _readme(book: Workbook, lang: str, inputs: TemplateInputs) -> None:
    sheet = book.active
    sheet.title = t("tpl.readme", lang)
    sheet.cell(row=1, column=1, value=t("tpl.title", lang, title=inputs.title)).font = Font(
        bold=True, size=14
    )
    sentences = [
        s.strip() for s in re.split(r"(?<=。)|(?<=\.)\s+", t("tpl.how", lang)) if s.strip()
    ]
    if inputs.sender is not None:
        code, name = inputs.sender
        said = t("tpl.for_unit", lang, unit=code, name=name)
        sheet.cell(row=2, column=1, value=said).font = Font(bold=True)
    first = 2 if inputs.sender is None else 3
    for row, sentence in enumerate(sentences, start=first):
        sheet.cell(row=row, column=1, value=sentence)
    row = len(sentences) + first + 1
    for column, key in enumerate(("tpl.col_sheet", "tpl.col_meaning", "tpl.col_fields"), 1):
        sheet.cell(row=row, column=column, value=t(key, lang)).font = Font(bold=True)
    for type_ in record_types(inputs):
        row += 1
        sheet.cell(row=row, column=1, value=type_)
        sheet.cell(row=row, column=2, value=t(f"type.{type_}", lang))
        fields = ", ".join(c.header for c in columns_of(type_, lang, inputs))
        sheet.cell(row=row, column=3, value=fields).alignment = Alignment(wrap_text=True)
        sheet.row_dimensions[row].height = 15 * (1 + display_width(fields) // 88)
    if inputs.units:
        row += 2
        sheet.cell(row=row, column=1, value=t("tpl.units", lang)).font = Font(bold=True)
        for code, name in inputs.units:
            row += 1
            sheet.cell(row=row, column=1, value=code).data_type = "s"
            sheet.cell(row=row, column=2, value=name).data_type = "s"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 90
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def write_template(path: Path, inputs: TemplateInputs, lang: str) -> int:
    """Save the fill-in workbook; returns the number of record sheets. Raises ``OSError``."""
    inputs = replace(  # (a control character in a title or a name: openpyxl refused it)
        inputs,
        title=safe_text(inputs.title),
        units=[(safe_text(code), safe_text(name)) for code, name in inputs.units],
        sender=None if inputs.sender is None else tuple(map(safe_text, inputs.sender)),
    )
    book = Workbook()
    _readme(book, lang, inputs)
    lists = _Lists(book, lang)
    types = record_types(inputs)
    for type_ in types:
        _type_sheet(book, type_, lang, inputs, lists)
    last = len(book.sheetnames) - 1
    book.move_sheet(lists.sheet, offset=last - book.index(lists.sheet))  # hidden lists go last
    book.properties.creator = "cxzy"
    book.properties.title = t("tpl.title", lang, title=inputs.title)
    with replacing(path) as (part,):
        book.save(part)
    return len(types)
