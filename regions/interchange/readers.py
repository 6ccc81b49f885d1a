"""Opening a bundle: a folder of CSVs, a .zip of CSVs, one .csv, or an .xlsx with one sheet each.

A bundle yields one `TableSource` per table found. A source can be read any number of times
(the importer reads leads twice: validate, then write), always from the start, a row at a
time, so a million-row file is never held in memory. Cells come out as text: CSV cells as
written, .xlsx cells converted to the same notation (see `cells.xlsx_text`).

Archives are checked before anything is read (regions of a .zip or an .xlsx): at most
IMPORT_MAX_ZIP_MEMBERS members inflating to at most IMPORT_MAX_INFLATED_BYTES in total by their
declared sizes, and while reading (a member read past its declared size, which zipfile already
refuses, or a sheet longer than IMPORT_MAX_XLSX_ROWS rows stops the read). So a small zip that
inflates to a gigabyte is refused at once instead of being decompressed.

CSV files must be UTF-8 (a byte-order mark is fine). A file that is not valid UTF-8 but is
valid GB18030 (a superset of GBK, which Excel uses on Chinese Windows) is read as GB18030 with
a warning; anything else is an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.conf import settings

from regions.interchange.cells import xlsx_text
from regions.interchange.formats import TABLES, Table
from regions.interchange.report import ImportReport

BinaryOpener = Callable[[], AbstractContextManager[IO[bytes]]]
Source = str | os.PathLike[str] | IO[bytes]

GBK_WARNING = "decoded as GBK/GB18030 (not UTF-8); please save the file as UTF-8"
_ENCODINGS = ("utf-8-sig", "gb18030")
_READ_CHUNK = 1 << 20


class ReadError(Exception):
    """A file that stops being readable part-way (broken CSV quoting, a damaged sheet)."""


@dataclass
class TableSource:
    """One table's rows in a bundle; `records()` yields the header, then each row's cells."""

    table: Table
    label: str
    records: Callable[[], Iterator[list[str]]]


class Bundle:
    """The tables found in what the user gave, plus the open files behind them."""

    def __init__(self, report: ImportReport, tables: Mapping[str, Table]) -> None:
        self.report = report
        self.tables = tables  # the tables a bundle may hold, in import order
        self.sources: dict[str, TableSource] = {}
        self.resources = ExitStack()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.resources.close()

    def in_import_order(self) -> list[TableSource]:
        """The sources ordered so that every table comes after those its codes point to."""
        return [self.sources[name] for name in self.tables if name in self.sources]

    def add(self, name: str, label: str, records: Callable[[], Iterator[list[str]]]) -> None:
        """Register a table file or sheet; an unknown or repeated table name is an error."""
        table = self.tables.get(name.strip().lower())
        if table is None:
            expected = ", ".join(self.tables)
            self.report.error(
                label, None, "", "", f"unknown table {name!r}; expected one of: {expected}"
            )
        elif table.name in self.sources:
            other = self.sources[table.name].label
            self.report.error(label, None, "", "", f"a second file for {table.name} ({other})")
        else:
            self.sources[table.name] = TableSource(table, label, records)


def open_bundle(
    source: Source, report: ImportReport, tables: Mapping[str, Table] = TABLES
) -> Bundle:
    """Find the tables in a folder, .zip, .xlsx or .csv path, or in an uploaded file object.

    `tables` are the tables the bundle may hold, in import order (by default the reference
    tables; projects.interchange adds leads).

    Problems with the container itself (no such path, unknown table names, undecodable text)
    go into `report`; the bundle then holds only the readable tables.
    """
    bundle = Bundle(report, tables)
    try:
        if isinstance(source, str | os.PathLike):
            _add_path(bundle, Path(source))
        else:
            _add_upload(bundle, source)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, ReadError) as exc:
        report.error(_label_of(source), None, "", "", f"cannot open: {exc}")
    return bundle


def archive_problem(archive: zipfile.ZipFile) -> str | None:
    """Why an archive (.zip or .xlsx) is refused before reading it, or None: too many members,
    or members that would inflate to more than the limit (by the sizes the archive declares,
    which zipfile never reads past)."""
    members = archive.infolist()
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        return (
            f"too many files in the archive: {len(members)}, "
            f"the limit is {settings.IMPORT_MAX_ZIP_MEMBERS}"
        )
    inflated = sum(member.file_size for member in members)
    if inflated > settings.IMPORT_MAX_INFLATED_BYTES:
        return (
            f"the archive would inflate to {_megabytes(inflated)}, "
            f"the limit is {_megabytes(settings.IMPORT_MAX_INFLATED_BYTES)}"
        )
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


class _Inflating(io.RawIOBase):
    """A member of an archive being read, refused once it yields more than it declared (a
    forged directory) or a damaged stream: a ReadError instead of a decompression bomb."""

    def __init__(self, stream: IO[bytes], declared: int) -> None:
        self.stream = stream
        self.left = declared

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.stream.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ReadError(f"the archive is damaged: {exc}") from exc
        self.left -= len(data)
        if self.left < 0:
            raise ReadError("a file in the archive inflates to more than its declared size")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


@contextmanager
def _open_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
    with archive.open(info) as member:
        yield io.BufferedReader(_Inflating(member, info.file_size), _READ_CHUNK)


def _label_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).name
    return Path(getattr(source, "name", "") or "upload").name


def _add_path(bundle: Bundle, path: Path) -> None:
    suffix = path.suffix.lower()
    if path.is_dir():
        _add_folder(bundle, path)
    elif not path.exists():
        bundle.report.error(path.name, None, "", "", f"no such file or folder: {path}")
    elif suffix == ".csv":
        _add_csv(bundle, path.stem, path.name, lambda: path.open("rb"))
    elif suffix == ".zip":
        _add_zip(bundle, bundle.resources.enter_context(zipfile.ZipFile(path)))
    elif suffix == ".xlsx":
        _add_workbook(bundle, path.name, path)
    else:
        bundle.report.error(
            path.name,
            None,
            "",
            "",
            "unsupported file: expected a folder of "
            ".csv files, a .zip of them, one .csv or an .xlsx workbook",
        )


def _add_folder(bundle: Bundle, folder: Path) -> None:
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_file() and path.suffix.lower() == ".csv":
            _add_csv(bundle, path.stem, path.name, lambda p=path: p.open("rb"))  # type: ignore[misc]
        else:
            bundle.report.warn(path.name, "ignored: not a .csv file")


def _add_zip(bundle: Bundle, archive: zipfile.ZipFile) -> None:
    problem = archive_problem(archive)
    if problem is not None:
        bundle.report.error(archive.filename or "upload", None, "", "", problem)
        return
    for info in archive.infolist():
        name = Path(info.filename).name
        if info.is_dir() or name.startswith(".") or info.filename.startswith("__MACOSX/"):
            continue
        if name.lower().endswith(".csv"):
            opener = lambda i=info: _open_member(archive, i)  # noqa: E731
            _add_csv(bundle, Path(name).stem, info.filename, opener)
        else:
            bundle.report.warn(info.filename, "ignored: not a .csv file")


def _add_upload(bundle: Bundle, upload: IO[bytes]) -> None:
    label = _label_of(upload)
    upload.seek(0)
    is_zip = upload.read(4) == b"PK\x03\x04"
    upload.seek(0)
    if not is_zip:
        _add_csv(bundle, Path(label).stem, label, lambda: _borrowed(upload))
        return
    with zipfile.ZipFile(upload) as probe:
        is_workbook = "xl/workbook.xml" in probe.namelist()
    upload.seek(0)
    if is_workbook:
        _add_workbook(bundle, label, upload)
    else:
        _add_zip(bundle, bundle.resources.enter_context(zipfile.ZipFile(upload)))


@contextmanager
def _borrowed(upload: IO[bytes]) -> Iterator[IO[bytes]]:
    """The caller's open file, rewound; it stays open for the caller to close."""
    upload.seek(0)
    yield upload


def _add_csv(bundle: Bundle, name: str, label: str, opener: BinaryOpener) -> None:
    encoding = detect_encoding(opener)
    if encoding is None:
        bundle.report.error(
            label,
            None,
            "",
            "",
            "cannot read the text: the file is neither "
            "UTF-8 nor GBK/GB18030; please save it as UTF-8 CSV",
        )
        return
    if encoding != _ENCODINGS[0]:
        bundle.report.warn(label, GBK_WARNING)
    bundle.add(name, label, lambda: _csv_records(opener, encoding))


def detect_encoding(opener: BinaryOpener) -> str | None:
    """ "utf-8-sig" if the whole file is UTF-8 (BOM optional), else "gb18030" if it decodes
    strictly as that, else None. Reads the file once, a megabyte at a time."""
    for encoding in _ENCODINGS:
        if _decodes(opener, encoding):
            return encoding
    return None


def _decodes(opener: BinaryOpener, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with opener() as stream:
        try:
            while chunk := stream.read(_READ_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _csv_records(opener: BinaryOpener, encoding: str) -> Iterator[list[str]]:
    with opener() as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        try:
            yield from csv.reader(text)
        except csv.Error as exc:
            raise ReadError(f"cannot read the CSV: {exc}") from exc
        finally:
            text.detach()  # closing is the opener's job (an upload stays open)


def _add_workbook(bundle: Bundle, label: str, source: Path | IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(source) as archive:  # an .xlsx is a zip: the same limits
            problem = archive_problem(archive)
    except zipfile.BadZipFile as exc:
        problem = f"not a readable .xlsx workbook: {exc}"
    if problem is not None:
        bundle.report.error(label, None, "", "", problem)
        return
    if not isinstance(source, Path):
        source.seek(0)
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        bundle.report.error(label, None, "", "", f"not a readable .xlsx workbook: {exc}")
        return
    bundle.resources.callback(book.close)
    for sheet_name in book.sheetnames:
        sheet = book[sheet_name]
        records = lambda s=sheet: _sheet_records(s)  # noqa: E731
        bundle.add(sheet_name, f"{label}[{sheet_name}]", records)


def _sheet_records(sheet: Any) -> Iterator[list[str]]:
    # The stored dimensions may be wrong (files from other tools); read what is there.
    sheet.reset_dimensions()
    limit = settings.IMPORT_MAX_XLSX_ROWS
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limit:
                raise ReadError(f"the sheet has more than {limit:,} rows, the limit")
            yield [xlsx_text(value) for value in values]
    except ReadError:
        raise
    except Exception as exc:  # a damaged sheet: report it where it stopped
        raise ReadError(f"cannot read the sheet: {exc}") from exc
