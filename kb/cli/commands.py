"""The `kb` commands that work on a knowledge base: import, search, show, export, check..."""

from __future__ import annotations

import functools
import io
import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from importers.limits import DEFAULT_LIMITS, MB, Limits
from importers.report import FileOutcome, ImportReport
from index.highlight import html_snippets, snippet_text
from kb.core.search_args import MAX_LIMIT, SORTS, SearchRequest
from kb.core.errors import BadParameter, KbError
from kb.core.facets import FACET_NAMES, FACET_OF_PARAM, FACETS
from kb.core.search_args import BUDGET_PER, RANGE_ARGS, load_search_args
from kb.service import leftovers
from kb.service.knowledge_base import KnowledgeBase, refuse_read_only


# Who the audit log names for what staff do with the command line.
CLI_USER = "command line"

# Commands that only read: they never make a home (a write such as import may).
READ_ONLY = frozenset({"search", "show", "similar", "stats", "check", "export", "user_list",
                       "audit", "pending"})
# The options that make a read-only command write (parameter name: option).
WRITE_OPTIONS = {"repair": "--repair", "take": "--apply", "drop": "--set-aside"}


def kb_command(function: Callable) -> Callable:
    """Open the knowledge base of --home for the command; our errors become clean messages."""
    @functools.wraps(function)
    @click.pass_context
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        home = Path(ctx.obj["home"])
        if function.__name__ in READ_ONLY and not home.exists():
            # A mistyped --home would otherwise be created, empty, and searched.
            raise click.ClickException(
                f"There is no knowledge base at {home}: check --home (or KB_HOME); "
                "`kb import` or `kb load` makes a new one.")
        try:
            writes = [option for name, option in WRITE_OPTIONS.items() if kwargs.get(name)]
            if function.__name__ not in READ_ONLY or writes:
                refuse_read_only(home, " ".join(["kb", ctx.command_path.split(" ", 1)[-1],
                                                 *writes]))
            # Vectors follow a command's writes in a process of their own (kb.service.vectors).
            with KnowledgeBase(ctx.obj["home"], lock_timeout=ctx.obj["lock_timeout"],
                               vector_builds="detached") as kb:
                return function(kb, *args, **kwargs)
        except KbError as exc:
            raise click.ClickException(exc.message) from exc
        except sqlite3.DatabaseError as exc:
            # A database damaged since it was opened: say what to do, not a traceback.
            raise click.ClickException(
                f"The knowledge base database in {ctx.obj['home']} cannot be read ({exc}); "
                "run `kb check` to see what is wrong.") from exc
    return wrapper


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# Importing

class _Progress:
    """A progress bar on stderr (counts and ETA) while files are imported."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: Any = None

    def start(self, total: int) -> None:
        # On a terminal only: in a log or a pipe, the summary says it all.
        if not self.quiet and total and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="Importing", show_pos=True,
                                         show_eta=True, file=sys.stderr)
            self.bar.__enter__()

    def file(self, outcome: FileOutcome) -> None:
        if self.bar is not None:
            self.bar.update(1)
        if outcome.outcome == "rejected" and not self.quiet:
            click.echo(f"\n✗ {outcome.file}: {outcome.error_kind}: {outcome.error_message}",
                       err=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def import_options(function: Callable) -> Callable:
    options = [
        click.option("--workers", type=click.IntRange(min=1), default=None,
                     help="Parallel parsing processes [default: all cores]."),
        click.option("--max-size", type=click.FloatRange(min=0.001),
                     default=DEFAULT_LIMITS.max_bytes / MB, show_default=True,
                     help="Largest file accepted, in MB."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_LIMITS.timeout,
                     show_default=True, help="Seconds one file may take before it is stopped."),
        click.option("--report", "report_path", type=click.Path(dir_okay=False),
                     help="Write every file's outcome to this file: .json, else CSV."),
        click.option("--dry-run", is_flag=True, help="Parse and report, store nothing."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-file errors."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _finish_import(report: ImportReport, report_path: str | None, progress: _Progress) -> None:
    progress.finish()
    if report_path:
        report.write(Path(report_path))
    click.echo(report.summary())
    if report_path:
        click.echo(f"Report written to {report_path}.")
    sys.exit(1 if report.failed else 0)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--draft", is_flag=True, help="Keep incomplete sheets as drafts instead of "
              "rejecting them.")
@click.option("--review", is_flag=True, help="Store every sheet as a draft for staff review "
              "before it is public, as a web upload does (a new version of a published sheet "
              "waits beside it) [default: complete sheets are published].")
@import_options
@kb_command
def import_command(kb: KnowledgeBase, paths: tuple[str, ...], draft: bool, review: bool,
                   workers: int | None, max_size: float, timeout: float,
                   report_path: str | None, dry_run: bool, quiet: bool) -> None:
    """Import practice sheets from files, folders (recursively) and .zip archives.

    Files already imported are recognised and skipped; a new version of a known sheet
    updates it, unless it is a draft (incomplete, a broken field, or --review) of a published
    sheet: then it waits beside the published version, which the public goes on seeing,
    until staff apply it from the review page. Exit status is 1 when any file was rejected.
    """
    from kb.service.importing import ImportOptions, import_paths

    limits = Limits(max_bytes=int(max_size * MB), max_pages=DEFAULT_LIMITS.max_pages,
                    timeout=timeout)
    options = ImportOptions(limits=limits, workers=workers, dry_run=dry_run, draft=draft,
                            publish=not review)
    progress = _Progress(quiet)
    if not dry_run:
        kb.sync_index()          # finish what an interrupted run left queued
    try:
        report = import_paths(kb, paths, options, on_total=progress.start,
                              on_file=progress.file)
    except KeyboardInterrupt:
        progress.finish()
        raise click.ClickException(
            "Interrupted. Every file imported so far is kept; run the same command again to "
            "go on (files already imported are skipped, and the index catches up).") from None
    if not report.files and not report.ignored:
        progress.finish()
        if report_path:  # an empty zip still gets its (empty) report: a script reads it
            report.write(Path(report_path))
        raise click.ClickException("No PDF, Word or zip files found in the given paths.")
    _finish_import(report, report_path, progress)



@click.command()
@import_options
@click.option("--drafts", is_flag=True, help="Bring every sheet back as a draft, for staff to "
              "review before it is public again [default: complete sheets are published].")
@click.pass_context
def recover(ctx: click.Context, workers: int | None, max_size: float, timeout: float,
            report_path: str | None, dry_run: bool, quiet: bool, drafts: bool) -> None:
    """Rebuild a lost database from the archive of originals (<home>/originals), then the index.

    Every original is read by its content and imported again (incomplete sheets as drafts,
    every sheet with --drafts); files already in the store are skipped, so running it again
    goes on where it stopped. Staff edits, review decisions, users and the audit log lived only
    in the database: restore a backup instead when you have one.
    """
    from kb.service.importing import ImportOptions
    from kb.service.recovery import recover as run

    limits = Limits(max_bytes=int(max_size * MB), max_pages=DEFAULT_LIMITS.max_pages,
                    timeout=timeout)
    # Review decisions were lost with the database: --drafts has staff make them again.
    options = ImportOptions(limits=limits, workers=workers, dry_run=dry_run, draft=True,
                            publish=not drafts)
    progress = _Progress(quiet)
    try:
        report, indexed = run(Path(ctx.obj["home"]), options, on_total=progress.start,
                              on_file=progress.file, lock_timeout=ctx.obj["lock_timeout"])
    except KbError as exc:
        progress.finish()
        raise click.ClickException(exc.message) from exc
    progress.finish()
    if report_path:
        report.write(Path(report_path))
    click.echo(report.summary())
    stored = sum(item.outcome in {"imported", "draft", "updated", "unchanged"}
                 and item.record_id is not None for item in report.files)
    if dry_run:
        click.echo("Dry run: nothing was stored.")
    elif any(item.error_kind == "store" for item in report.files):
        raise click.ClickException(
            f"Recovery stopped: {report.index_message} Run `kb recover` again to go on.")
    else:
        click.echo(f"Recovered {stored} sheet(s) from {len(report.files)} original(s)"
                   + (" as drafts, for review in the staff queue" if drafts else "")
                   + f"; indexed {indexed} record(s). Originals that are not sheets were "
                   "rejected as when first submitted. Add the staff accounts again "
                   "(`kb user add`).")
    if report_path:
        click.echo(f"Report written to {report_path}.")

@click.command()
@click.argument("ids", nargs=-1)
@click.option("--diff", "show_diff", is_flag=True,
              help="Print what would change, field by field, and store nothing.")
@click.option("--overwrite-edits", is_flag=True,
              help="Take the importers' reading of the fields staff edited by hand too "
              "[default: those stay as staff left them].")
@import_options
@kb_command
def reimport(kb: KnowledgeBase, ids: tuple[str, ...], show_diff: bool, overwrite_edits: bool,
             workers: int | None, max_size: float, timeout: float, report_path: str | None,
             dry_run: bool, quiet: bool) -> None:
    """Parse the archived originals again with the current importers (all sheets, or IDS).

    Fields staff edited by hand are kept (each sheet's line says which) unless
    --overwrite-edits is given.
    """
    from kb.service.importing import ImportOptions, reimport as run

    limits = Limits(max_bytes=int(max_size * MB), max_pages=DEFAULT_LIMITS.max_pages,
                    timeout=timeout)
    if show_diff:
        _reimport_diff(kb, list(ids), limits, workers)
        return
    progress = _Progress(quiet)
    report = run(kb, list(ids) or None, ImportOptions(limits=limits, workers=workers,
                                                      dry_run=dry_run,
                                                      keep_edits=not overwrite_edits),
                 on_total=progress.start, on_file=progress.file)
    progress.finish()
    for item in report.files:
        for warning in item.warnings:
            if getattr(warning, "code", None) == "staff-edits-kept":
                click.echo(f"{item.record_id}: {warning}")
    _finish_import(report, report_path, progress)


def _reimport_diff(kb: KnowledgeBase, ids: list[str], limits: Limits,
                   workers: int | None) -> None:
    """`kb reimport --diff`: each sheet the current importers would change, field by field."""
    from kb.service.audit import AuditLog
    from kb.service.review import format_diff, reparse, staff_edited, taken_by_default

    items = [kb.get(rid) for rid in ids] if ids else list(kb.store.records())
    changed = same = failed = 0
    for found in reparse(kb, items, limits, workers):
        if found.record is None:
            failed += 1
            message = found.error.message if found.error else "no record"
            click.echo(f"✗ {found.item.id}: {message}", err=True)
            continue
        changes = found.changes
        if not changes:
            same += 1
            continue
        changed += 1
        click.echo(f"{found.item.id}: {len(changes)} field(s) would change")
        edited = staff_edited(AuditLog(kb.store).entries(record_id=found.item.id))
        kept = {change.field for change in changes} - taken_by_default(changes, edited)
        click.echo(format_diff(changes, kept))
    click.echo(f"Diff only, nothing stored: {changed} sheet(s) would change, {same} unchanged, "
               f"{failed} could not be re-parsed.")
    sys.exit(1 if failed else 0)


# Searching and reading

# The facets under a search's hits in the text output (all of them: `kb stats`).
TEXT_FACETS = ("themes", "country", "language", "budget_band")

def facet_options(function: Callable) -> Callable:
    """One repeatable option per facet of the table (--theme, --country, ...); a facet of a
    fixed set of values takes only those."""
    for facet in reversed(FACETS):
        choices = facet.choices
        about = facet.help or f"{facet.title}."
        function = click.option(facet.option, facet.name, multiple=True,
                                type=click.Choice(choices) if choices else None,
                                help=about[:-1] + " (repeatable: any of them).")(function)
    return function


def search_request(query: str, chosen: dict[str, Any], **options: Any) -> SearchRequest:
    """The SearchRequest of the options, checked as the web checks its URLs (lengths, counts,
    ranges in order): a bad one is a usage error naming the option."""
    given = {"q": query, **{facet.param: chosen.get(facet.name) for facet in FACETS},
             **{name: chosen.get(name) for name in (*RANGE_ARGS, "sort", "page", "limit",
                                                    "verbatim")}}
    try:
        return load_search_args(given, **options)
    except BadParameter as exc:
        facet = FACET_OF_PARAM.get(exc.field)
        hint = ("QUERY" if exc.field == "q" else facet.option if facet
                else "--" + exc.field.replace("_", "-"))
        raise click.BadParameter(exc.message, param_hint=f"'{hint}'") from None


@click.command()
@click.argument("query", required=False, default="")
@facet_options
@click.option("--year-from", type=int)
@click.option("--year-to", type=int)
@click.option("--budget-min", type=click.FloatRange(min=0), help="EUR")
@click.option("--budget-max", type=click.FloatRange(min=0), help="EUR")
@click.option("--budget-per", type=click.Choice(BUDGET_PER), default=BUDGET_PER[0],
              show_default=True, help="What --budget-min/--budget-max compare: the figure as "
              "stated (total) or per year (year: sheets with no yearly figure are left out).")
@click.option("--status", type=click.Choice(["published", "draft", "all"]), default="published",
              show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(min=1, max=MAX_LIMIT), default=10, show_default=True)
@click.option("--verbatim", is_flag=True,
              help="Search the words as typed: no spelling correction.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@kb_command
def search(kb: KnowledgeBase, query: str, status: str, as_json: bool, **chosen: Any) -> None:
    """Search the sheets. An empty QUERY lists them all (to browse by facets).

    QUERY: words (any may match; sheets matching more of them come first), "a phrase",
    AND / OR / NOT, title:word, city:name, country:fr, theme:nightlife, prefix*. A word no
    sheet uses is corrected (--verbatim searches it as typed).
    """
    request = search_request(query, chosen, status=None if status == "all" else status)
    result = kb.search(request)
    if as_json:
        echo_json({**result, "hits": html_snippets(result["hits"])})
        return
    click.echo(_search_text(result, request))


def _search_text(result: dict[str, Any], request: SearchRequest) -> str:

    lines = [f"{result['total']} sheet(s)" + (f", page {request.page}" if result["total"] else "")]
    if result["corrected_query"]:
        lines.append(f"Showing results for: {result['corrected_query']} "
                     f"(--verbatim searches {request.q!r} as typed)")
    if result["suggestion"]:
        lines.append(f"Did you mean: {result['suggestion']}?")
    if result.get("nearest"):
        lines.append("No sheet contains these words: these are the sheets nearest in meaning.")
    for hit in result["hits"]:
        place = ", ".join(filter(None, [hit["city"], hit["country"]]))
        period = f"{hit['start_year'] or '?'}–{hit['end_year'] or ''}" if hit["start_year"] else ""
        budget = f"{hit['budget_eur']:,.0f} EUR" if hit["budget_eur"] is not None else ""
        lines.append("")
        found_by = "  (found by meaning)" if hit.get("by_meaning") else ""
        lines.append(f"{hit['title'] or '(no title yet)'}  [{hit['id']}]{found_by}")
        lines.append("    " + " · ".join(filter(None, [place, hit["language"], period, budget,
                                                    ", ".join(hit["themes"])])))
        text = snippet_text(hit["snippet"])
        lines.append("    " + " ".join(text.split())[:300])
    if result["total"]:
        lines.append("")
        for name in TEXT_FACETS:
            values = ", ".join(f"{b['value']} ({b['count']})" for b in result["facets"][name][:8])
            lines.append(f"{name}: {values}")
    return "\n".join(lines)


@click.command()
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True)
@kb_command
def show(kb: KnowledgeBase, record_id: str, as_json: bool) -> None:
    """Show one sheet: its record, status and provenance."""
    item = kb.get(record_id)
    data = kb.sheet_json(item)
    if as_json:
        echo_json(data)
        return
    record = item.record
    click.echo(f"{record.get('title')}  [{item.id}, {item.status}]")
    for key in ("city", "country", "organisation", "language", "themes", "start_year",
                "end_year", "partners", "target_groups"):
        value = record.get(key)
        if value not in (None, "", []):
            click.echo(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    budget = record.get("budget") or {}
    if budget.get("text"):
        click.echo(f"  budget: {budget['text']}" + (f" (≈ {budget['amount_eur']:,.0f} EUR)"
                                                     if budget.get("amount_eur") else ""))
    for key in ("context", "objectives", "activities", "evaluation"):
        if record.get(key):
            click.echo(f"\n{key.capitalize()}\n{record[key]}")
    for heading, text in (record.get("extra_sections") or {}).items():
        click.echo(f"\n{heading}\n{text}")
    provenance = item.provenance()
    origin = (f"From {provenance['filename']} ({provenance['format']}, sha256 "
              f"{provenance['sha256']}), importer {provenance['importer_version']}; "
              if provenance["sha256"] else "Entered without a source file; ")
    click.echo(f"\n{origin}imported {provenance['imported']}, updated {provenance['updated']}, "
               f"version {provenance['version']}.")


@click.command()
@click.argument("record_id")
@click.option("--limit", type=click.IntRange(min=1, max=50), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@kb_command
def similar(kb: KnowledgeBase, record_id: str, limit: int, as_json: bool) -> None:
    """Sheets about similar initiatives (in any language)."""
    hits = kb.similar(record_id, limit)
    if as_json:
        echo_json(html_snippets(hits))
        return
    if not hits:
        click.echo("No similar sheets found.")
    for hit in hits:
        click.echo(f"{hit['score']:7.2f}  {hit['title']}  [{hit['id']}] "
                   f"{hit['city'] or ''} {hit['country'] or ''}")


@click.command()
@click.argument("record_id", required=False)
@click.option("--apply", "take", is_flag=True,
              help="Make the waiting version the sheet's version: every field it changes, "
              "but those staff edited by hand (unless --overwrite-edits).")
@click.option("--set-aside", "drop", is_flag=True,
              help="Drop the waiting version; the sheet stays as it is (the new file stays "
              "in the archive).")
@click.option("--overwrite-edits", is_flag=True,
              help="With --apply: take the new version's fields staff edited by hand too.")
@kb_command
def pending(kb: KnowledgeBase, record_id: str | None, take: bool, drop: bool,
            overwrite_edits: bool) -> None:
    """New versions waiting beside published sheets for staff review (`kb import --review`,
    web uploads): list them, show one's changes (RECORD_ID), --apply or --set-aside it."""
    from kb.service.audit import AuditLog
    from kb.service.review import (apply, format_diff, set_aside, staff_edited,
                                   taken_by_default, waiting_version)

    if record_id is None:
        if take or drop:
            raise KbError("Name the sheet whose waiting version to apply or set aside: "
                          "`kb pending ID --apply` (`kb pending` lists them).")
        waiting = [item for item in kb.store.review_queue() if item.pending is not None]
        for item in waiting:
            source = item.pending.record.get("source") or {}
            click.echo(f"{item.id}  {item.record.get('title')}  "
                       f"(new file {source.get('filename') or '?'}, "
                       f"uploaded {item.pending.uploaded[:10]})")
        click.echo(f"{len(waiting)} new version(s) wait for review.")
        return
    if take and drop:
        raise KbError("Give --apply or --set-aside, not both.")
    item = kb.get(record_id)
    found = waiting_version(item)
    if found is None:
        raise KbError(f"No new version waits beside sheet {record_id}: nothing to "
                      "review (`kb pending` lists those that wait).")
    log = AuditLog(kb.store)
    changes = found.changes
    edited = set() if overwrite_edits else staff_edited(log.entries(record_id=record_id))
    chosen = taken_by_default(changes, edited)
    if drop:
        set_aside(kb, item)
        log.record(CLI_USER, "reparse", record_id, {"fields": []})
        click.echo(f"Set aside: sheet {record_id} stays as it is (version {item.version}).")
        return
    if not take:
        click.echo(f"{item.record.get('title')} [{record_id}]: {len(changes)} field(s) "
                   "differ in the waiting version")
        click.echo(format_diff(changes, {change.field for change in changes} - chosen))
        click.echo("Nothing stored: `--apply` takes it, `--set-aside` drops it.")
        return
    stored = apply(kb, found, chosen)
    fields = list(dict.fromkeys(name.split(".")[0] for name in sorted(chosen)))
    kept = sorted({change.field for change in changes} - chosen)
    log.record(CLI_USER, "reparse", record_id,
               {"fields": fields, "kept": kept} if kept else {"fields": fields})
    click.echo(f"Applied: sheet {record_id} is now version {stored.version}"
               + (f"; kept as staff edited them: {', '.join(kept)}." if kept else "."))


@click.command()
@click.argument("record_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@kb_command
def delete(kb: KnowledgeBase, record_id: str, yes: bool) -> None:
    """Delete a sheet (its original file stays in the archive)."""
    item = kb.get(record_id)
    if not yes:
        click.confirm(f"Delete {item.record.get('title')!r} [{record_id}]?", abort=True)
    kb.delete(record_id)
    click.echo(f"Deleted {record_id}.")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@kb_command
def stats(kb: KnowledgeBase, as_json: bool) -> None:
    """Counts, facets and budget statistics (EUR) of the published sheets."""
    analysis = kb.analyse(SearchRequest())
    data = {"published": kb.store.count("published"), "drafts": kb.store.count("draft"),
            "files": kb.store.file_counts(), **analysis}
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['published']} published sheet(s), {data['drafts']} draft(s).")
    files = ", ".join(f"{count} {outcome}" for outcome, count in sorted(data["files"].items()))
    click.echo(f"Files submitted: {files or 'none'}.")
    budget = data["budget"]
    if budget["count"]:
        click.echo(f"Budgets (EUR): {budget['count']} sheet(s), total {budget['total']:,.0f}, "
                   f"median {budget['median']:,.0f}, min {budget['min']:,.0f}, "
                   f"max {budget['max']:,.0f}.")
    for name in FACET_NAMES:
        values = ", ".join(f"{b['value']} ({b['count']})" for b in data["facets"].get(name, [])[:10])
        click.echo(f"{name}: {values or '-'}")


# Keeping the index and backups

@click.command()
@click.option("--procs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Indexing processes.")
@kb_command
def reindex(kb: KnowledgeBase, procs: int) -> None:
    """Rebuild the search index and the sheets' vectors from the store."""
    count = kb.reindex(procs, progress=_vector_progress(False))
    click.echo(f"Indexed {count} record(s).")


@click.command()
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
@kb_command
def vectors(kb: KnowledgeBase, quiet: bool) -> None:
    """Build the vectors (meaning) of the sheets that lack one; imports leave this to the
    background, this command waits for it."""
    if kb.vector_upkeep.embedder() is None:
        click.echo("Semantic retrieval is off (KB_SEMANTIC, or its model is not installed): "
                   "search ranks by words only.")
        return
    made = kb.vector_upkeep.catch_up(_vector_progress(quiet))
    click.echo(f"Built {made} vector(s); {kb.store.count()} sheet(s) have one.")


def _vector_progress(quiet: bool) -> Callable[[int, int], None] | None:
    if quiet:
        return None

    def report(done: int, total: int) -> None:
        click.echo(f"\rVectors: {done}/{total}", nl=done >= total, err=True)
    return report


@click.command()
@click.option("--repair", is_flag=True, help="Rewrite the index entries that differ.")
@click.option("--json", "as_json", is_flag=True)
@kb_command
def check(kb: KnowledgeBase, repair: bool, as_json: bool) -> None:
    """Compare the index with the store; exit status 1 when they differ."""
    report = kb.check(repair=repair)
    after = kb.check() if repair else report
    found = leftovers.leftovers(kb.home)
    if repair:
        leftovers.remove(found)
    if as_json:
        echo_json({"before": report.as_json(), "after": after.as_json(),
                   "leftovers_removed": [str(path) for path in found]} if repair
                  else report.as_json())
    else:
        if found:
            click.echo(f"{'Removed' if repair else 'Found'} {len(found)} leftover(s) of killed "
                       f"runs (scratch folders, partial archive writes, half-built index generations)"
                       + ("." if repair else "; `kb check --repair` removes them."))
        for label, ids in (("missing from the index", report.missing),
                           ("in the index but not the store", report.extra),
                           ("indexed from an older version", report.stale),
                           ("queued for the index", report.pending),
                           ("without a vector", report.vectors.missing),
                           ("with a vector of an older version", report.vectors.stale),
                           ("with a vector but not in the store", report.vectors.extra)):
            if ids:
                click.echo(f"{len(ids)} record(s) {label}: {', '.join(ids[:10])}"
                           + (" …" if len(ids) > 10 else ""))
        if report.vectors.read_only and not report.vectors.consistent:
            click.echo("The vectors cannot be made on a read-only home: search finds those "
                       "sheets by their words only; make the folder writable and run "
                       "`kb vectors` to make them.")
        if report.consistent:
            click.echo("Store, index and vectors agree." if report.vectors.model
                       else "Store and index agree.")
        elif repair:
            click.echo("Repaired: store and index agree." if after.consistent
                       else "Still different after repair; run `kb reindex`.")
    sys.exit(0 if after.consistent else 1)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write "
              "[default: standard output].")
@click.option("--status", type=click.Choice(["published", "draft", "all"]), default="all",
              show_default=True)
@kb_command
def export(kb: KnowledgeBase, fmt: str, output: str | None, status: str) -> None:
    """Write every record as JSON lines (a backup `kb load` reads) or CSV."""
    from kb.service.backup import export_csv, export_jsonl

    writer = export_csv if fmt == "csv" else export_jsonl
    chosen = None if status == "all" else status
    if output:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with open(output, "w", encoding=encoding, newline="") as handle:
            count = writer(kb, handle, chosen)
        click.echo(f"Exported {count} record(s) to {output}.", err=True)
    else:
        writer(kb, sys.stdout, chosen)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@kb_command
def load(kb: KnowledgeBase, file: str) -> None:
    """Load records from a JSON lines export (adding or replacing by id)."""
    from kb.service.backup import load_jsonl

    with open(file, encoding="utf-8") as handle:
        count = load_jsonl(kb, handle, Path(file).name)
    click.echo(f"Loaded {count} record(s).")


# Staff accounts and the audit log

@click.group()
def user() -> None:
    """Staff accounts of the web app (only staff may change the knowledge base there)."""


@user.command("add")
@click.argument("name")
@click.option("--password", help="The password [default: prompted for, twice]; it is seen by "
              "other users of the machine (ps): scripts use --password-stdin.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@kb_command
def user_add(kb: KnowledgeBase, name: str, password: str | None, password_stdin: bool) -> None:
    """Add a staff account (the password is prompted for, twice, unless given)."""
    from kb.service.users import Users

    if password_stdin:
        if password is not None:
            raise click.UsageError("Give the password with --password or --password-stdin, "
                                   "not both.")
        # A pipe, not a terminal: no prompt, so no warning that the input cannot be hidden.
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on standard input: send it as the first "
                                       "line, e.g. `printf '%s\\n' \"$PASSWORD\" | kb user add "
                                       f"{name} --password-stdin`.")
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    Users(kb.store).add(name, password)
    click.echo(f"Staff account {name!r} added.")


@user.command("list")
@kb_command
def user_list(kb: KnowledgeBase) -> None:
    """List the staff accounts."""
    from kb.service.users import Users

    names = Users(kb.store).names()
    if not names:
        click.echo("No staff accounts yet; add one with `kb user add NAME`.")
    for name, created in names:
        click.echo(f"{name}  (added {created})")


@user.command("remove")
@click.argument("name")
@kb_command
def user_remove(kb: KnowledgeBase, name: str) -> None:
    """Remove a staff account (its entries in the audit log stay)."""
    from kb.service.users import Users

    Users(kb.store).remove(name)
    click.echo(f"Staff account {name!r} removed.")


@click.command()
@click.option("--csv", "as_csv", is_flag=True, help="All entries as CSV, oldest first.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@kb_command
def audit(kb: KnowledgeBase, as_csv: bool, limit: int) -> None:
    """Who imported, edited, published or deleted what, and when (newest first)."""
    from kb.service.audit import AuditLog

    log = AuditLog(kb.store)
    if as_csv:
        out = io.StringIO()
        log.write_csv(out)
        click.echo(out.getvalue(), nl=False)
        return
    for entry in log.entries(limit=limit):
        click.echo(f"{entry.at}  {entry.user:<16} {entry.action:<10} {entry.record_id or ''}"
                   f"  {entry.detail}")


def register(group: click.Group) -> None:
    from kb.cli.server import demo, serve

    for command in (import_command, recover, reimport, search, show, similar, pending, delete,
                    stats, reindex, vectors, check, export, load, serve, demo, user, audit):
        group.add_command(command)
