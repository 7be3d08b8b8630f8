"""Serving the review page on this computer with waitress, and opening it in the browser.

waitress is a production WSGI server in pure Python (no compiler, works on Windows too),
multi-threaded so that a page's pictures load side by side; Werkzeug's debug server is not
meant for real use.
"""
from __future__ import annotations

import errno
import ipaddress
import logging
import secrets
import webbrowser
from collections.abc import Callable
from pathlib import Path

from waitress import create_server

from cagettes.core.errors import ReviewError
from cagettes.core.month import MonthData
from cagettes.services.review import Review
from cagettes.web.app import Settings, create_app
from cagettes.web.texts import t

THREADS = 6  # one volunteer's browser: the page and its pictures, side by side


def make_server(review: Review, data: MonthData, pictures_dir: str | Path, lang: str, host: str, port: int):
    """(server, address to open): the address carries the key without which the page answers nothing."""
    settings = Settings(review, data, Path(pictures_dir), secrets.token_urlsafe(18), lang)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a page's 40 pictures queue up: not a problem
    try:
        server = create_server(create_app(settings), host=host, port=port, threads=THREADS,
                               clear_untrusted_proxy_headers=True)
    except (OSError, ValueError) as error:  # waitress says ValueError for an address it cannot resolve
        raise listen_error(error, host, port, lang) from error
    shown = f"[{host}]" if ":" in host else host
    return server, f"http://{shown}:{server.effective_port}/?cle={settings.token}"


def listen_error(error: Exception, host: str, port: int, lang: str) -> ReviewError:
    if getattr(error, "errno", None) == errno.EADDRINUSE:
        return ReviewError(t("port_taken", lang, host=host, port=port), lang=lang)
    return ReviewError(t("cannot_listen", lang, host=host, port=port, error=error), lang=lang)


def is_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(review: Review, data: MonthData, pictures_dir: str | Path, lang: str, host: str, port: int,
          open_browser: bool, echo: Callable[[str], None]) -> None:
    """Runs until Ctrl+C."""
    if not is_local(host):
        echo(t("not_local", lang, host=host))
    server, url = make_server(review, data, pictures_dir, lang, host, port)
    echo(t("serving", lang, url=url))
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
