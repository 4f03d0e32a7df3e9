"""Each edition's search index, made by Pagefind (its Python package runs the binary it ships; nothing is
fetched) from the edition's pages as written: only the text marked `data-pagefind-body` (each page's
<main>; not the search page's) is indexed, in the edition's language. The index is written in a staging
folder and then moved into the edition's pagefind/ folder file by file, leaving unchanged files as they
were and removing those no longer in it."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ...errors import JointreportError
from .assets import write_if_changed

INDEX_SECONDS = 300
UNUSED = ("-ui.", "-highlight.", "playground")  # Pagefind's own search widgets: the site has its own page


def index_pages(edition: Path, lang: str, staging_root: Path) -> None:
    """Index the pages of `edition` (build/html/<lang>) into its pagefind/ folder."""
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="pagefind-", dir=staging_root))
    try:
        with ThreadPoolExecutor(max_workers=1) as worker:  # its own event loop, whoever calls
            worker.submit(asyncio.run, _index(edition, lang, staging)).result()
        _move(staging, edition / "pagefind")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def _index(edition: Path, lang: str, out: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex  # loads only when a page changed

    async def run() -> None:  # few messages: Pagefind's Python side reads one answer each tenth of a second
        config = IndexConfig(force_language=lang, keep_index_url=True, output_path=str(out))
        async with PagefindIndex(config) as index:  # written to `out` as the block ends
            await index.add_directory(str(edition), glob="*.html")

    try:
        await asyncio.wait_for(run(), INDEX_SECONDS)
    except asyncio.TimeoutError:
        raise JointreportError(f"the search index could not be made: Pagefind gave up after {INDEX_SECONDS} s") \
            from None
    except FileNotFoundError:
        raise JointreportError("the search index could not be made: Pagefind's program is missing; reinstall "
                               "jointreport (pagefind[extended])") from None


def _move(staging: Path, folder: Path) -> None:
    kept = set()
    for path in sorted(staging.rglob("*")):
        relative = path.relative_to(staging).as_posix()
        if path.is_file() and not any(mark in path.name for mark in UNUSED):
            kept.add(relative)
            write_if_changed(folder / relative, path.read_bytes())
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(folder).as_posix() not in kept:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
