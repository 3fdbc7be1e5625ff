"""What the page's tests share: workbooks made from the example, a real uvicorn server,
and jobs that crash, hang or blow up (run in the page's child processes)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "example-2018.xlsx"
SCRIPT = "<script>alert(1)</script>"


def with_info(target: Path, item: str, value: object, source: Path = EXAMPLE) -> Path:
    """A copy of ``source`` whose 基本信息 row ``item`` (项目) holds ``value``."""
    book = load_workbook(source)
    sheet = book["基本信息"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == item)
    row[1].value = value
    book.save(target)
    return target


def with_point(target: Path, text: str, source: Path = EXAMPLE) -> Path:
    """A copy of ``source`` whose first 主要工作 row has ``text`` as its 要点内容."""
    book = load_workbook(source)
    sheet = book["主要工作"]
    header = [c.value for c in sheet[1]]
    column = header.index("要点内容") + 1
    sheet.cell(row=2, column=column).value = text
    book.save(target)
    return target


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(app: object) -> Iterator[str]:
    """A real uvicorn serving ``app`` on 127.0.0.1 in a thread; its base address."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


# ---------------------------------------------------------------- bad jobs (run in children)


def crash() -> None:
    """A job whose process dies at once, as a segfault would end it."""
    os._exit(139)


def hang() -> None:
    """A job that never finishes."""
    time.sleep(3600)


def blow_up() -> bytes:
    """A job that asks for far more memory than its limit."""
    return bytes(8 * 1024**3)


def answer(value: int) -> int:
    """A job that works."""
    return value * 2
