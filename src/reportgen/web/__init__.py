"""The office's own page (网页): ``reportgen serve``, a local web server over the library.

The web framework (Starlette, served by uvicorn) lives here and nowhere else. Every route
parses its form, runs one library function in a limited child process (``jobs``) and shows
the outcome; the project's own errors become a calm page, anything else a generic one.
"""
