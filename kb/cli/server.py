"""`kb serve` and `kb demo`: the web app under a production WSGI server (gunicorn).

Searching and rendering pages is CPU work, and one Python process runs on one core at a time
(the GIL): gunicorn starts one worker process per core, each with a few threads for slow
clients and long exports, and restarts a worker that dies. Each worker opens the knowledge
base itself (after the fork) and sees what imports write to the index without a restart.
"""

from __future__ import annotations

import os
import socket
from importlib import resources
from pathlib import Path
from typing import Any

import click

from kb.service.knowledge_base import DEFAULT_HOME

DEMO_HOME = "kb-demo"
THREADS_PER_WORKER = 4


def run(home: Path, host: str, port: int, workers: int | None, threads: int,
        behind_proxy: bool = False, host_names: tuple[str, ...] = ()) -> None:
    from gunicorn.app.base import BaseApplication

    from web.app import create_app

    _check_free(host, port)
    home = Path(home).resolve()

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers or os.cpu_count() or 1,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 120,
                "graceful_timeout": 10,
                "loglevel": "warning",
                "accesslog": None,
                "errorlog": "-",
                "proc_name": "practice-kb",
                "when_ready": _announce(home),
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # The Host header names the site in feed links and export URLs: only these.
            return create_app({"KB_HOME": home, "TRUST_PROXY": behind_proxy,
                               "TRUSTED_HOSTS": list(host_names) or None})

    Server().run()


def _check_free(host: str, port: int) -> None:
    """A clear message now rather than gunicorn's retries when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(
                f"Cannot listen on {host}:{port} ({exc.strerror or exc}); is another server "
                "using that port? Choose another with --port.") from exc


def _announce(home: Path):
    def when_ready(server: Any) -> None:
        host, port = server.LISTENERS[0].sock.getsockname()[:2]
        shown = "localhost" if host in ("127.0.0.1", "::1") else host
        click.echo(f"practice-kb is serving the knowledge base in {home} at "
                   f"http://{shown}:{port}/ with {server.num_workers} worker process(es) "
                   "(Ctrl-C to stop)")
    return when_ready


def server_options(function):
    options = [
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address to listen on (0.0.0.0: every interface)."),
        click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True),
        click.option("--behind-proxy", is_flag=True, help="Trust the X-Forwarded-For/-Proto/"
                     "-Host headers of a reverse proxy (for HTTPS there: secure cookies)."),
        click.option("--host-name", "host_names", multiple=True, metavar="NAME",
                     help="A name the site is reached by (kb.example.org); requests for any "
                     "other Host answer 400, so links in feeds and exports name this site "
                     "[default: any]. Repeat for more."),
        click.option("--workers", type=click.IntRange(1, 64), default=None,
                     help="Worker processes [default: one per core]."),
        click.option("--threads", type=click.IntRange(1, 64), default=THREADS_PER_WORKER,
                     show_default=True, help="Requests each worker serves at once."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command()
@server_options
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, behind_proxy: bool,
          host_names: tuple[str, ...], workers: int | None, threads: int) -> None:
    """Serve the web app: search, sheet pages, comparison, analysis, JSON API, staff pages."""
    from kb.core.errors import KbError
    from kb.service.knowledge_base import KnowledgeBase

    try:
        with KnowledgeBase(ctx.obj["home"], lock_timeout=ctx.obj["lock_timeout"],
                           vector_builds="detached") as kb:
            # A damaged database would answer every search with an error page: say so here.
            kb.check_store(quick=True)
            if kb.read_only:
                # Served as it is: nothing can be indexed or embedded there, nobody signs in.
                click.echo(f"The knowledge base at {kb.home} is read-only: its public pages "
                           "are served as they are; staff cannot sign in or change anything "
                           "until the folder is writable.")
            else:
                _bring_index_up_to_date(kb)
                kb.vector_upkeep.written()    # vectors an interrupted catch-up left to make
    except KbError as exc:                    # before any worker starts: one message
        raise click.ClickException(exc.message) from exc
    run(ctx.obj["home"], host, port, workers, threads, behind_proxy, host_names)


def _bring_index_up_to_date(kb: Any) -> None:
    """Index what an interrupted import left queued; rebuild an index of an older version,
    or one that cannot be read (a truncated file): every search would fail on it."""
    from kb.core.errors import IndexDamaged

    if kb.index_outdated():
        click.echo("The search index was built by an older version of practice-kb: "
                   "rebuilding it from the store...")
    else:
        try:
            kb.index.stamps()
        except IndexDamaged:
            click.echo("The search index cannot be read (a damaged or truncated file): "
                       "rebuilding it from the store...")
            kb.reindex(vectors=False)
            return
    kb.sync_index()


@click.command()
@server_options
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, behind_proxy: bool,
         host_names: tuple[str, ...], workers: int | None, threads: int) -> None:
    """Build a demo knowledge base from the project's sample sheets and serve it.

    The demo lives in ./kb-demo unless --home is given; running it again reuses it.
    """
    from kb.service.importing import import_paths
    from kb.service.knowledge_base import KnowledgeBase

    explicit = ctx.parent.get_parameter_source("home") if ctx.parent else None
    home = ctx.obj["home"]
    if explicit is click.core.ParameterSource.DEFAULT and home == Path(DEFAULT_HOME):
        home = Path(DEMO_HOME)
    samples = resources.files("kb.cli") / "demo"
    with resources.as_file(samples) as folder:
        # Twelve sheets: their vectors are made at once, before the server starts.
        with KnowledgeBase(home, lock_timeout=ctx.obj["lock_timeout"],
                           vector_builds="inline") as kb:
            _bring_index_up_to_date(kb)
            report = import_paths(kb, [folder])
            kb.vector_upkeep.catch_up()
    click.echo(f"Demo knowledge base in {home}: {report.summary()}")
    run(home, host, port, workers, threads, behind_proxy, host_names)
