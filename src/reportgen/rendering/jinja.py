"""Jinja for templates (模板引擎): the one sandboxed environment, and what a template does wrong
turned into a TemplateError naming it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reportgen.core.errors import TemplateError
from reportgen.core.i18n import Message, _
from reportgen.wordml.open import docx_failures, unreadable

REPLACE_TEMPLATE_DOCX = _(
    "Replace template.docx with a Word document (.docx), e.g. one copied from a folder "
    "made by: reportgen templates new NAME"
)


@contextlib.contextmanager
def template_errors(path: Path) -> Iterator[None]:
    """Whatever a template does wrong ends as a TemplateError naming it, never a traceback.

    A user may bring their own template: an unknown variable, a forbidden attribute in the
    sandbox, a broken tag, a limit of the sandbox reached (``sandbox``), XML it breaks, tags
    nested deeper than Jinja's parser goes, or a file that is no .docx.
    """
    from jinja2 import TemplateError as JinjaError
    from lxml.etree import XMLSyntaxError

    from reportgen.rendering.sandbox import TOO_DEEP, TemplateLimit

    try:
        yield
    except TemplateError:
        raise
    except (JinjaError, XMLSyntaxError, OverflowError) as exc:
        raise template_error(path, exc) from exc
    except RecursionError as exc:  # ((((… in a tag: Jinja's parser recurses
        raise template_error(path, TemplateLimit(TOO_DEEP)) from exc
    except docx_failures() as exc:  # not a zip, a damaged one, no Word document part …
        raise unreadable(path, exc, TemplateError, REPLACE_TEMPLATE_DOCX) from exc


def jinja_env() -> Any:
    """The sandboxed, autoescaping, strict Jinja environment every render uses, with no loader
    and bounded work (``sandbox``)."""
    from reportgen.rendering.sandbox import bounded_environment

    return bounded_environment()


def template_error(path: Path, exc: Exception) -> TemplateError:
    """The user-facing error for a template Jinja cannot fill: a limit of the sandbox or a
    refused tag in its own words, anything else as Jinja (or the template's code) says it."""
    from reportgen.rendering.sandbox import REFUSED_TAG, RefusedTag, TemplateLimit

    if isinstance(exc, RefusedTag):
        return TemplateError(REFUSED_TAG, file=str(path), tag=exc.tag)
    if isinstance(exc, TemplateLimit):
        return TemplateError(CANNOT_FILL_PROBLEM, file=str(path), problem=Message(exc.problem))
    one_line = " ".join(str(exc).split())  # one line, whatever Jinja or Python wrote
    return TemplateError(CANNOT_FILL, file=str(path), error=one_line)


CANNOT_FILL = _("{file}: the template cannot be filled: {error}")
CANNOT_FILL_PROBLEM = _("{file}: the template cannot be filled: {problem}")
