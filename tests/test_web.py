"""The office's page (reportgen serve), through Starlette's TestClient and a real uvicorn."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import io
import re
import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from starlette.testclient import TestClient

from reportgen.core.i18n import translate
from reportgen.web import jobs
from reportgen.web.app import Settings, create_app, templates_dir
from reportgen.web.jobs import JobFailed, Limits, Workers

from . import web_helpers as helpers
from .web_helpers import EXAMPLE, SCRIPT, running, with_info, with_point

LOCAL = "http://127.0.0.1:8000"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app(), base_url=LOCAL) as test_client:
        yield test_client


def upload(path: Path, name: str | None = None) -> tuple[str, bytes, str]:
    return (name or path.name, path.read_bytes(), XLSX)


def filename(response: httpx.Response) -> str:
    """The download's real name, from its RFC 6266 ``filename*``."""
    header = response.headers["content-disposition"]
    return unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


# ---------------------------------------------------------------- pages


def test_every_page_answers_in_chinese_with_an_english_switch(client: TestClient) -> None:
    for path in ("/", "/new", "/check", "/review", "/archive", "/docx"):
        page = client.get(path)
        assert page.status_code == 200
        assert "检查与生成" in page.text and 'lang="zh-CN"' in page.text
    english = client.get("/check?lang=en")
    assert "Check and build" in english.text and english.cookies.get("reportgen_lang") == "en"
    client.cookies.clear()


def test_the_page_needs_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/check").text
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/enhance.js").status_code == 200
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


@needs_soffice
def test_the_example_has_no_problems_and_its_downloads_open(client: TestClient) -> None:
    page = client.post("/check", files={"workbook": upload(EXAMPLE, "法治 2018.xlsx")})
    assert page.status_code == 200
    assert "没有发现问题" in page.text
    assert page.text.count('src="data:image/png;base64,') >= 2  # every page previewed
    form = {"workbook": hidden(page.text, "workbook"), "workbook_name": "法治 2018.xlsx"}
    docx = client.post("/check/download", data={**form, "kind": "docx"}, files={"x": ("", b"")})
    assert docx.status_code == 200
    assert filename(docx) == "杭州市公安局关于2018年度法治政府建设工作情况的函.docx"
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert any("杭州市公安局" in text for text in paragraphs)
    letterhead = client.post(
        "/check/download", data={**form, "kind": "letterhead-docx"}, files={"x": ("", b"")}
    )
    assert filename(letterhead).endswith("（信函格式）.docx")


def test_an_empty_issuer_is_shown_at_its_cell(client: TestClient, tmp_path: Path) -> None:
    workbook = with_info(tmp_path / "empty.xlsx", "发文机关", None)
    page = client.post("/check", files={"workbook": upload(workbook)})
    assert page.status_code == 200
    assert "基本信息!B2" in page.text
    assert "修改方法" in page.text
    assert str(tmp_path) not in page.text and "reportgen-web-" not in page.text


def test_a_script_in_a_cell_is_shown_as_text(client: TestClient, tmp_path: Path) -> None:
    workbook = with_info(tmp_path / "script.xlsx", "发文字号", SCRIPT)  # quoted in its finding
    page = client.post("/check", files={"workbook": upload(workbook, SCRIPT + ".xlsx")})
    assert SCRIPT not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_no_file_chosen_says_so(client: TestClient) -> None:
    page = client.post("/check", files={"workbook": ("", b"", XLSX)})
    assert page.status_code == 400
    assert "请先选择文件" in page.text


def test_a_file_that_is_no_workbook_gets_its_message(client: TestClient) -> None:
    page = client.post(
        "/check", files={"workbook": ("报告.xlsx", b"%PDF-1.4 not a workbook", XLSX)}
    )
    assert page.status_code == 422
    assert "报告.xlsx" in page.text and "reportgen-web-" not in page.text
    assert "Traceback" not in page.text


def test_an_oversized_upload_is_refused_in_chinese(tmp_path: Path) -> None:
    settings = Settings(max_upload=1024 * 1024, scratch=tmp_path)
    with TestClient(create_app(settings), base_url=LOCAL) as small:
        big = ("big.xlsx", b"x" * (2 * 1024 * 1024), XLSX)
        page = small.post("/check", files={"workbook": big})
        assert page.status_code == 413
        assert "文件太大" in page.text and "1 MB" in page.text
        assert small.get("/").status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_an_oversized_stream_without_a_length_is_cut_while_it_arrives(tmp_path: Path) -> None:
    settings = Settings(max_upload=1024 * 1024, scratch=tmp_path)

    def body():  # chunked: no Content-Length to refuse up front
        yield b'--b\r\nContent-Disposition: form-data; name="workbook"; filename="a.xlsx"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 65536
        yield b"\r\n--b--\r\n"

    with running(create_app(settings)) as base:
        headers = {"content-type": "multipart/form-data; boundary=b"}
        page = httpx.post(base + "/check", content=body(), headers=headers, timeout=60)
        assert page.status_code == 413 and "文件太大" in page.text
        assert httpx.get(base + "/", timeout=30).status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_a_post_from_another_origin_is_refused(client: TestClient) -> None:
    files = {"workbook": upload(EXAMPLE)}
    refused = client.post("/check", files=files, headers={"origin": "http://evil.example"})
    assert refused.status_code == 403 and "其他网站" in refused.text
    by_referer = client.post("/docx", files=files, headers={"referer": "http://evil.example/x"})
    assert by_referer.status_code == 403
    assert (
        client.post("/new/empty", data={"year": "2020"}, headers={"origin": "null"}).status_code
        == 403
    )


def test_another_host_name_is_refused_when_local(client: TestClient) -> None:
    assert client.get("/", headers={"host": "evil.example"}).status_code == 403


def test_a_token_is_required_off_this_computer() -> None:
    app = create_app(Settings(token="s3cret"))
    with TestClient(app, base_url="http://192.0.2.10:8000") as lan:
        refused = lan.get("/")
        assert refused.status_code == 403 and "访问令牌" in refused.text
        assert lan.get("/?token=wrong").status_code == 403
        assert lan.get("/?token=s3cret").status_code == 200
        assert lan.get("/check").status_code == 200  # the cookie now carries it


def test_an_empty_workbook_downloads_with_its_chinese_name(client: TestClient) -> None:
    done = client.post(
        "/new/empty", data={"template": "letter", "year": "2020"}, files={"x": ("", b"")}
    )
    assert done.status_code == 200
    assert filename(done) == "2020年工作簿（函告）.xlsx"
    assert 'filename="reportgen.xlsx"' in done.headers["content-disposition"]
    book = load_workbook(io.BytesIO(done.content))
    assert "基本信息" in book.sheetnames


def test_next_years_workbook_lists_the_rows_to_review(client: TestClient) -> None:
    page = client.post("/new/next", files={"source": upload(EXAMPLE, "法治-2018.xlsx")})
    assert page.status_code == 200
    assert "2019 年的工作簿已生成" in page.text and "待修改" in page.text
    form = {"source": hidden(page.text, "source"), "source_name": "法治-2018.xlsx"}
    done = client.post("/new/next/download", data=form, files={"x": ("", b"")})
    assert filename(done) == "法治-2019.xlsx"
    assert load_workbook(io.BytesIO(done.content))["基本信息"]["B4"].value == 2019


def test_review_shows_the_redline_of_two_versions(client: TestClient, tmp_path: Path) -> None:
    changed = with_point(tmp_path / "new.xlsx", "全年共办理行政案件" + SCRIPT)
    files = {"old": upload(EXAMPLE, "2018-初稿.xlsx"), "new": upload(changed, "2018-定稿.xlsx")}
    page = client.post("/review", files=files)
    assert page.status_code == 200
    assert "<iframe" in page.text and "srcdoc=" in page.text
    assert "2018-初稿.xlsx" in page.text and "reportgen-web-" not in page.text
    assert SCRIPT not in page.text  # escaped twice over: in the redline, then in srcdoc


def test_format_check_of_a_docx(client: TestClient, tmp_path: Path) -> None:
    from reportgen import api

    built = api.build_report(EXAMPLE, tmp_path).outputs[0]
    page = client.post(
        "/docx", files={"document": ("函.docx", built.read_bytes(), "application/octet-stream")}
    )
    assert page.status_code == 200
    assert "没有发现问题" in page.text


@needs_soffice
def test_archive_downloads_one_zip_bag(client: TestClient) -> None:
    done = client.post("/archive", files={"workbook": upload(EXAMPLE)})
    assert done.status_code == 200
    assert filename(done).endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(done.content)).namelist()
    assert any(name.endswith("/bagit.txt") for name in names)
    assert any(name.endswith(".pdf") for name in names)


# ---------------------------------------------------------------- many at once, bad jobs


def test_eight_uploads_at_once_are_all_answered(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    workbook = with_info(tmp_path / "empty.xlsx", "发文机关", None)
    with running(create_app(Settings(scratch=scratch))) as base:

        def send(_index: int) -> httpx.Response:
            files = {"workbook": ("w.xlsx", workbook.read_bytes(), XLSX)}
            return httpx.post(base + "/check", files=files, timeout=120)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pages = list(pool.map(send, range(8)))
    assert [p.status_code for p in pages] == [200] * 8
    assert all("基本信息!B2" in p.text for p in pages)
    assert list(scratch.iterdir()) == []


def _workers(**limits: float) -> Workers:
    return Workers(2, Limits(**{"seconds": 30, "memory": 2 * 1024**3, **limits}))


def test_a_crashing_job_ends_with_a_message() -> None:
    workers = _workers()
    with pytest.raises(JobFailed) as failed:
        workers.run(helpers.crash)
    assert "意外中止" in failed.value.text("zh")
    assert workers.run(helpers.answer, 21) == 42


def test_a_hanging_job_is_ended_at_its_timeout() -> None:
    workers = _workers(seconds=1)
    with pytest.raises(JobFailed) as failed:
        workers.run(helpers.hang)
    assert "超过 1 秒" in failed.value.text("zh")


def test_a_memory_blow_up_is_stopped_by_the_limit() -> None:
    workers = _workers(memory=1024**3)
    with pytest.raises(JobFailed) as failed:
        workers.run(helpers.blow_up)
    assert "内存" in failed.value.text("zh")


def test_a_reportgen_error_comes_back_whole_from_a_child(tmp_path: Path) -> None:
    from reportgen.core.errors import ValidationFailed
    from reportgen.web import tasks

    workbook = with_info(tmp_path / "empty.xlsx", "发文机关", None)
    with pytest.raises(ValidationFailed) as failed:
        _workers().run(tasks.build_one, workbook, tmp_path, None, jobs_options())
    assert any(f.place == "基本信息!B2" for f in failed.value.findings)
    assert "1" in failed.value.text("zh")


def jobs_options():  # noqa: ANN201
    from reportgen.api import BuildOptions

    return BuildOptions()


def test_a_worker_out_of_memory_ends_its_request_and_the_page_goes_on(tmp_path: Path) -> None:
    starving = Limits(seconds=60, memory=16 * 1024**2)  # less than a child has at its start
    tight = Settings(limits=starving, convert_limits=starving, scratch=tmp_path)
    with TestClient(create_app(tight), base_url=LOCAL) as starved:
        page = starved.post("/check", files={"workbook": upload(EXAMPLE)})
        # the workbook reader turns what starving does to it into its own message (422); a
        # child that dies of it, or raises MemoryError elsewhere, gets the page's (503)
        assert page.status_code in (422, 503)
        assert re.search(r'<p class="message">\S', page.text)
        assert "Traceback" not in page.text
        assert starved.get("/").status_code == 200
    assert list(tmp_path.iterdir()) == []


@needs_soffice
def test_a_hanging_conversion_ends_its_request_with_a_message(tmp_path: Path) -> None:
    hurried = Settings(convert_limits=Limits(seconds=1, memory=4 * 1024**3), scratch=tmp_path)
    with TestClient(create_app(hurried), base_url=LOCAL) as client:
        page = client.post("/check", files={"workbook": upload(EXAMPLE)})
        assert page.status_code == 503 and "超过 1 秒" in page.text
        assert client.get("/check").status_code == 200
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the command and the words


def test_serve_off_this_computer_warns_and_prints_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from reportgen.cli.app import main
    from reportgen.cli.serve import serve

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw, app=app))
    if "serve" not in main.commands:
        main.add_command(serve)
    done = CliRunner().invoke(
        main, ["--lang", "zh", "serve", "--host", "0.0.0.0", "--port", "8123"]
    )
    assert done.exit_code == 0, done.output
    assert "注意" in done.output
    token = re.search(r"http://127\.0\.0\.1:8123/\?token=(\S+)", done.output).group(1)
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    local = CliRunner().invoke(main, ["--lang", "zh", "serve"])
    assert "?token=" not in local.output and "http://127.0.0.1:8000/" in local.output
    assert len(token) >= 24


def test_serve_help_does_not_load_the_web_stack() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from reportgen.cli.serve import serve\n"
        "try:\n    serve(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_every_word_of_the_templates_has_chinese() -> None:
    words = {
        m.group(2)
        for page in templates_dir().glob("*.html")
        for m in re.finditer(r"""_\(\s*(["'])(.*?)\1""", page.read_text(encoding="utf-8"))
    }
    assert len(words) > 40
    assert sorted(w for w in words if translate(w, "zh") == w) == []


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().token = "x"  # type: ignore[misc]
    assert jobs.Limits().memory > 0


def test_own_template_folders_are_offered_and_no_path_is_taken_from_a_form() -> None:
    from reportgen.schema.load import builtin_templates_dir
    from reportgen.web.app import Site
    from reportgen.web.forms import Upload

    own = builtin_templates_dir() / "annual-report"
    site = Site(Settings(templates=(own,)))
    assert site.choices[0].key == "letter"  # the default kind comes first
    assert site.choices[-1].key == "own-1" and site.choices[-1].template == str(own)

    def picked(value: str) -> str | None:
        from starlette.datastructures import FormData

        return site.template(Upload(FormData({"template": value}), Path(".")))

    assert picked("own-1") == str(own)
    assert picked(str(own)) is None  # a path typed into the form is never used
    assert picked("../../etc") is None


def test_a_download_name_is_never_a_path(client: TestClient) -> None:
    from reportgen.web.forms import disposition, shown_name, suffix_for

    assert shown_name("C:\\Users\\办公室\\..\\法治.xlsx") == "法治.xlsx"
    assert shown_name("../../etc/passwd\x00") == "passwd"
    assert suffix_for("a.exe", (".xlsx",)) == ".xlsx"
    header = disposition("函 2018.docx")
    assert "filename*=UTF-8''%E5%87%BD%202018.docx" in header
    assert 'filename="reportgen.docx"' in header


def test_an_unknown_address_gets_a_calm_page(client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "这个地址没有页面" in missing.text
    assert client.get("/check/download").status_code == 404  # a POST-only address


def test_ctrl_c_stops_the_page_with_one_calm_line(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = "from reportgen.cli.app import main; main()"
    args = [sys.executable, "-c", code, "--lang", "zh", "serve", "--port", str(port)]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as run:
        assert run.stdout is not None
        assert "页面地址" in run.stdout.readline()  # started
        time.sleep(0.5)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=30)
    assert run.returncode == 0
    assert out.strip() == "页面已停止。"
    assert "Traceback" not in err and "中断" not in err


def test_a_taken_port_is_said_before_any_start_line() -> None:
    import socket

    from reportgen.cli.app import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--lang", "zh", "serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stdout == ""  # no 页面地址 line for a page that never started
    assert result.stderr.startswith(f"reportgen: 无法在 127.0.0.1:{port} 上监听：")
    assert f"reportgen serve --port {port + 1}" in result.stderr


@needs_soffice
def test_a_warm_libreoffice_gives_the_previews_and_ends_with_the_server() -> None:
    """With ``warm`` (as `reportgen serve` runs), the previews come from LibreOffice kept
    running behind the UNO bridge; the same pages as a cold conversion; none left after."""
    from reportgen.conversion import workers

    probe = workers(1)
    if probe is None:
        pytest.skip("no Python here can import uno (Debian: apt-get install python3-uno)")
    probe.close()
    with TestClient(create_app(Settings(warm=True, converters=1)), base_url=LOCAL) as warm:
        site = warm.app.state.site  # type: ignore[attr-defined]
        for _ in range(1200):  # started in the background as the server starts
            if site.office is not None:
                break
            time.sleep(0.1)
        assert site.office is not None
        pids = [w.process.pid for w in site.office.workers if w and w.process]
        assert pids  # started with the server, before the first upload
        pages = [
            warm.post("/check", files={"workbook": upload(EXAMPLE)}).text.count(
                'src="data:image/png;base64,'
            )
            for _ in range(2)
        ]
        assert pages[0] == pages[1] >= 2
        assert [w.process.pid for w in site.office.workers if w and w.process] == pids  # reused
    assert site.office is None
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_the_page_to_publish_downloads_from_the_check_page(client: TestClient) -> None:
    page = client.post("/check", files={"workbook": upload(EXAMPLE, "法治 2018.xlsx")})
    assert 'value="html"' in page.text
    form = {"workbook": hidden(page.text, "workbook"), "workbook_name": "法治 2018.xlsx"}
    got = client.post("/check/download", data={**form, "kind": "html"}, files={"x": ("", b"")})
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/html")
    assert filename(got) == "杭州市公安局关于2018年度法治政府建设工作情况的函.html"
    text = got.content.decode("utf-8")
    assert '<html lang="zh-CN">' in text and "<script" not in text
    assert "<h1>杭州市公安局关于2018年度法治政府建设工作情况的函</h1>" in text
