"""The `kb` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from importers.batch import iter_results
from importers.limits import DEFAULT_LIMITS, MB, Limits
from importers.parse import ParseResult
from importers.submissions import sheet_files
from index.writing import DEFAULT_LOCK_TIMEOUT
from kb.cli.commands import register
from kb.service.knowledge_base import DEFAULT_HOME

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="practice-kb", prog_name="kb")
@click.option("--verbose", "-v", is_flag=True, help="Also show the PDF library's notices "
              "about damaged files (each file's outcome is reported either way).")
@click.option("--home", type=click.Path(file_okay=False), envvar="KB_HOME", default=DEFAULT_HOME,
              show_default=True, help="The knowledge base folder (also from KB_HOME).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_LOCK_TIMEOUT,
              show_default=True, help="Seconds to wait for another kb process writing the index.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, home: str, lock_timeout: float) -> None:
    """practice-kb: the knowledge base of urban security and crime prevention practice sheets."""
    configure_logging(verbose)
    ctx.obj = {"home": Path(home), "lock_timeout": lock_timeout}


def configure_logging(verbose: bool) -> None:
    """Our warnings on stderr; pypdf's notices about damaged files only on request.

    A damaged PDF makes pypdf log thousands of lines while it recovers; the file's outcome
    (a record, or an error saying what to do) is what staff need, and it is always printed.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s: %(name)s: %(message)s", force=True)
    logging.getLogger("pypdf").setLevel(logging.WARNING if verbose else logging.CRITICAL)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json",
              show_default=True, help="One JSON object per line, or a readable summary.")
@click.option("--max-size", type=click.FloatRange(min=0.001), default=DEFAULT_LIMITS.max_bytes / MB,
              show_default=True, help="Largest file accepted, in MB.")
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_pages,
              show_default=True, help="Most pages accepted in a PDF.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout,
              show_default=True, help="Seconds one file may take before it is stopped.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parallel parsing processes [default: all cores].")
def parse(files: tuple[str, ...], output: str, max_size: float, max_pages: int,
          timeout: float, workers: int | None) -> None:
    """Parse practice sheets (PDF, Word .docx) and print their records, storing nothing.

    FILES may include folders, searched recursively for .pdf and .docx files. Exit status
    is 0 when every file parsed, 1 otherwise.
    """
    limits = Limits(max_bytes=int(max_size * MB), max_pages=max_pages, timeout=timeout)
    paths = sheet_files(files)
    if not paths:
        raise click.ClickException("No PDF or Word files found in the given folders.")
    failed = sheets = booklets = 0
    for result in iter_results(paths, limits, workers):
        failed += not result.ok
        booklets += bool(result.parts)
        for sheet in result.sheets():  # a booklet: one line per sheet
            sheets += 1
            if output == "json":
                click.echo(json.dumps(sheet.as_json(), ensure_ascii=False))
            else:
                click.echo(describe(sheet))
    if output == "text":
        summary = f"\n{len(paths)} file(s): {len(paths) - failed} parsed, {failed} failed."
        if booklets:
            summary += f" {sheets} sheet(s), {booklets} file(s) holding several."
        click.echo(summary)
    sys.exit(1 if failed else 0)


def describe(result: ParseResult) -> str:
    """A few readable lines about one file's outcome."""
    name = Path(result.file).name
    if result.where:
        name += f" ({result.where})"
    if result.record is None:
        assert result.error is not None
        return f"✗ {name}: {result.error.kind}: {result.error.message}"
    record = result.record
    place = ", ".join(filter(None, [record.city, record.country]))
    years = ""
    if record.start_year:
        years = f"{record.start_year}–{record.end_year or ''}"
    budget = "no budget"
    if record.budget and record.budget.amount is not None:
        budget = f"{record.budget.amount:,.0f} {record.budget.currency}"
        if record.budget.currency != "EUR" and record.budget.amount_eur is not None:
            budget += f" (≈ {record.budget.amount_eur:,.0f} EUR)"
    themes = ", ".join(record.themes) + (" (inferred)" if record.themes_inferred else "")
    lines = [
        f"✓ {name}: {record.title}",
        f"    {place or 'place unknown'} · {record.language} · {years or 'period unknown'} · "
        f"{budget}",
        f"    themes: {themes or 'none'}",
    ]
    if record.extra_sections:
        lines.append(f"    extra sections: {', '.join(record.extra_sections)}")
    lines.extend(f"    ! {warning}" for warning in result.warnings)
    return "\n".join(lines)


register(main)

if __name__ == "__main__":
    main()
