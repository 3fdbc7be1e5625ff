"""Starting the page (启动): uvicorn on the chosen address, the start line, the browser.

Bound to 127.0.0.1 by default. Any other address (an office LAN) gets an access token, printed
in the start line's address as Jupyter does; the guard asks every visitor for it.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from reportgen.core.errors import ReportgenError
from reportgen.core.i18n import _, translate
from reportgen.web.app import Settings, create_app


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback address (only this computer can reach it)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def start_url(host: str, port: int, token: str | None) -> str:
    """The address to open: with ``?token=`` when the page needs one."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(
    host: str,
    port: int,
    *,
    open_browser: bool,
    templates: tuple[Path, ...],
    lang: str,
    say: Callable[[str], None],
) -> None:
    """Run the page until Ctrl-C, printing where it is (and a warning when not local)."""
    import uvicorn  # deferred: `reportgen --help` must not pay for the web stack

    refuse_taken_port(host, port)
    token = None if is_local(host) else secrets.token_urlsafe(24)
    settings = replace(Settings(), templates=templates, token=token, warm=True)
    app = create_app(settings)
    url = start_url(host, port, token)
    if token:
        say(translate(_WARNING, lang).format(host=host))
    say(
        translate(_("reportgen's page is at {url} — press Ctrl-C to stop it."), lang).format(
            url=url
        )
    )
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


class PortTaken(ReportgenError):
    """The address and port asked for are taken (often: the page is already running)."""


def refuse_taken_port(host: str, port: int) -> None:
    """Stop before the start line when the port cannot be had, rather than after it."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortTaken(
                _(
                    "Cannot listen on {host}:{port}: {reason}. Is the page already running? "
                    "Open http://127.0.0.1:{port}/ in the browser, or start it with another "
                    "port: reportgen serve --port {other}"
                ),
                host=host,
                port=port,
                reason=exc.strerror or str(exc),
                other=port + 1,
            ) from exc


_WARNING = _(
    "Warning: the page listens on {host}, so other computers on the network can reach it. "
    "Only those who have the address below, with its token, can use it."
)
