"""Where a report goes: the path checked before any simulation, the file written at the end."""

from __future__ import annotations

from pathlib import Path

from clearsim.flows.report.page import render_report
from clearsim.flows.report.study_report import StudyResults


class ReportPathError(ValueError):
    """The report cannot be written there (one line)."""


def check_report_path(path: str | Path) -> Path:
    """The path as given, if an HTML file can be written there (its folder is made if missing)."""
    target = Path(path)
    if target.is_dir():
        raise ReportPathError(
            f"{target} is a directory: give the report a file name, e.g. report.html"
        )
    if target.suffix.lower() not in (".html", ".htm"):
        raise ReportPathError(f"{target}: the report is an HTML file, name it *.html")
    folder = target.parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise ReportPathError(f"{target}: {existing} is a file, not a folder")
    return target


def write_report(results: StudyResults, path: str | Path) -> Path:
    """Render the study and write it to ``path`` (UTF-8); return the path.

    Raises :class:`ReportPathError` (one line) when the file cannot be written.
    """
    target = check_report_path(path)
    page = render_report(results)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ReportPathError(f"cannot write {target}: {error.strerror or error}") from None
    return target
