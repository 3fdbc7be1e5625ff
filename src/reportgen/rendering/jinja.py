"""Jinja for templates (模板引擎): the one sandboxed environment, and what a template does wrong
turned into a TemplateError naming it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.i18n import _
from reportgen.wordml.open import docx_failures, unreadable

REPLACE_TEMPLATE_DOCX = _(
    "Replace template.docx with a Word document (.docx), e.g. one copied from a folder "
    "made by: reportgen templates new NAME"
)


@contextlib.contextmanager
def template_errors(path: Path) -> Iterator[None]:
    """Whatever a template does wrong ends as a TemplateError naming it, never a traceback.

    A user may bring their own template: an unknown variable, a forbidden attribute in the
    sandbox, a broken tag, a range too big, XML it breaks, or a file that is no .docx.
    """
    from jinja2 import TemplateError as JinjaError
    from lxml.etree import XMLSyntaxError

    try:
        yield
    except TemplateError:
        raise
    except (JinjaError, XMLSyntaxError, OverflowError) as exc:
        raise template_error(path, exc) from exc
    except docx_failures() as exc:  # not a zip, a damaged one, no Word document part …
        raise unreadable(path, exc, TemplateError, REPLACE_TEMPLATE_DOCX) from exc


def jinja_env() -> Any:
    """The sandboxed, autoescaping, strict Jinja environment every render uses."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def template_error(path: Path, exc: Exception) -> TemplateError:
    """The user-facing error for a template Jinja cannot fill."""
    return TemplateError(
        _("{file}: the template cannot be filled: {error}"), file=str(path), error=str(exc)
    )
