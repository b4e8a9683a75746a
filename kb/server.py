"""`kb serve` and `kb demo`: the web app under a production WSGI server (waitress).

waitress is pure Python, runs the same on every platform, and serves requests from a pool of
threads; the app shares one knowledge base between them (web/knowledge.py) and sees what
imports write to the index without a restart.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import click

from kb.knowledge_base import DEFAULT_HOME

DEMO_HOME = "kb-demo"
DEFAULT_THREADS = 8


def run(home: Path, host: str, port: int, threads: int) -> None:
    from waitress import create_server

    from web.app import create_app

    app = create_app({"KB_HOME": home})
    try:
        server = create_server(app, host=host, port=port, threads=threads,
                               ident="practice-kb", clear_untrusted_proxy_headers=True)
    except OSError as exc:
        raise click.ClickException(
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}); is another server using "
            "that port? Choose another with --port.") from exc
    # waitress logs each queue delay at WARNING; its start line is ours below.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    click.echo(f"practice-kb is serving the knowledge base in {home} at "
               f"http://{shown}:{server.effective_port}/ (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.close()
        app.extensions["knowledge_base"].close()


def server_options(function):
    options = [
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Address to listen on (0.0.0.0: every interface)."),
        click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True),
        click.option("--threads", type=click.IntRange(1, 64), default=DEFAULT_THREADS,
                     show_default=True, help="Requests served at once."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command()
@server_options
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app: search, sheet pages, comparison, analysis, JSON API."""
    run(ctx.obj["home"], host, port, threads)


@click.command()
@server_options
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Build a demo knowledge base from the project's sample sheets and serve it.

    The demo lives in ./kb-demo unless --home is given; running it again reuses it.
    """
    from kb.importing import import_paths
    from kb.knowledge_base import KnowledgeBase

    explicit = ctx.parent.get_parameter_source("home") if ctx.parent else None
    home = ctx.obj["home"]
    if explicit is click.core.ParameterSource.DEFAULT and home == Path(DEFAULT_HOME):
        home = Path(DEMO_HOME)
    samples = resources.files("kb") / "samples" / "files"
    with resources.as_file(samples) as folder:
        with KnowledgeBase(home, lock_timeout=ctx.obj["lock_timeout"]) as kb:
            kb.sync_index()
            report = import_paths(kb, [folder])
    click.echo(f"Demo knowledge base in {home}: {report.summary()}")
    run(home, host, port, threads)
