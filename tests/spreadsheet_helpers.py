"""Write interchange-format records as spreadsheets, the way people and Excel do."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from contract_helpers import act, commit, ev, prelude, rect, review

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATE_FIELDS = {"due", "deadline"}
EVENTS = Path(__file__).resolve().parents[1] / "events"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Nested fields as ``ratings.leadership`` / ``phases.1.start`` columns."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                flat[f"{key}.{sub}"] = inner
        elif isinstance(value, list):
            for n, item in enumerate(value, start=1):
                for sub, inner in item.items():
                    flat[f"{key}.{n}.{sub}"] = inner
        else:
            flat[key] = value
    return flat


def headers_of(rows: Iterable[dict[str, Any]], with_type: bool = True) -> list[str]:
    names: list[str] = []
    for row in rows:
        for key in row:
            if key not in names:
                names.append(key)
    first = ["type", "at"] if with_type else ["at"]
    return first + [n for n in names if n not in ("type", "at")]


def _local(at: str) -> datetime | date:
    """``at`` as Excel holds it: a local (campaign-zone) date or datetime."""
    if len(at) == 10:
        return date.fromisoformat(at)
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    return moment


def _is_date_field(key: str) -> bool:
    return key in DATE_FIELDS or key.endswith((".start", ".end"))


def typed_cell(key: str, value: Any) -> Any:
    """A value as a person types it into Excel: dates as dates, numbers as numbers."""
    if key == "at":
        return _local(value)
    if _is_date_field(key):
        return date.fromisoformat(value)
    return value


def excel_text(key: str, value: Any) -> str:
    """A value as Excel writes it into a CSV file (Chinese locale)."""
    if key == "at":
        local = _local(value)
        if isinstance(local, datetime):
            text = f"{local.year}/{local.month}/{local.day} {local.hour}:{local.minute:02d}"
            return text + (f":{local.second:02d}" if local.second else "")
        return f"{local.year}/{local.month}/{local.day}"
    if _is_date_field(key):
        day = date.fromisoformat(value)
        return f"{day.year}/{day.month}/{day.day}"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def write_xlsx_rows(
    path: Path, sheets: dict[str, list[dict[str, Any]]], typed: bool = True
) -> Path:
    """One sheet per entry; a sheet named after a type gets no ``type`` column."""
    book = Workbook()
    book.remove(book.active)
    for title, records in sheets.items():
        sheet = book.create_sheet(title)
        rows = [flatten(r) for r in records]
        with_type = not any(r.get("type") == title for r in records)
        header = headers_of(rows, with_type=with_type)
        sheet.append(header)
        for row in rows:
            sheet.append(
                [(typed_cell(h, row[h]) if typed else row[h]) if h in row else None for h in header]
            )
    book.save(path)
    return path


def write_xlsx(path: Path, records: list[dict[str, Any]], sheet: str = "记录") -> Path:
    return write_xlsx_rows(path, {sheet: records})


def write_xlsx_by_type(path: Path, records: list[dict[str, Any]]) -> Path:
    """One sheet per record type, each named after it (like the fill-in template)."""
    sheets: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        sheets.setdefault(record["type"], []).append(record)
    return write_xlsx_rows(path, sheets)


def csv_text(records: list[dict[str, Any]], delimiter: str = ",") -> str:
    rows = [flatten(r) for r in records]
    header = headers_of(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([excel_text(h, row[h]) if h in row else "" for h in header])
    return out.getvalue()


def write_csv(
    path: Path, records: list[dict[str, Any]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    path.write_bytes(csv_text(records, delimiter).encode(encoding))
    return path


def write_table(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Sheet") -> Path:
    """Raw rows into a workbook (row 1 first)."""
    return write_sheets(path, {sheet: rows})


def write_sheets(
    path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]], hidden: Collection[str] = ()
) -> Path:
    """Raw rows into a workbook's sheets, in order; those named in ``hidden`` hidden."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.sheet_state = "hidden" if title in hidden else "visible"
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def log_without_recorded(text: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    for record in records:
        record.pop("recorded", None)
    return records


# -- a known small history for the ledger and the report ------------------------------

AS_OF = "2011-07-01"
INJECTIONS = {
    "K4": '=HYPERLINK("http://example.invalid","点我")',
    "R2": "+1 问题",
    "inspection": "-台帐不全",
    "mobilization": "@全体党员 动员",
    "study": "\t学习",
}


def history() -> list[dict]:
    return [
        *prelude(),
        commit("K1", "145", "2010-05-20", "2010-12-31", text="完成勘查项目"),
        ev("CommitmentDueChanged", "2010-12-20", commitment="K1", due="2011-03-31", reason="冬季"),
        ev("CommitmentFulfilled", "2011-03-01", commitment="K1", note="完成"),
        commit("K2", "145", "2010-05-21", "2010-10-31", text="办实事", person="张三"),
        ev("CommitmentFulfilled", "2010-11-15", commitment="K2"),
        commit("K3", "145", "2010-05-22", "2011-01-31", text="建活动室", public=False),
        ev("CommitmentProgressed", "2010-12-01", commitment="K3", note="选址"),
        commit("K4", "JU", "2010-05-23", "2011-12-31", text=INJECTIONS["K4"]),
        rect(
            "R1",
            "145",
            "2011-02-05",
            "2011-04-30",
            issue="台帐不全",
            source="Rv1",
            owner="王五",
            supervised=True,
        ),
        ev(
            "RectificationDeadlineExtended",
            "2011-04-20",
            rectification="R1",
            deadline="2011-05-31",
            reason="设备",
        ),
        ev("RectificationEscalated", "2011-06-05", rectification="R1", action="public_criticism"),
        ev("RectificationCompleted", "2011-06-10", rectification="R1"),
        ev(
            "RectificationVerified",
            "2011-06-15",
            rectification="R1",
            accepted=False,
            verifier="李四",
            note="返工",
        ),
        ev("RectificationCompleted", "2011-06-20", rectification="R1", note="已改"),
        ev(
            "RectificationVerified",
            "2011-06-25",
            rectification="R1",
            accepted=True,
            verifier="李四",
        ),
        rect("R2", "145", "2011-03-01", "2011-06-30", issue=INJECTIONS["R2"]),
        ev("RectificationProgressed", "2011-04-01", rectification="R2", note="推进中"),
        rect("R3", "JU", "2011-03-01", "2011-09-30", issue="制度不全"),
        ev("RectificationCompleted", "2011-06-28", rectification="R3"),
        review(
            "145",
            "mass_evaluation",
            "2010-12-01",
            review="Rv1",
            reviewer="群众",
            grade="middle",
            ratings={"leadership": 4, "members": 3},
        ),
        review(
            "JU",
            "inspection",
            "2011-02-01",
            method="tour",
            verdict="criticize",
            note=INJECTIONS["inspection"],
        ),
        act("145", "mobilization", "2010-05-12", title=INJECTIONS["mobilization"], participants=40),
        act("JU", "study", "2010-05-15", title=INJECTIONS["study"], by="刘宏"),
        ev("CommendationAwarded", "2011-06-28", unit="145", title="advanced_org", level="province"),
        act("145", "study", "2011-08-01", title="after the day"),  # not in the ledger
    ]
