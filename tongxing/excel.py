"""Writing spreadsheets safely: streamed to a temporary file (write-only mode keeps memory flat however many rows),
and every text cell that a spreadsheet would read as a formula made inert (CSV/formula injection, OWASP)."""

import tempfile

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A text that Excel or WPS would evaluate gets a leading apostrophe-equivalent: it is stored as plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_workbook(sheets) -> tempfile.SpooledTemporaryFile:
    """sheets: [(title, header, rows)], rows an iterable. Returns the file, positioned at its start."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([inert(h) for h in header])
        for row in rows:
            sheet.append([inert(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out
