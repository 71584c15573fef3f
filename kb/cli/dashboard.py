"""`kb dashboard`: serve the packaged dashboard (Streamlit) over the KB, as `datasette serve` does."""

from __future__ import annotations

import os
import sys

import typer


def streamlit_argv(host: str, port: int) -> list[str]:
    """The command that serves the packaged dashboard app."""
    from kb_dashboard import APP

    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def dashboard(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to bind; 0.0.0.0 serves the network (use --read-only)."),
    port: int = typer.Option(8501, "--port", "-p", min=1, max=65535),
    read_only: bool = typer.Option(False, "--read-only", help="No edits and no upload page."),
    db: str = typer.Option(None, "--db", help="Database URL (default: KB_DATABASE_URL)."),
) -> None:
    """Serve the dashboard on http://HOST:PORT over the KB."""
    env = dict(os.environ)
    if db:
        env["KB_DATABASE_URL"] = db
    if read_only:
        env["KB_READ_ONLY"] = "1"
    argv = streamlit_argv(host, port)
    typer.echo(f"kb dashboard: http://{host}:{port}" + (" (read-only)" if read_only else ""), err=True)
    sys.stdout.flush()
    os.execve(argv[0], argv, env)  # Streamlit owns the process from here (Ctrl-C stops it)


def register(app: typer.Typer) -> None:
    app.command()(dashboard)
