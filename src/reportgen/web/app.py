"""The page's routes (路由): 新建, 检查与生成, 审阅, 归档, 格式检查.

Each route reads its form, runs one task in a limited child process and shows the result
with a Jinja2 template (autoescaped, so a cell's ``<script>`` is shown as text). The
project's own errors become a calm page with their message; anything else is logged and
shown as a generic page, never a traceback.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from reportgen import api
from reportgen.core.errors import Finding, ReportgenError, Severity, ValidationFailed
from reportgen.core.i18n import LANGUAGES, _, fill, translate
from reportgen.schema.load import builtin_template_names, load_schema
from reportgen.schema.spec import DEFAULT_TEMPLATE
from reportgen.web import tasks
from reportgen.web.forms import FormError, Saved, Upload, as_copy, disposition, upload
from reportgen.web.guard import Guard, LimitUploads, UploadTooLarge
from reportgen.web.jobs import JobFailed, Limits, Workers

log = logging.getLogger("reportgen.web")

LANG_COOKIE = "reportgen_lang"
WORKBOOK = (".xlsx",)
DOCUMENT = (".docx", ".txt", ".xlsx")
MIME = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".html": "text/html; charset=utf-8",
}
_LABELS = {Severity.ERROR: _("error"), Severity.WARNING: _("warning")}
_GENERIC = _(
    "Something went wrong inside reportgen; the details were written to the server's log. Nothing was kept. Try again, or tell whoever looks after this computer."
)


_NOT_FOUND = _("There is no page at this address. Start again from the start page.")


def _cores() -> int:
    return os.cpu_count() or 2


@dataclass(frozen=True)
class Settings:
    """How the page runs: extra template folders, the access token, limits, scratch space."""

    templates: tuple[Path, ...] = ()
    token: str | None = None
    max_upload: int = 20 * 1024 * 1024
    readers: int = field(default_factory=lambda: max(4, 2 * _cores()))
    converters: int = field(default_factory=_cores)  # LibreOffice runs at once
    limits: Limits = Limits(seconds=120.0, memory=2 * 1024**3)
    convert_limits: Limits = Limits(seconds=180.0, memory=4 * 1024**3)
    scratch: Path | None = None  # where per-request folders go (default: the system's)
    # Keep LibreOffice running for the previews (the UNO bridge, where python3-uno is), up to
    # ``converters`` of them; else every preview starts LibreOffice afresh. `reportgen serve`
    # turns it on; an app made in code (the tests) starts no LibreOffice unless asked.
    warm: bool = False


@dataclass(frozen=True)
class Choice:
    """A template offered on the page: the form's key, its description, what to load."""

    key: str
    label: str
    template: str


@dataclass(frozen=True)
class Shown:
    """A finding as the page shows it, in the visitor's language."""

    severity: str
    label: str
    place: str
    message: str
    hint: str


# ---------------------------------------------------------------- the app


def create_app(settings: Settings = Settings()) -> Starlette:
    """The ASGI app of ``reportgen serve``."""
    site = Site(settings)
    app = Starlette(
        routes=site.routes(),
        middleware=[
            Middleware(Guard, refuse=site.refusal, token=settings.token),
            Middleware(LimitUploads, limit=settings.max_upload),
        ],
        lifespan=site.lifespan,
        exception_handlers={404: site.not_found, 405: site.not_found},
    )
    app.state.site = site
    return app


def templates_dir() -> Path:
    """The folder of the page's Jinja2 templates."""
    return Path(str(resources.files("reportgen.web") / "templates"))


def static_dir() -> Path:
    """The folder of the page's CSS and script, served by the page itself."""
    return Path(str(resources.files("reportgen.web") / "static"))


def language(request: Request) -> str:
    """``?lang=``, else the cookie, else Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "")
    return asked if asked in LANGUAGES else "zh"


class Site:
    """The routes and what they share: templates, the worker pools, the template choices."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pages = Jinja2Templates(directory=str(templates_dir()))
        self.pages.env.autoescape = True  # every value shown is escaped, whatever the template
        self.readers = Workers(settings.readers, settings.limits)
        self.converters = Workers(settings.converters, settings.convert_limits)
        self.choices = template_choices(settings.templates)
        self.office: Any = None  # the warm LibreOffice pool (reportgen.office), once started

    @asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """Start the forkserver and the warm LibreOffice in the background, so that the first
        upload is quick; end LibreOffice with the server."""
        warming = threading.Thread(target=self._warm, daemon=True)
        warming.start()
        try:
            yield
        finally:
            warming.join()  # a LibreOffice still starting is ended too, not left behind
            office, self.office = self.office, None
            if office is not None:
                office.close()

    def _warm(self) -> None:
        try:
            self.readers.warm()
        except Exception:  # the first real job will say what is wrong
            log.exception("could not start the workers")
        if self.settings.warm:
            self._warm_office()

    def _warm_office(self) -> None:
        """The pool of warm LibreOffice workers, started; none where there is no UNO bridge."""
        from reportgen import conversion

        try:
            office = conversion.workers(self.settings.converters)
        except ReportgenError:  # no LibreOffice: previews say so when asked for
            return
        if office is None:
            return
        for problem in office.warm():
            log.warning("LibreOffice did not start: %s", problem)
        self.office = office

    def routes(self) -> list[Route | Mount]:
        """Every address the page answers."""
        return [
            Route("/", self._answer(self.home)),
            Route("/new", self._answer(self.new_page)),
            Route("/new/empty", self._answer(self.new_empty), methods=["POST"]),
            Route("/new/next", self._answer(self.new_next), methods=["POST"]),
            Route("/new/next/download", self._answer(self.new_next_download), methods=["POST"]),
            Route("/check", self._answer(self.check_page)),
            Route("/check", self._answer(self.check), methods=["POST"]),
            Route("/check/download", self._answer(self.check_download), methods=["POST"]),
            Route("/review", self._answer(self.review_page)),
            Route("/review", self._answer(self.review), methods=["POST"]),
            Route("/archive", self._answer(self.archive_page)),
            Route("/archive", self._answer(self.archive), methods=["POST"]),
            Route("/docx", self._answer(self.docx_page)),
            Route("/docx", self._answer(self.docx), methods=["POST"]),
            Mount("/static", app=StaticFiles(directory=str(static_dir())), name="static"),
        ]

    # ------------------------------------------------------------ showing

    def page(self, request: Request, page: str, status: int = 200, **values: Any) -> Response:
        """Render the template ``page`` in the visitor's language (remembered when asked by ``?lang=``)."""
        lang = language(request)
        context = {
            "lang": lang,
            "_": functools.partial(_say, lang),
            "active": page.removesuffix(".html"),
            "path": request.url.path,
            "back": "/" + request.url.path.strip("/").split("/")[0],
            "choices": self.choices,
            "max_mb": self.settings.max_upload // (1024 * 1024),
            **values,
        }
        response = self.pages.TemplateResponse(request, page, context, status_code=status)
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400)
        return response

    def refusal(self, request: Request, message: str, status: int) -> Response:
        """A page saying why the request was refused (used by the guard)."""
        return self.page(
            request, "error.html", status, message=translate(message, language(request))
        )

    async def not_found(self, request: Request, _exc: Exception) -> Response:
        """A calm page for an address the page does not have."""
        message = translate(_NOT_FOUND, language(request))
        return self.page(request, "error.html", 404, message=message)

    def groups(self, request: Request, findings: Any) -> list[tuple[str, list[Shown]]]:
        """Findings grouped by sheet (or file), shown with the names the user knows."""
        lang = language(request)
        names = _names(request)
        grouped: dict[str, list[Shown]] = {}
        for finding in findings:
            group = _masked(finding.sheet or finding.file, names)
            grouped.setdefault(group, []).append(_shown(finding, lang, names))
        return list(grouped.items())

    def _answer(
        self, handler: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        """``handler`` with the project's errors turned into pages, and everything else too."""

        @functools.wraps(handler)
        async def answered(request: Request) -> Response:
            try:
                return await handler(request)
            except ValidationFailed as exc:
                return self._failed(request, exc)
            except ReportgenError as exc:
                message = _masked(exc.text(language(request)), _names(request))
                return self.page(request, "error.html", _status(exc), message=message)
            except Exception:
                log.exception("unexpected error in %s", request.url.path)
                message = translate(_GENERIC, language(request))
                return self.page(request, "error.html", 500, message=message)

        return answered

    def _failed(self, request: Request, exc: ValidationFailed) -> Response:
        """The page for a workbook whose errors stop the work: every finding."""
        message = exc.text(language(request))
        groups = self.groups(request, exc.findings)
        return self.page(request, "problems.html", 422, message=message, groups=groups)

    async def run(self, request: Request, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a reading child process, off the event loop."""
        return await run_in_threadpool(self.readers.run, function, *args)

    async def convert(self, request: Request, function: Callable[..., Any], *args: Any) -> Any:
        """``function(*args)`` in a child of the bounded LibreOffice pool."""
        return await run_in_threadpool(self.converters.run, function, *args)

    def form(self, request: Request) -> Any:
        """The request's form and folder (see ``forms.upload``), remembered for messages."""
        return _remembered(
            request, upload(request, self.settings.max_upload, self.settings.scratch)
        )

    def template(self, form: Upload, default: str | None = None) -> str | None:
        """The template the form picked, only ever one the page offered (never a path)."""
        key = form.text("template")
        for choice in self.choices:
            if choice.key == key:
                return choice.template
        return default

    # ------------------------------------------------------------ home and forms

    async def home(self, request: Request) -> Response:
        """The start page: the five things the page does."""
        return self.page(request, "home.html")

    async def new_page(self, request: Request) -> Response:
        """新建: an empty workbook, or next year's from last year's file."""
        return self.page(request, "new.html", year=dt.date.today().year)

    async def check_page(self, request: Request) -> Response:
        """检查与生成: the upload form."""
        return self.page(request, "check.html")

    async def review_page(self, request: Request) -> Response:
        """审阅: two workbooks to compare."""
        return self.page(request, "review.html")

    async def archive_page(self, request: Request) -> Response:
        """归档: a workbook to package."""
        return self.page(request, "archive.html")

    async def docx_page(self, request: Request) -> Response:
        """格式检查: a .docx to check."""
        return self.page(request, "docx.html")

    # ------------------------------------------------------------ 新建

    async def new_empty(self, request: Request) -> Response:
        """An empty workbook for the chosen template and year, as a download."""
        async with self.form(request) as form:
            template = self.template(form, "letter") or "letter"
            year = _year(form.text("year"))
            path = await self.run(request, tasks.empty_workbook, form.work, template, year)
            kind = next(c.label for c in self.choices if c.template == template)
            name = fill(
                _("Workbook {year} ({kind}).xlsx"),
                {"year": year, "kind": kind.split("：")[0]},
                language(request),
            )
            return download(path, name)

    async def new_next(self, request: Request) -> Response:
        """Next year's workbook from last year's file: what to review, and its download."""
        async with self.form(request) as form:
            source = await form.file("source", "last", DOCUMENT)
            carried = await self.run(
                request, tasks.next_year_workbook, source.path, form.work, self.template(form)
            )
            return self.page(
                request,
                "new_result.html",
                carried=carried,
                groups=self.groups(request, carried.review),
                copy=as_copy(source.path),
                copy_name=source.name,
                template_key=form.text("template"),
            )

    async def new_next_download(self, request: Request) -> Response:
        """Next year's workbook again, from the page's copy of last year's file."""
        async with self.form(request) as form:
            source = form.copy("source", "last", DOCUMENT)
            carried = await self.run(
                request, tasks.next_year_workbook, source.path, form.work, self.template(form)
            )
            return download(carried.path, _next_name(source.name, carried.year))

    # ------------------------------------------------------------ 检查与生成

    async def check(self, request: Request) -> Response:
        """Findings as ``validate`` gives them; with no error, page previews and downloads."""
        async with self.form(request) as form:
            workbook = await form.file("workbook", "workbook", WORKBOOK)
            checked = await self.checked(request, workbook.path, form)
            lang = language(request)
            return self.page(
                request,
                "check_result.html",
                checked=checked,
                groups=self.groups(request, checked.findings),
                errors=sum(1 for f in checked.findings if f.severity is Severity.ERROR),
                pages=[_data_uri(p) for p in checked.pages],
                no_preview=_masked(checked.no_preview.text(lang), _names(request))
                if checked.no_preview
                else "",
                copy=as_copy(workbook.path) if checked.ok else "",
                copy_name=workbook.name,
                template_key=form.text("template"),
            )

    async def checked(self, request: Request, workbook: Path, form: Any) -> tasks.Checked:
        """The workbook checked with its previews: the letter built in a child, its pages
        converted by the warm LibreOffice when there is one (else all in one child)."""
        office = self.office
        if office is None:
            return await self.convert(
                request, tasks.check_workbook, workbook, form.work, self.template(form)
            )
        checked = await self.run(
            request, tasks.check_workbook, workbook, form.work, self.template(form), False
        )
        return await run_in_threadpool(tasks.previews, checked, form.work, office)

    async def check_download(self, request: Request) -> Response:
        """One of the four outputs (.docx or PDF, plain or 信函格式), built afresh."""
        async with self.form(request) as form:
            workbook = form.copy("workbook", "workbook", WORKBOOK)
            kind = form.text("kind", "docx")
            options = api.BuildOptions(
                pdf=kind.endswith("pdf"),
                letterhead=kind.startswith("letterhead"),
                seal=form.text("seal") == "on",
                html=kind == "html",
            )
            runner = self.convert if options.pdf else self.run
            path = await runner(
                request, tasks.build_one, workbook.path, form.work, self.template(form), options
            )
            return download(path, _output_name(path, options, language(request)))

    # ------------------------------------------------------------ 审阅, 归档, 格式检查

    async def review(self, request: Request) -> Response:
        """The redline of two workbooks, in the page."""
        async with self.form(request) as form:
            old = await form.file("old", "old", WORKBOOK)
            new = await form.file("new", "new", WORKBOOK)
            lang = language(request)
            args = (old.path, new.path, self.template(form), lang)
            page, summary = await self.run(request, tasks.redline, *args)
            redline = _retitled(_masked(page, _names(request)), old, new, lang)
            return self.page(
                request,
                "review_result.html",
                redline=redline,
                summary=summary,
                old=old.name,
                new=new.name,
            )

    async def archive(self, request: Request) -> Response:
        """The BagIt bag of a workbook's letter as sent (信函格式, seal: as ticked), one .zip."""
        async with self.form(request) as form:
            workbook = await form.file("workbook", "workbook", WORKBOOK)
            options = api.BuildOptions(
                letterhead=form.text("letterhead") == "on", seal=form.text("seal") == "on"
            )
            archived = await self.convert(
                request, tasks.archive_zip, workbook.path, form.work, self.template(form), options
            )
            return download(archived.path, archived.path.name)

    async def docx(self, request: Request) -> Response:
        """The GB/T 9704 findings of any .docx; its rendered pages' too when asked for
        (检查排版后的页面: LibreOffice, so in the conversion pool)."""
        async with self.form(request) as form:
            document = await form.file("document", "document", (".docx",))
            pages = form.text("pages") == "on"
            runner = self.convert if pages else self.run
            findings = await runner(
                request, tasks.check_document, document.path, self.template(form), pages
            )
            return self.page(
                request,
                "docx_result.html",
                groups=self.groups(request, findings),
                name=document.name,
                errors=sum(1 for f in findings if f.severity is Severity.ERROR),
                pages=pages,
            )


# ---------------------------------------------------------------- helpers


def template_choices(folders: tuple[Path, ...]) -> list[Choice]:
    """The shipped templates, then the office's own folders (each checked now, so that a
    broken one stops ``serve`` with its message rather than a later upload)."""
    names = sorted(builtin_template_names(), key=lambda name: name != DEFAULT_TEMPLATE)
    choices = [Choice(name, load_schema(name).description, name) for name in names]
    for index, folder in enumerate(folders, 1):
        schema = load_schema(folder)
        choices.append(Choice(f"own-{index}", schema.description or schema.name, str(folder)))
    return choices


def download(path: Path, name: str) -> Response:
    """The file as an attachment named ``name`` (read now: its folder goes with the request)."""
    media = MIME.get(path.suffix.lower(), "application/octet-stream")
    return Response(
        path.read_bytes(), media_type=media, headers={"Content-Disposition": disposition(name)}
    )


def _say(lang: str, message: str, **params: Any) -> str:
    """A page's words in ``lang`` (the templates' ``_``)."""
    return fill(message, params, lang)


def _shown(finding: Finding, lang: str, names: dict[str, str]) -> Shown:
    return Shown(
        severity=finding.severity.value,
        label=translate(_LABELS[finding.severity], lang),
        place=_masked(finding.place, names),
        message=_masked(finding.text(lang), names),
        hint=_masked(finding.hint_text(lang), names),
    )


def _remembered(request: Request, context: Any) -> Any:
    """Keep the upload on the request, so that an error's message can name its files."""

    @asynccontextmanager
    async def remembering() -> AsyncIterator[Upload]:
        async with context as form:
            request.state.upload = form
            yield form

    return remembering()


def _names(request: Request) -> dict[str, str]:
    """The request's file paths → the names the user gave them, then its folder → ''."""
    form: Upload | None = getattr(request.state, "upload", None)
    if form is None:
        return {}
    return {**form.names(), str(form.work) + os.sep: "", str(form.work): ""}


def _masked(text: str, names: dict[str, str]) -> str:
    """``text`` with the request's temporary paths replaced by what the user knows."""
    for path, name in names.items():
        text = text.replace(path, name)
    return text


def _retitled(page: str, old: Saved, new: Saved, lang: str) -> str:
    """The redline with its title naming the files as the user knows them."""
    title = translate(_CHANGES, lang)
    ours = html.escape(title.format(old=old.path.name, new=new.path.name))
    theirs = html.escape(title.format(old=old.name, new=new.name))
    return page.replace(ours, theirs)


_CHANGES = _("Changes from {old} to {new}")  # the redline's own title (yearly.diffview)


def _status(exc: ReportgenError) -> int:
    """The HTTP status of a refused request."""
    if isinstance(exc, UploadTooLarge):
        return 413
    if isinstance(exc, FormError):
        return 400
    if isinstance(exc, JobFailed):
        return 503
    return 422


def _year(text: str) -> int:
    """The year the form gave, within 2000–2100, else this year."""
    try:
        year = int(text)
    except ValueError:
        return dt.date.today().year
    return year if 2000 <= year <= 2100 else dt.date.today().year


def _data_uri(png: Path) -> str:
    """A page image inlined in the page (its file goes with the request)."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")


def _next_name(last: str, year: int) -> str:
    """``法治-2018.docx`` → ``法治-2019.xlsx``; a name without last year gets ``-2019``."""
    stem = Path(last).stem
    old = str(year - 1)
    return (stem.replace(old, str(year)) if old in stem else f"{stem}-{year}") + ".xlsx"


def _output_name(path: Path, options: api.BuildOptions, lang: str) -> str:
    """The download's name: the letter's title, marked when it is the 信函格式."""
    if not options.letterhead:
        return path.name
    return fill(_("{title} (letterhead)"), {"title": path.stem}, lang) + path.suffix
