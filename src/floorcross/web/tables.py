"""Downloads: every table on the site as CSV or JSON, from the same rows the page shows.

CSV cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a
leading apostrophe: article text is written by others, and a newsroom opens these in Excel.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse, Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a CSV cell: lists joined by ``; ``, dicts as JSON, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV with a header line (columns: given, else those of the first row)."""
    cols = list(columns or (rows[0].keys() if rows else []))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in cols])
    return buffer.getvalue()


def csv_response(rows: Sequence[dict[str, Any]], filename: str,
                 columns: Sequence[str] | None = None) -> Response:
    """A CSV download (UTF-8 with a BOM, so Excel reads accents right)."""
    body = "\ufeff" + csv_text(rows, columns)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def table_response(data: Any, rows: Sequence[dict[str, Any]], fmt: str, filename: str,
                   columns: Sequence[str] | None = None) -> Response:
    """``data`` as JSON, or ``rows`` as CSV, as the ``format`` parameter asks."""
    if fmt == "csv":
        return csv_response(rows, filename, columns)
    return JSONResponse(data)
