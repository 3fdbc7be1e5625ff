"""LibreOffice workers (office): parallel workers give the same PDFs as one; a worker that hangs
or dies is replaced and its document tried once more, then reported; no process outlives a
pool — after success, failure or Ctrl-C. No timings are asserted.

The failure cases use stand-in bridges (small Python scripts speaking the bridge's protocol)
so that a hang or a death happens on cue; the PDFs come from real LibreOffice workers.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reportgen.office.pool import Failure, Pool
from reportgen.office.worker import Job, Worker

from .conftest import EXAMPLE, EXAMPLE_ANNUAL

# A stand-in bridge: ready at once, then for each job writes the target and answers, except
# that a source named *hang* gets no answer and one named *die* ends the process.
FAKE_BRIDGE = textwrap.dedent(
    """
    import json, os, sys, time
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        if "hang" in job["source"]:
            time.sleep(600)
        if "die" in job["source"]:
            os._exit(9)
        if "refuse" in job["source"]:
            print(json.dumps({"id": job["id"], "ok": False, "error": "cannot open"}), flush=True)
            continue
        open(job["target"], "w").write("converted by " + str(os.getpid()))
        print(json.dumps({"id": job["id"], "ok": True}), flush=True)
    """
)


def fake_pool(tmp_path: Path, size: int = 1, timeout: float = 3.0) -> Pool:
    script = tmp_path / "fake_bridge.py"
    script.write_text(FAKE_BRIDGE, encoding="utf-8")
    return Pool(size, lambda _i: Worker([sys.executable, str(script)], dict(os.environ)), timeout)


def jobs(tmp_path: Path, *names: str) -> list[Job]:
    return [Job(tmp_path / f"{name}.docx", tmp_path / f"{name}.pdf") for name in names]


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_every_document_is_converted_by_the_workers_sharing_them(tmp_path):
    with fake_pool(tmp_path, size=2) as pool:
        assert pool.convert(jobs(tmp_path, *"abcdef")) == []
        writers = {(tmp_path / f"{n}.pdf").read_text() for n in "abcdef"}
    assert len(writers) == 2  # both workers took a share


def test_a_hung_worker_is_replaced_and_its_document_reported_after_one_retry(tmp_path):
    with fake_pool(tmp_path) as pool:
        failures = pool.convert(jobs(tmp_path, "a", "hang", "b"))
        assert [f.job.source.name for f in failures] == ["hang.docx"]
        [failure] = failures
        assert failure.reasons == ("LibreOffice gave no answer within 3 s",) * 2
        assert (tmp_path / "a.pdf").exists() and (tmp_path / "b.pdf").exists()
        assert pool.replaced == 2


def test_a_dead_worker_is_replaced_and_the_others_still_convert(tmp_path):
    with fake_pool(tmp_path) as pool:
        [failure] = pool.convert(jobs(tmp_path, "die", "a"))
        assert failure.job.source.name == "die.docx"
        assert all("ended unexpectedly" in reason for reason in failure.reasons)
        assert len(failure.reasons) == 2
        assert (tmp_path / "a.pdf").exists()


def test_a_refused_document_is_reported_at_once_without_a_retry(tmp_path):
    with fake_pool(tmp_path) as pool:
        assert pool.convert(jobs(tmp_path, "refuse")) == [
            Failure(jobs(tmp_path, "refuse")[0], ("cannot open",))
        ]
        assert pool.replaced == 0


def test_closing_ends_every_worker_process(tmp_path):
    pool = fake_pool(tmp_path, size=2)
    pool.convert(jobs(tmp_path, *"abcd"))
    pids = [w.process.pid for w in pool.workers if w is not None and w.process is not None]
    assert len(pids) == 2
    pool.close()
    assert not any(alive(pid) for pid in pids)


CTRL_C = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from reportgen.office.pool import Job, Pool
    from reportgen.office.worker import Worker
    tmp = Path(sys.argv[1])
    def launch(_i):
        return Worker([sys.executable, str(tmp / "fake_bridge.py")], dict(os.environ))
    with Pool(2, launch, 600) as pool:
        pool.convert([Job(tmp / "hang1.docx", tmp / "1.pdf"), Job(tmp / "hang2.docx", tmp / "2.pdf")])
    """
)


def test_ctrl_c_during_a_conversion_leaves_no_worker_behind(tmp_path):
    fake_pool(tmp_path).close()  # writes the stand-in bridge
    child = subprocess.Popen([sys.executable, "-c", CTRL_C, str(tmp_path)], start_new_session=True)
    workers = _children_when_started(child.pid, count=2)
    child.send_signal(signal.SIGINT)
    child.wait(timeout=60)
    assert child.returncode != 0
    _gone(workers)


def _gone(pids: list[int], seconds: float = 10) -> None:
    """Each of ``pids`` ended within ``seconds`` (a killed process takes a moment to go)."""
    import time

    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in pids)


def _children_when_started(parent: int, count: int) -> list[int]:
    """The pids of ``parent``'s children once there are ``count`` of them (60 s at most)."""
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(p) == parent
        ]
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{parent} did not start {count} workers")


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().split(")")[-1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------- real LibreOffice workers


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from reportgen.api import BuildOptions, build_report

    root = tmp_path_factory.mktemp("letters")
    built = []
    for n, (source, options) in enumerate(
        [(EXAMPLE, BuildOptions()), (EXAMPLE_ANNUAL, BuildOptions(letterhead=True))] * 2
    ):
        [docx] = build_report(source, root / str(n), options=options).outputs
        built.append(docx.rename(root / f"{n}.docx"))
    return built


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_two_real_workers_give_the_same_pdfs_as_one(letters, tmp_path):
    from reportgen.conversion import workers

    made = {}
    for size in (1, 2):
        pool = workers(size)
        if pool is None:
            pytest.skip("no Python here can import uno (Debian: apt-get install python3-uno)")
        with pool:
            targets = [tmp_path / f"{size}-{d.stem}.pdf" for d in letters]
            assert pool.convert([Job(d, t) for d, t in zip(letters, targets, strict=True)]) == []
            made[size] = [_text(t) for t in targets]
    assert made[1] == made[2]
    assert all("—2—" in "".join(text.split()) for text in made[1])  # page 2 was drawn


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_bridge_whose_caller_vanishes_ends_its_libreoffice(tmp_path):
    """The caller dies without closing anything (kill -9): the bridge sees its input end,
    and ends LibreOffice — soffice.bin too, a grandchild in the bridge's process group."""
    from reportgen.conversion import workers

    pool = workers(1)
    if pool is None:
        pytest.skip("no Python here can import uno (Debian: apt-get install python3-uno)")
    try:
        assert pool.warm() == []
        bridge = pool.workers[0].process
        group = [p for p in _group_members(bridge.pid) if p != bridge.pid]
        assert group  # LibreOffice runs under the bridge
        bridge.stdin.close()  # what the caller's death does to the pipe
        bridge.wait(timeout=60)
        import time

        deadline = time.monotonic() + 30
        while any(alive(p) for p in group) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in group)
    finally:
        pool.close()


def _group_members(pgid: int) -> list[int]:
    members = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().split(")")[-1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                members.append(int(proc.name))
    return members


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_a_worker_skips_libreoffices_graphics_self_test(letters, tmp_path, monkeypatch):
    """The profile records a last version, so LibreOffice does not take its start for an
    upgrade and run GraphicsRenderTests (it writes their log when it does: about 1 s of every
    start). A profile without the setting shows the test would run."""
    from reportgen import conversion
    from reportgen.conversion import workers

    pool = workers(1, work=tmp_path / "kept")
    if pool is None:
        pytest.skip("no Python here can import uno (Debian: apt-get install python3-uno)")
    with pool:
        assert pool.convert([Job(letters[0], tmp_path / "a.pdf")]) == []
        logs = list((tmp_path / "kept").glob("worker-*/user/GraphicsRenderTests.log"))
        assert logs == []
    settings = [s for s in conversion.PROFILE_SETTINGS if s[1] != "ooSetupLastVersion"]
    monkeypatch.setattr(conversion, "PROFILE_SETTINGS", tuple(settings))
    bare = tmp_path / "bare"
    with workers(1, work=bare) as pool:
        assert pool.convert([Job(letters[0], tmp_path / "b.pdf")]) == []
        assert list(bare.glob("worker-*/user/GraphicsRenderTests.log"))
