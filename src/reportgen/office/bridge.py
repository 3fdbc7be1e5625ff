"""The UNO bridge (常驻转换进程): one LibreOffice kept running, converting .docx to PDF on request.

This file runs as a script under a Python that can ``import uno`` (Debian's python3 with
python3-uno, or the python.exe LibreOffice ships on Windows), not under reportgen's own
interpreter, so it imports nothing but the standard library and uno. It starts soffice as its
child, listening on a named pipe, connects to it, says ``{"ready": true}`` on stdout, then
reads one JSON job a line on stdin and answers each on stdout:

    {"id": 1, "source": "/abs/a.docx", "target": "/abs/a.pdf", "pdfa": false}
    {"id": 1, "ok": true}            or  {"id": 1, "ok": false, "error": "…"}

Documents are opened hidden, read-only, with links never updated and macros never run (the
profile forbids fetching anything, too). When LibreOffice dies the bridge exits non-zero; the
caller (``office.worker``) replaces it. End of input ends LibreOffice and the bridge.
Run:  python3 bridge.py SOFFICE PROFILE_URL
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

START_TIMEOUT = 60.0


def main(argv: list[str]) -> int:
    """Start LibreOffice, answer jobs until stdin ends, then end LibreOffice."""
    import uno

    soffice, profile = argv[1], argv[2]
    pipe = f"reportgen-{os.getpid()}"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible"]
        + ["--norestore", "--nolockcheck", "--nologo", "--nodefault"]
        + [f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _connect(uno, pipe, office)
        _reply({"ready": True})
        for line in sys.stdin:
            if line.strip():
                _reply(_job(uno, desktop, json.loads(line)))
                if office.poll() is not None:
                    return 3
        _terminate(desktop)
    finally:
        _end(office)
    return 0


def _connect(uno: object, pipe: str, office: subprocess.Popen[bytes]) -> object:
    """The desktop of the LibreOffice listening on ``pipe``, once it answers."""
    local = uno.getComponentContext()  # type: ignore[attr-defined]
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
        except Exception:
            if office.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"LibreOffice did not start (exit {office.poll()})") from None
            time.sleep(0.05)


def _job(uno: object, desktop: object, job: dict[str, object]) -> dict[str, object]:
    """Convert one document; the answer says whether it worked."""
    try:
        _convert(uno, desktop, job)
    except Exception as exc:  # LibreOffice's own errors are UNO exceptions of many kinds
        return {"id": job.get("id"), "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"id": job.get("id"), "ok": True}


def _convert(uno: object, desktop: object, job: dict[str, object]) -> None:
    """Open the job's source hidden and read-only, export it as PDF (PDF/A-2b) to its
    target; with ``autospace_off``, without LibreOffice's gap between 汉字 and digits."""
    source, target, pdfa = str(job["source"]), str(job["target"]), bool(job.get("pdfa"))
    load = (
        _prop(uno, "Hidden", True),
        _prop(uno, "ReadOnly", True),
        _prop(uno, "UpdateDocMode", 0),  # NO_UPDATE: links keep what the file holds
        _prop(uno, "MacroExecutionMode", 0),  # NEVER_EXECUTE
    )
    document = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        uno.systemPathToFileUrl(source),  # type: ignore[attr-defined]
        "_blank",
        0,
        load,
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        if job.get("autospace_off"):
            _autospace_off(document)
        store = [_prop(uno, "FilterName", "writer_pdf_Export")]
        if pdfa:
            data = (_prop(uno, "SelectPdfVersion", 2),)
            store.append(
                _prop(uno, "FilterData", uno.Any("[]com.sun.star.beans.PropertyValue", data))  # type: ignore[attr-defined]
            )
        # uno.invoke, not storeToURL(...): only so does the typed Any inside the struct reach
        # LibreOffice as the sequence it is (a plain call would pass it untyped).
        url = uno.systemPathToFileUrl(target)  # type: ignore[attr-defined]
        uno.invoke(document, "storeToURL", (url, tuple(store)))  # type: ignore[attr-defined]
    finally:
        document.close(True)


def _autospace_off(document: object) -> None:
    """ "Apply spacing between Asian and non-Asian text" off on every paragraph of the body,
    its tables and its text frames, as Word's autoSpaceDE/DN = 0 asks (LibreOffice's DOCX
    import drops those). One call per text: a cursor over all of it sets the paragraph
    property on each of its paragraphs (a call per paragraph cost about 0.1 s a letter)."""
    for text in _texts(document):
        cursor = text.createTextCursor()  # type: ignore[attr-defined]
        cursor.gotoEnd(True)
        with contextlib.suppress(Exception):  # a text that holds no paragraph
            cursor.ParaIsCharacterDistance = False


def _texts(document: object) -> list[object]:
    """The document's body text, each table cell's and each text frame's."""
    texts = [document.Text]  # type: ignore[attr-defined]
    tables = document.TextTables  # type: ignore[attr-defined]
    for index in range(tables.Count):
        table = tables.getByIndex(index)
        texts += [table.getCellByName(name).Text for name in table.getCellNames()]
    frames = document.TextFrames  # type: ignore[attr-defined]
    texts += [frames.getByIndex(index).Text for index in range(frames.Count)]
    return texts


def _prop(uno: object, name: str, value: object) -> object:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")  # type: ignore[attr-defined]
    prop.Name, prop.Value = name, value
    return prop


def _reply(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _terminate(desktop: object) -> None:
    with contextlib.suppress(Exception):  # already gone: _end makes sure
        desktop.terminate()  # type: ignore[attr-defined]


def _end(office: subprocess.Popen[bytes]) -> None:
    """LibreOffice ended: given 20 s after terminate, then killed; and on POSIX whatever else
    is left in the bridge's process group (soffice.bin is a grandchild: killing the soffice
    launcher alone would leave it running)."""
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        office.kill()
        office.wait()
    if hasattr(os, "killpg") and os.getpgrp() == os.getpid():
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the bridge itself goes on to exit
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
