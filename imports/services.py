"""Importing hand-over lists from Excel: a template to fill in, a check of every row with its reasons, and a commit
that writes all rows or none.

The file is read by calamine (compiled, no DTD or entity expansion; the archive itself is vetted on upload) into
plain values, about 30 times faster than openpyxl's reader, which still writes the template. Checking runs in the
task worker and reports progress; the commit reads the file once more and checks every row again (the records may
have changed since), writing a thousand checked rows at a time through `people.services.Intake` — the same checks,
records, duties and audit as the forms — inside one transaction: one failure and nothing stays."""

import io
import multiprocessing
import os
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from python_calamine import CalamineError, CalamineWorkbook

from people import idnumbers
from people.models import Person
from tongxing.bulk import fewer_collections
from tongxing.crypto import search_hashes

from .schema import KINDS, parse_date

MAX_ERRORS_KEPT = 1000
MAX_WORKBOOK_PARTS = 2000  # a list has a few dozen parts; thousands mean a crafted archive
MACRO_PARTS = (".bin",)  # VBA projects (vbaProject.bin) and ActiveX/OLE binaries: a list needs neither
PREVIEW_ROWS = 20
IMPORTERS = {"judicial_officer", "supervisor", "social_worker", "bureau_leader"}


def import_dir() -> Path:
    """Uploaded lists hold ID numbers in clear: a folder only the service account can read, files kept no longer
    than their import needs (`purge_old_files`)."""
    path = Path(settings.IMPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def purge_old_files(hours: int = 24) -> int:
    """Remove uploads left behind by abandoned imports (run by the periodic job)."""
    import time

    cutoff, removed = time.time() - hours * 3600, 0
    for path in import_dir().glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def discard(filename: str) -> None:
    (import_dir() / filename).unlink(missing_ok=True)


def template(kind: str) -> bytes:
    """The template: the header row, one example row, and a sheet explaining every column and its codes."""
    spec = KINDS[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([c.header for c in spec["columns"]])
    sheet.append([c.example for c in spec["columns"]])
    notes = book.create_sheet("填写说明")
    notes.append(["列", "必填", "格式"])
    for column in spec["columns"]:
        form = {"date": "日期，如 2026-11-01", "id_number": "18位身份证号（校验码会被检查）",
                "street": "本机构辖区内街道（乡镇）的行政区划代码"}.get(column.kind, "文字")
        if column.codes:
            form = "填写：" + "、".join(code for code in column.codes if code)
        notes.append([column.header, "是" if column.required else "否", form])
    notes.append([])
    notes.append(["第2行是示例，导入前请删除。每行一人；全部检查通过才会导入，任何一行有误则全部不导入。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload_save(*, actor, kind: str, upload) -> str:
    """Keep the uploaded file for the job; refuse what is not a reasonable .xlsx."""
    if actor.role not in IMPORTERS or not actor.has_perm("people.add_person"):
        raise PermissionDenied(_("Your role does not import lists."))
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Choose what the list is.")]})
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationError({"file": [_("Upload an Excel file (.xlsx); save older .xls files as .xlsx first.")]})
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {
            "mb": settings.IMPORT_MAX_BYTES // 1024 // 1024}]})

    path = import_dir() / f"{uuid.uuid4()}.xlsx"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        if not zipfile.is_zipfile(path):
            raise ValidationError({"file": [_("This is not an Excel workbook.")]})
        with zipfile.ZipFile(path) as archive:  # a small zip can inflate to gigabytes: refuse before reading
            members = archive.infolist()
            names = {member.filename for member in members}
            if len(members) > MAX_WORKBOOK_PARTS or any(m.flag_bits & 0x1 for m in members):
                raise ValidationError({"file": [_("This is not an ordinary Excel workbook.")]})  # padded or encrypted
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
                raise ValidationError({"file": [_("This is not an Excel workbook.")]})
            if any(name.lower().endswith(MACRO_PARTS) for name in names):
                raise ValidationError({"file": [_("The workbook contains macros; save it as a plain .xlsx without "
                                                  "them.")]})
            if sum(member.file_size for member in members) > settings.IMPORT_MAX_UNZIPPED_BYTES:
                raise ValidationError({"file": [_("The workbook is too large once unpacked.")]})
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):  # a damaged archive that still looks like a zip
        path.unlink(missing_ok=True)
        raise ValidationError({"file": [_("This is not an Excel workbook.")]}) from None
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    return path.name


class Checker:
    """Checks rows one by one, remembering what a whole file needs (duplicates inside it). `row` runs in the reading
    process (`_Reader`), `existing` — which asks the database — in the job's own."""

    def __init__(self, *, user, kind: str):
        from people.selectors import people_visible_to
        from orgs.selectors import streets_for_new_people

        self.user, self.kind, self.spec = user, kind, KINDS[kind]
        self.streets = {a.code: a for a in streets_for_new_people(user=user)}
        self.visible = people_visible_to(user=user, include_inactive=True)
        self.seen: dict[str, int] = {}

    def header_map(self, header) -> tuple[dict[str, int], list[str]]:
        positions = {str(h).strip(): i for i, h in enumerate(header or []) if h is not None}
        missing = [c.header for c in self.spec["columns"] if c.required and c.header not in positions]
        return positions, missing

    def row(self, number: int, values: tuple, positions: dict) -> tuple[dict, list[tuple[int, str, str]]]:
        data, errors = {}, []
        for column in self.spec["columns"]:
            raw = values[positions[column.header]] if column.header in positions and positions[
                column.header] < len(values) else None
            text = "" if raw is None else str(raw).strip()
            if not text:
                if column.required:
                    errors.append((number, column.header, _("required")))
                continue
            try:
                data[column.key] = self._value(column, raw, text)
            except (ValueError, ValidationError) as exc:
                message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                errors.append((number, column.header, message))
        number_seen = self.seen.get(data.get("id_number", ""))
        if number_seen:
            errors.append((number, "身份证号", _("the same ID number as row %(n)s") % {"n": number_seen}))
        elif data.get("id_number"):
            self.seen[data["id_number"]] = number
        if data.get("id_number") and data.get("sex") and data["sex"] != idnumbers.sex_of(data["id_number"]):
            errors.append((number, "性别", _("does not match the ID number")))
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            errors.append((number, "矫正终止日", _("before the start")))
        return data, errors

    def _value(self, column, raw, text):
        if len(text) > column.max_length:
            raise ValueError(_("longer than %(n)s characters") % {"n": column.max_length})
        if column.kind == "id_number":
            if isinstance(raw, float):  # Excel keeps 15 digits of a number: the last ones are gone
                raise ValueError(_("typed as a number, which keeps only 15 digits: format the column as text and "
                                   "type the number again"))
            return idnumbers.validate_id_number(text)
        if column.kind == "date":
            try:
                return parse_date(raw)
            except (ValueError, TypeError):
                raise ValueError(_("not a date like 2026-11-01")) from None
        if column.kind == "code":
            if text not in column.codes:
                raise ValueError(_("write one of: %(codes)s") % {"codes": "、".join(c for c in column.codes if c)})
            return column.codes[text]
        if column.kind == "street":
            if text not in self.streets:
                raise ValueError(_("not a street your organisation registers people in"))
            return self.streets[text]
        return text

    def existing(self, rows: list[tuple[int, dict]]) -> tuple[list[tuple[int, str, str]], dict[int, Person]]:
        """Checks against the records, a chunk at a time: a known person must be one the user may add to, without
        an active record of this population already. Returns the errors and the known people by row."""
        hashes = {h: n for n, d in rows if d.get("id_number") for h in search_hashes(d["id_number"])}
        errors, known = [], {}
        population = self.spec["population"]
        # Two thousand hashes go as one array parameter, not a statement of two thousand literals to parse.
        found = Person.objects.filter(id_number_hash__one_of=list(hashes), is_active=True).prefetch_related(
            "enrolments")
        visible = set(self.visible.filter(pk__in=[p.pk for p in found]).values_list("pk", flat=True))
        for person in found:
            number = hashes[person.id_number_hash]
            if population is None:
                errors.append((number, "身份证号", _("already has a file")))
            elif person.pk not in visible or not self.user.has_perm("people.change_person", person):
                errors.append((number, "身份证号", _("registered by another office: ask it to transfer the file")))
            elif any(e.population == population and e.status == "active" for e in person.enrolments.all()):
                errors.append((number, "身份证号", _("already has an active record of this kind")))
            else:
                known[number] = person
        return errors, known


def _cell(value):
    """Plain values: a number typed into a text column (a phone) reads as 13800000000, not 13800000000.0. Not above
    15 digits: Excel keeps no more, so an 18-digit ID number typed as a number has lost its last digits, and turning
    it back into digits would make a different, valid-looking number (the check refuses the float instead)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return None if value == "" else value


class _Unreadable(Exception):
    pass


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _read_in_child(path: str, out, limit: int, checker: "Checker") -> None:
    """Runs in the child: cap its memory, read the sheet and check its rows (`Checker.row`, which needs no database),
    sending them a thousand at a time — so the reading and checking use a core of their own."""
    import faulthandler

    faulthandler.disable()  # a crafted sheet ends this process by design: no traceback in the worker's log
    try:
        if limit and os.path.exists("/proc/self/statm"):
            import resource

            cap = _address_space() + limit
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        rows = iter(sheet.iter_rows())
        positions, missing = checker.header_map([_cell(v) for v in next(rows, [])])
        out.send(("header", (max(sheet.height - 1, 0), missing)))
        if missing:
            return
        batch = []
        for number, values in enumerate(rows, start=2):  # row numbers as Excel shows them
            values = tuple(_cell(v) for v in values)
            if not any(v is not None for v in values):
                continue
            batch.append((number, *checker.row(number, values, positions)))
            if len(batch) == 1000:
                out.send(("rows", batch))
                batch = []
        out.send(("rows", batch))
        out.send(("end", None))
    except (CalamineError, ValueError, OSError, MemoryError) as exc:
        out.send(("error", str(exc)))
    except Exception:  # a fault in the checks, not in the file: the job fails with it, as it would in-process
        import traceback

        out.send(("crash", traceback.format_exc()))
    finally:
        out.close()


def _too_large() -> str:
    return str(_("The sheet is too large to read: it has more cells than an import takes (is there something far to "
                 "the right or below the list?)."))


class _Reader:
    """A workbook read and checked in a child process with capped memory (`IMPORT_READER_MAX_BYTES`): calamine holds
    a sheet's cells in memory, and a crafted sheet's cells can be billions in a file of a few kilobytes. If the child
    runs out of its memory it ends (a failed allocation aborts it), and the rows say the file cannot be read.

    `total` is the number of rows below the header, `missing` the required columns the header lacks; `rows()` gives
    (row number, data, errors) for each row that is not empty."""

    def __init__(self, path: Path, checker: "Checker"):
        context = multiprocessing.get_context("fork")
        self.inbox, outbox = context.Pipe(duplex=False)
        self.child = context.Process(target=_read_in_child, daemon=True,
                                     args=(str(path), outbox, settings.IMPORT_READER_MAX_BYTES, checker))
        self.child.start()
        outbox.close()
        self.finished = False
        try:
            self.total, self.missing = self._receive("header")
        except BaseException:
            self.close()
            raise

    def _receive(self, wanted: str):
        try:
            kind, payload = self.inbox.recv()
        except EOFError:  # the child ended without a word: its memory ran out
            raise _Unreadable(_too_large()) from None
        self._raise_for(kind, payload)
        if kind != wanted:
            raise _Unreadable(kind)
        return payload

    @staticmethod
    def _raise_for(kind: str, payload) -> None:
        if kind == "error":
            raise _Unreadable(payload)
        if kind == "crash":
            raise RuntimeError(f"The process reading the workbook failed:\n{payload}")

    def rows(self):
        while True:
            try:
                kind, payload = self.inbox.recv()
            except EOFError:
                raise _Unreadable(_too_large()) from None
            if kind == "end":
                self.finished = True
                return
            self._raise_for(kind, payload)
            yield from payload

    def close(self) -> None:
        self.inbox.close()
        if not self.finished:  # stopped midway: the child may be waiting to send rows nobody will read
            self.child.kill()
        self.child.join(timeout=5)
        if self.child.is_alive():
            self.child.kill()
            self.child.join()


def _preview_id(number: str) -> str:
    """The preview stays in the job's result after the import, so it keeps no more of an ID number than a masked
    display: the region (the birth date and last four, with the person's date of birth, would give the whole)."""
    from people.idnumbers import masked

    return masked(number)


def _unreadable(exc: _Unreadable) -> dict:
    return {"rows": 0, "valid": 0, "error_count": 1, "preview": [],
            "errors": [(1, "", str(_("The file cannot be read as an Excel workbook: %(why)s") % {"why": exc}))]}


def _walk(*, user, kind: str, filename: str, progress, write=None) -> dict:
    """Check every row, a thousand at a time. With `write`, each thousand without errors is handed to it while no
    error has been found; after the first error the rest is only checked, so the report lists them all."""
    checker = Checker(user=user, kind=kind)
    try:
        book = _Reader(import_dir() / filename, checker)
    except _Unreadable as exc:
        return _unreadable(exc)
    errors, preview, chunk, count, error_count = [], [], [], 0, 0

    def settle(chunk):
        nonlocal error_count
        found, known = checker.existing(chunk)
        error_count += len(found)
        errors.extend(found[:max(0, MAX_ERRORS_KEPT - len(errors))])
        if write is not None and not error_count:
            write(chunk, known)

    try:
        if book.missing:
            return {"rows": 0, "valid": 0, "error_count": 1, "preview": [],
                    "errors": [(1, "、".join(book.missing), str(_("missing columns: use the template")))]}
        if write is None:
            progress(0, book.total, str(_("checking rows")))
        for number, data, row_errors in book.rows():
            count += 1
            error_count += len(row_errors)
            if len(errors) < MAX_ERRORS_KEPT:  # count them all, keep the first thousand
                errors.extend(row_errors)
            if not row_errors:
                chunk.append((number, data))
                if len(preview) < PREVIEW_ROWS:
                    preview.append([number, data.get("full_name", ""), _preview_id(data.get("id_number", "")),
                                    getattr(data.get("street_code"), "name", "")])
            if len(chunk) >= 1000:
                settle(chunk)
                chunk = []
            if count % 500 == 0:
                progress(count, book.total)
        settle(chunk)
    except _Unreadable as exc:
        return _unreadable(exc)
    finally:
        book.close()
    errors.sort()
    invalid_rows = len({e[0] for e in errors}) if error_count == len(errors) else None
    return {"rows": count, "valid": count - invalid_rows if invalid_rows is not None else None,
            "error_count": error_count, "errors": [list(e) for e in errors], "preview": preview}


def check_file(*, user, kind: str, filename: str, progress=lambda *a, **k: None) -> dict:
    """Check every row; nothing is written. Returns counts, the errors by row (the first thousand) and a preview."""
    return _walk(user=user, kind=kind, filename=filename, progress=progress)


PERSON_KEYS = ("full_name", "id_number", "sex", "phone", "residence_address", "street_code")


class _NothingImported(Exception):
    pass


def commit_file(*, user, kind: str, filename: str, progress=lambda *a, **k: None) -> dict:
    """Check again and write every row in one transaction; any error and nothing is imported."""
    from people.services import Intake, enrolment_add

    population = KINDS[kind]["population"]
    imported = 0

    def write(chunk, known):
        nonlocal imported
        new = []
        for number, data in chunk:
            record = {**{k: v for k, v in data.items() if k not in PERSON_KEYS}, "population": population} \
                if population else None
            if number in known:  # a file already kept by the user's office gets the new record
                try:
                    enrolment_add(actor=user, person=known[number], data=record, announcements=intake.announcements)
                except ValidationError as exc:
                    raise ValidationError(_("Row %(n)s: %(error)s") % {"n": number, "error": "；".join(exc.messages)})
            else:
                new.append((number, {"full_name": data["full_name"], "id_number": data["id_number"],
                                     "sex": data.get("sex") or "", "phone": data.get("phone", ""),
                                     "residence_address": data.get("residence_address", ""),
                                     "area": data["street_code"]}, record))
        intake.add(new)
        imported += len(chunk)

    progress(0, None, str(_("checking and writing every row in one transaction")))
    try:
        with transaction.atomic(), fewer_collections():
            intake = Intake(actor=user, builders=settings.IMPORT_BUILDERS)
            try:
                result = _walk(user=user, kind=kind, filename=filename, progress=progress, write=write)
                if result["error_count"] or not result["rows"]:
                    raise _NothingImported
                intake.finish()
            finally:
                intake.close()
    except _NothingImported:
        return {**result, "imported": 0, "message": str(_("Nothing was imported: fix the rows listed and upload "
                                                           "the file again."))}
    except (ValidationError, PermissionDenied) as exc:
        error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return {"rows": 0, "valid": 0, "error_count": 1, "errors": [], "preview": [], "imported": 0,
                "message": str(_("Nothing was imported. %(error)s") % {"error": error})}
    finally:
        discard(filename)  # imported or not, the list is not kept
    return {**result, "imported": imported, "message": str(_("%(n)s rows imported.") % {"n": imported})}


@transaction.atomic
def commit_start(*, actor, checked):
    """Start the import of a checked file, once: the check job is locked and marked, so a second click or a second
    request cannot import the same list twice."""
    from jobs.models import Job
    from jobs.services import job_start

    checked = Job.objects.select_for_update().get(pk=checked.pk, user=actor)
    if checked.kind != "import_check" or checked.status != "done" or checked.result.get("error_count") or \
            not checked.result.get("rows") or checked.result.get("commit_job"):
        raise PermissionDenied(_("Only a checked file without errors is imported, and only once."))
    job = job_start(actor=actor, kind="import_commit", params=checked.params)
    checked.result = {**checked.result, "commit_job": str(job.pk)}
    checked.save(update_fields=["result"])
    return job
