"""Checking an archive bag (校验归档包): every file against the manifests and metadata.json.

Each payload file is checked by SHA-256 (the BagIt manifest) and by SM3 (``sm3-manifest.txt``,
see ``digests``; bags made before it have none), and against the SHA-256 and SM3 that
metadata.json records; a changed file is one problem naming every checksum that differs.

``verify_bag`` reads the bag itself — bagit.txt, the manifests, bag-info.txt, metadata.json —
rather than through bagit.py, so that a damaged or hand-edited bag gives one problem per file
instead of a traceback, and so that nothing outside the bag is ever read:

- every path a manifest or metadata.json names is checked to lie inside the bag (payload
  entries inside ``data/``) before it is opened; one that does not is named, never read;
- symbolic links and other files that are not plain (devices, pipes) are named and never
  followed or opened, and files are opened without following links;
- every file on disk that no manifest lists is named: in ``data/``, and at the top level
  or in other folders, except the standard tag files (bagit.txt, bag-info.txt,
  manifest-*.txt, tagmanifest-*.txt) and reportgen's sm3-manifest.txt;
- tag files larger than ``MAX_TAG_BYTES`` are not read (only hashed).

The problems come in a fixed order: links and odd files, the declaration, the manifests'
own lines, each listed file, the files no manifest lists, metadata.json, then Payload-Oxum
(only when nothing else is wrong, as a changed file already explains it).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.archive.digests import SM3, SM3_MANIFEST, new_hash
from reportgen.core.errors import ArchiveError
from reportgen.core.i18n import _, fill

METADATA = "metadata.json"
CHECKSUM = "sha256"
# reportgen's tag files and metadata.json are a few kilobytes; a larger one is not read, so
# that a hostile bag cannot make --verify hold gigabytes in memory.
MAX_TAG_BYTES = 1 << 20
_ALGORITHMS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
# Hex digits per checksum, SM3 (sm3-manifest.txt, not a BagIt algorithm) included.
_LENGTHS = {**_ALGORITHMS, SM3: 64}
_MANIFEST = re.compile(r"(tag)?manifest-([A-Za-z0-9]+)\.txt")
_ENTRY = re.compile(r"([0-9A-Fa-f]+)[ \t]+(.+)")
_ESCAPES = re.compile("%0A|%0D|%25", re.IGNORECASE)
_STANDARD_TAG_FILES = ("bagit.txt", "bag-info.txt", SM3_MANIFEST)  # the last: reportgen's
_MISSING = _("listed in the manifest but missing.")
_CANNOT_READ = _("cannot be read: {error}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bag: the file (relative to the bag) and what is wrong."""

    file: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """``file: what is wrong`` in ``lang``."""
        return f"{self.file}: " + fill(self.message, self.params, lang)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a bag: how many files were checked, and every problem."""

    bag: Path
    checked: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


@dataclass(frozen=True)
class Manifest:
    """One manifest: its file name, algorithm, and the checksum of each path it lists."""

    name: str
    algorithm: str
    entries: dict[str, str]

    @property
    def payload(self) -> bool:
        """True for manifest-*.txt (data/), False for tagmanifest-*.txt."""
        return not self.name.startswith("tag")


def _digest(path: Path, algorithm: str) -> str:
    """The file's checksum, read without following a link at its name."""
    digest = new_hash(algorithm)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a plain file")
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Reading:
    """One verification under way: the bag's files on disk, checksums met, problems found."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, int] = {}  # plain files: path in the bag → size
        self.folders: set[str] = set()
        self.skipped: set[str] = set()  # links and odd files, named once and never read
        self.problems: list[Problem] = []
        self._digests: dict[tuple[str, str], str | None] = {}
        self._changed: dict[str, tuple[int, list[str]]] = {}  # file → (problem, algorithms)

    def add(self, file: str, message: str, **params: Any) -> None:
        """Record one problem about ``file``."""
        shown = {k: _shown(v) if isinstance(v, str) else v for k, v in params.items()}
        self.problems.append(Problem(_shown(file), message, shown))

    def changed(self, name: str, algorithm: str) -> None:
        """Record that ``name``'s ``algorithm`` checksum differs from its manifest's: one
        problem per file, naming every algorithm that differs (sha256, sm3)."""
        if name not in self._changed:
            self._changed[name] = (len(self.problems), [algorithm])
            self.add(name, _CHANGED, algorithm=algorithm)
            return
        index, algorithms = self._changed[name]
        algorithms.append(algorithm)
        joined = _shown(" / ".join(algorithms))
        self.problems[index] = Problem(_shown(name), _CHANGED_IN_ALL, {"algorithms": joined})

    def digest(self, name: str, algorithm: str) -> str | None:
        """The checksum of plain file ``name`` (computed once), None if it cannot be read."""
        key = (name, algorithm)
        if key not in self._digests:
            try:
                self._digests[key] = _digest(self.root / name, algorithm)
            except OSError as exc:
                self.add(name, _CANNOT_READ, error=exc.strerror or str(exc))
                self._digests[key] = None
        return self._digests[key]

    def text(self, name: str) -> str | None:
        """Tag file ``name`` as text; None (and a problem) if too large or not UTF-8."""
        size = self.files.get(name)
        if size is None:
            return None
        if size > MAX_TAG_BYTES:
            self.add(name, _TOO_LARGE, size=size, limit=MAX_TAG_BYTES)
            return None
        try:
            fd = os.open(self.root / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(MAX_TAG_BYTES + 1)
            return data.decode("utf-8-sig")
        except OSError as exc:
            self.add(name, _CANNOT_READ, error=exc.strerror or str(exc))
        except UnicodeDecodeError:
            self.add(name, _("is not UTF-8 text, as a bag's tag files must be."))
        return None


_CHANGED = _("changed since it was archived: its {algorithm} differs.")
_CHANGED_IN_ALL = _("changed since it was archived: its checksums ({algorithms}) differ.")
_TOO_LARGE = _("is {size} bytes, more than the {limit} a tag file may have; it was not read.")


def _shown(text: str) -> str:
    """``text`` safe to print: characters that are not printable as escapes."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        for ch in text
    )


def verify_bag(path: Path) -> Verification:
    """Check a bag: every manifest checksum, no file missing or added, metadata.json's
    hashes, Payload-Oxum; only ever reading inside the bag, and never raising on what the
    bag holds (an ArchiveError only when ``path`` is no bag at all)."""
    root = _bag_root(path)
    reading = _Reading(root)
    _walk(reading, root)
    _check_declaration(reading)
    manifests = list(_manifests(reading))
    for manifest in manifests:
        _check_entries(reading, manifest)
    _check_unlisted(reading, manifests)
    _check_metadata(reading)
    if not reading.problems:
        _check_oxum(reading)
    if not reading.problems:
        _check_with_bagit(reading)
    unique = {(p.file, p.message, tuple(sorted(p.params.items()))): p for p in reading.problems}
    listed = {name for m in manifests for name in m.entries}
    return Verification(path, len(listed), tuple(unique.values()))


# ---------------------------------------------------------------- the folder


def _bag_root(path: Path) -> Path:
    """The bag's folder, resolved; an ArchiveError when ``path`` is no bag."""
    if not path.exists():
        raise ArchiveError(_("{file}: no such folder."), file=str(path))
    if not path.is_dir():
        raise ArchiveError(
            _(
                "{file} is a file, not a bag. Give the folder that archive printed "
                "(ARCHIVE/<year>/<title>)."
            ),
            file=str(path),
        )
    if not (path / "bagit.txt").exists() and not _looks_like_a_bag(path):
        raise _not_a_bag(path)
    return path.resolve()


def _looks_like_a_bag(folder: Path) -> bool:
    """A damaged bag without bagit.txt: it still has data/ or a manifest."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return "data" in names or any(_MANIFEST.fullmatch(n) for n in names)


def _not_a_bag(folder: Path) -> ArchiveError:
    """A folder without bagit.txt: perhaps the archive folder that holds the bags."""
    bags = sorted(p.parent for p in folder.glob("*/*/bagit.txt"))
    bags = bags or sorted(p.parent for p in folder.glob("*/bagit.txt"))
    if bags:
        return ArchiveError(
            _(
                "{file} is not a bag but holds {count} bag(s); check each one, e.g.: "
                "reportgen archive --verify {example}"
            ),
            file=str(folder),
            count=len(bags),
            example=str(bags[0]),
        )
    return ArchiveError(
        _(
            "{file} is not a bag: it has no bagit.txt. Give the folder that archive printed "
            "(ARCHIVE/<year>/<title>)."
        ),
        file=str(folder),
    )


def _walk(reading: _Reading, root: Path) -> None:
    """Every plain file and folder in the bag; links and odd files are problems. A stack,
    not recursion: a hostile bag may nest folders thousands deep."""
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            reading.add(prefix or ".", _CANNOT_READ, error=exc.strerror or str(exc))
            continue
        inner = []
        for entry in entries:
            name = prefix + entry.name
            try:
                if _take(reading, entry, name):
                    inner.append((Path(entry.path), name + "/"))
            except OSError as exc:  # gone or barred since the folder was listed
                reading.skipped.add(name)
                reading.add(name, _CANNOT_READ, error=exc.strerror or str(exc))
        stack.extend(reversed(inner))  # popped in name order


def _take(reading: _Reading, entry: os.DirEntry[str], name: str) -> bool:
    """Note one folder entry: a plain file (with its size) or a problem; True for a folder,
    to be walked."""
    if entry.is_symlink():
        reading.skipped.add(name)
        reading.add(name, _("is a symbolic link; a bag holds plain files, so it was not followed."))
    elif entry.is_dir(follow_symlinks=False):
        reading.folders.add(name)
        return True
    elif not entry.is_file(follow_symlinks=False):
        reading.skipped.add(name)
        reading.add(name, _("is not a plain file (a device, socket or pipe); it was not read."))
    elif name == "data":
        reading.skipped.add(name)
        reading.add(name, _("is a file, but a bag keeps its files in the folder data/."))
    else:
        reading.files[name] = entry.stat(follow_symlinks=False).st_size
    return False


def _check_declaration(reading: _Reading) -> None:
    """bagit.txt says BagIt-Version and Tag-File-Character-Encoding: UTF-8."""
    if "bagit.txt" not in reading.files:
        if "bagit.txt" not in reading.folders:
            reading.add("bagit.txt", _("missing: every bag begins with it."))
        return
    text = reading.text("bagit.txt")
    if text is None:
        return
    fields = dict(_fields(text))
    if "BagIt-Version" not in fields or fields.get(
        "Tag-File-Character-Encoding", ""
    ).upper() not in (
        "UTF-8",
        "UTF8",
    ):
        reading.add(
            "bagit.txt",
            _("does not say “BagIt-Version” and “Tag-File-Character-Encoding: UTF-8”."),
        )


def _fields(text: str) -> Iterator[tuple[str, str]]:
    """``Label: value`` lines of a tag file (continuation lines joined)."""
    label, value = None, ""
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and label is not None:
            value += " " + line.strip()
            continue
        if label is not None:
            yield label, value
        label, sep, value = (part.strip() for part in line.partition(":"))
        if not sep:
            label = None
    if label is not None:
        yield label, value


# ---------------------------------------------------------------- the manifests


def _manifests(reading: _Reading) -> Iterator[Manifest]:
    """Every manifest at the bag's top level that can be read; at least one payload one."""
    names = sorted(n for n in reading.files if "/" not in n and _MANIFEST.fullmatch(n))
    if not any(not n.startswith("tag") for n in names):
        reading.add(f"manifest-{CHECKSUM}.txt", _("missing: no manifest lists the bag's files."))
    for name in names:
        algorithm = _MANIFEST.fullmatch(name).group(2).lower()  # type: ignore[union-attr]
        if algorithm not in _ALGORITHMS:
            reading.add(
                name,
                _("uses the checksum “{algorithm}”, which --verify cannot check."),
                algorithm=algorithm,
            )
            continue
        text = reading.text(name)
        if text is not None:
            yield Manifest(name, algorithm, _entries(reading, name, algorithm, text))
    yield from _sm3_manifest(reading)


def _sm3_manifest(reading: _Reading) -> Iterator[Manifest]:
    """sm3-manifest.txt, the SM3 of every payload file, when the bag has one (bags made
    before reportgen wrote it have none; one deleted later is missing from the tag manifest)."""
    text = reading.text(SM3_MANIFEST) if SM3_MANIFEST in reading.files else None
    if text is not None:
        yield Manifest(SM3_MANIFEST, SM3, _entries(reading, SM3_MANIFEST, SM3, text))


def _entries(reading: _Reading, manifest: str, algorithm: str, text: str) -> dict[str, str]:
    """The manifest's lines as path → checksum; each line that is wrong is a problem."""
    entries: dict[str, str] = {}
    payload = not manifest.startswith("tag")
    for number, line in enumerate(text.splitlines(), 1):
        match = _ENTRY.fullmatch(line.strip("\r"))
        if not line.strip():
            continue
        if match is None or len(match.group(1)) != _LENGTHS[algorithm]:
            reading.add(manifest, _NOT_AN_ENTRY, line=number, algorithm=algorithm)
            continue
        path = _ESCAPES.sub(lambda m: _UNESCAPED[m.group(0).upper()], match.group(2))
        if not _inside(path, payload):
            reading.add(manifest, _NOT_ALLOWED, line=number, path=path)
        elif path in entries:
            reading.add(manifest, _LISTED_TWICE, line=number, path=path)
        else:
            entries[path] = match.group(1).lower()
    return entries


_UNESCAPED = {"%0A": "\n", "%0D": "\r", "%25": "%"}  # RFC 8493 §2.1.3
_NOT_AN_ENTRY = _("line {line} is not a {algorithm} checksum and a file name.")
_NOT_ALLOWED = _(
    "line {line} names “{path}”, which this manifest may not list (outside data/ or the "
    "bag); it was not read."
)
_LISTED_TWICE = _("line {line} lists “{path}” a second time.")


def _inside(path: str, payload: bool) -> bool:
    """Whether a path from a manifest stays in the bag: relative, no ``..``, and inside
    data/ for a payload manifest, outside it for a tag manifest."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        return False
    if re.match(r"[A-Za-z]:", path):  # a Windows drive
        return False
    return (parts[0] == "data" and len(parts) > 1) == payload


def _check_entries(reading: _Reading, manifest: Manifest) -> None:
    """Each file the manifest lists is there and has the checksum it lists."""
    for name, expected in sorted(manifest.entries.items()):
        if name in reading.files:
            actual = reading.digest(name, manifest.algorithm)
            if actual is not None and actual != expected:
                reading.changed(name, manifest.algorithm)
        elif name in reading.folders:
            reading.add(name, _("listed in the manifest, but it is a folder, not a file."))
        elif not _is_link_or_odd(reading, name):
            reading.add(name, _MISSING)


def _is_link_or_odd(reading: _Reading, name: str) -> bool:
    """Whether ``name`` (or a folder on its way) was already named as a link or odd file."""
    parts = name.split("/")
    return any("/".join(parts[:i]) in reading.skipped for i in range(1, len(parts) + 1))


def _check_unlisted(reading: _Reading, manifests: list[Manifest]) -> None:
    """Files on disk that no manifest lists (standard tag files excepted)."""
    payload = [m for m in manifests if m.payload]
    tags = [m for m in manifests if not m.payload]
    for name in sorted(reading.files):
        if name.startswith("data/"):
            missing_from = [m.name for m in payload if name not in m.entries]
            if payload and len(missing_from) == len(payload):
                reading.add(name, _("not in the manifest: added after archiving."))
            elif missing_from:
                reading.add(
                    name,
                    _("not in {manifest}, though another manifest lists it."),
                    manifest=missing_from[0],
                )
        elif not _standard(name) and not any(name in m.entries for m in tags):
            reading.add(name, _("not in the manifest: added after archiving."))


def _standard(name: str) -> bool:
    """bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt (at the top level)."""
    return name in _STANDARD_TAG_FILES or _MANIFEST.fullmatch(name) is not None


# ---------------------------------------------------------------- metadata.json, Payload-Oxum


def _check_metadata(reading: _Reading) -> None:
    """Files whose SHA-256 differs from what metadata.json recorded."""
    name = f"data/{METADATA}"
    text = reading.text(name)  # a missing one: the manifest check names it
    if text is None:
        return
    try:
        metadata = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: "[[[[…" nested too deep
        reading.add(name, _CANNOT_READ, error=type(exc).__name__)
        return
    files = metadata.get("文件") if isinstance(metadata, dict) else None
    if not isinstance(files, list):
        reading.add(name, _("is not an object with a “文件” list, as reportgen writes it."))
        return
    for number, entry in enumerate(files, 1):
        _check_metadata_entry(reading, name, number, entry)


def _check_metadata_entry(reading: _Reading, name: str, number: int, entry: Any) -> None:
    """One entry of metadata.json's “文件”: a file in data/ with the SHA-256 it records."""
    path = entry.get("路径") if isinstance(entry, dict) else None
    expected = entry.get("SHA-256") if isinstance(entry, dict) else None
    if not isinstance(path, str) or not isinstance(expected, str):
        reading.add(
            name, _("entry {number} of “文件” has no “路径” and “SHA-256” text."), number=number
        )
    elif not _inside(path, payload=True):
        reading.add(
            name,
            _("entry {number} names “{path}”, outside the bag's data/; it was not read."),
            number=number,
            path=path,
        )
    elif path not in reading.files:
        if not _is_link_or_odd(reading, path):
            reading.add(path, _("listed in metadata.json but missing."))
    else:
        differ = [
            label
            for label, algorithm, recorded in (("SHA-256", "sha256", expected), _sm3_of(entry))
            if isinstance(recorded, str)
            and reading.digest(path, algorithm) not in (None, recorded.lower())
        ]
        if differ == ["SHA-256"]:
            reading.add(path, _("its SHA-256 differs from metadata.json."))
        elif differ:
            reading.add(
                path,
                _("its checksums ({algorithms}) differ from metadata.json."),
                algorithms=" / ".join(differ),
            )


def _sm3_of(entry: dict[str, Any]) -> tuple[str, str, Any]:
    """The SM3 an entry of “文件” records (None in bags made before reportgen wrote it)."""
    return ("SM3", SM3, entry.get("SM3"))


def _check_with_bagit(reading: _Reading) -> None:
    """Last, the Library of Congress's own validation (bagit.py), which archivists' tools
    share; run only on a bag that passed every check above, so it reads only inside it."""
    import bagit

    try:
        bagit.Bag(str(reading.root)).validate()
    except (bagit.BagError, ValueError, OSError) as exc:
        reading.add("bagit.txt", _("bagit.py finds the bag invalid: {error}"), error=str(exc))


def _check_oxum(reading: _Reading) -> None:
    """bag-info.txt's Payload-Oxum (bytes.files) matches data/."""
    text = reading.text("bag-info.txt") if "bag-info.txt" in reading.files else None
    oxum = dict(_fields(text)).get("Payload-Oxum") if text is not None else None
    if oxum is None:
        return
    sizes = [size for name, size in reading.files.items() if name.startswith("data/")]
    actual = f"{sum(sizes)}.{len(sizes)}"
    if not re.fullmatch(r"\d+\.\d+", oxum):
        reading.add("bag-info.txt", _("Payload-Oxum “{value}” is not bytes.files."), value=oxum)
    elif oxum != actual:
        reading.add(
            "bag-info.txt",
            _("Payload-Oxum is {expected} but data/ holds {actual} (bytes.files)."),
            expected=oxum,
            actual=actual,
        )
