"""Rebuild only what changed: each kind of change invalidates exactly what depends on it, and nothing else."""

from __future__ import annotations

import os
import time

import docx
import pytest
from pypdf import PdfReader

from pipeline import build as recipe
from pipeline import buildcache
from pipeline.commands.check import check
from pipeline.commands.watch import watch
from pipeline.housestyle import BUILTIN_DIR

from .conftest import edit_yaml


def names(paths) -> set[str]:
    return {p.name for p in paths}


def rebuild(root, **options):
    time.sleep(0.01)  # change times must differ from the last build's
    return recipe.build(root, recipe.Options(**options))


@pytest.fixture
def built(fixture_project):
    root = fixture_project("minimal")
    first = recipe.build(root)
    assert first.kept == []
    return root


def test_nothing_changed_nothing_rendered(built):
    before = {p: p.stat().st_mtime_ns for p in (built / "build").glob("a-minimal-*")}
    again = rebuild(built)
    assert names(again.kept) == names(again.outputs) == {
        "a-minimal-joint-report.docx", "a-minimal-joint-report.pdf", "a-minimal-joint-report.terminology.csv"}
    assert again.findings == [] and again.drafts_ready == 3
    assert {p: p.stat().st_mtime_ns for p in (built / "build").glob("a-minimal-*")} == before


def test_a_changed_draft_renders_both_formats_again(built):
    with open(built / "contributions" / "south" / "beta.md", "a", encoding="utf-8") as draft:
        draft.write("\nOne more sentence.\n")
    assert rebuild(built).kept == []


def edit_keeping_size_and_times(draft, old: bytes, new: bytes) -> None:
    """What `cp -p`, rsync and sync clients do: new bytes, the old modification time set back."""
    before = draft.stat()
    draft.write_bytes(draft.read_bytes().replace(old, new))
    os.utime(draft, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (draft.stat().st_size, draft.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def built_text(root) -> tuple[str, str]:
    word = docx.Document(str(root / "build" / "a-minimal-joint-report.docx"))
    pdf = PdfReader(str(root / "build" / "a-minimal-joint-report.pdf"))
    return "\n".join(p.text for p in word.paragraphs), " ".join(page.extract_text() for page in pdf.pages)


def test_a_same_size_edit_whose_modification_time_was_kept_is_built(built):
    edit_keeping_size_and_times(built / "contributions" / "south" / "beta.md", b"Beta text", b"Zeta text")
    assert rebuild(built).kept == []
    word, pdf = built_text(built)
    assert "Zeta text, cleared" in word and "Zeta text" in pdf and "Beta text" not in word + pdf


def test_a_file_changed_again_within_a_tick_of_the_clock_is_compared_by_its_bytes(fixture_project, monkeypatch):
    """Written just before the build looked at it, a file can be written again in the same tick of the file
    system's clock, every time and its size unchanged (git's "racy clean"): its bytes tell."""
    root = fixture_project("minimal")
    draft = root / "contributions" / "south" / "beta.md"
    recipe.build(root)  # the fixture wrote the draft a moment ago
    seen, lstat = draft.lstat(), buildcache._stat
    monkeypatch.setattr(buildcache, "_stat", lambda path: seen if path.name == "beta.md" else lstat(path))
    draft.write_bytes(draft.read_bytes().replace(b"Beta text", b"Zeta text"))  # in the same tick, it seems
    assert rebuild(root).kept == []
    assert "Zeta text, cleared" in built_text(root)[0]
    assert names(rebuild(root).kept) >= {"a-minimal-joint-report.docx", "a-minimal-joint-report.pdf"}


def test_where_change_times_cannot_be_trusted_the_bytes_are_compared(fixture_project, monkeypatch):
    """On Windows the change time is the creation time, and some file systems keep none: every file's
    bytes are kept and compared, and a build with nothing changed is still done without reading a draft."""
    monkeypatch.setattr(buildcache, "CHANGE_TIMES", False)
    monkeypatch.setattr(buildcache, "TIMESTAMP_GRANULARITY_NS", 0)  # the files' recent writes are not why
    root = fixture_project("minimal")
    recipe.build(root)
    time.sleep(0.01)
    assert rebuild(root).ready == 3  # nothing changed: no draft read
    draft = root / "contributions" / "south" / "beta.md"
    seen, lstat = draft.lstat(), buildcache._stat
    monkeypatch.setattr(buildcache, "_stat", lambda path: seen if path.name == "beta.md" else lstat(path))
    draft.write_bytes(draft.read_bytes().replace(b"Beta text", b"Zeta text"))
    assert rebuild(root).kept == []
    assert "Zeta text, cleared" in built_text(root)[0]


def test_a_file_outside_the_project_a_check_reads_is_held_to_the_same_rule(fixture_project, tmp_path):
    """The comment–response matrix `check --responses` reads lives anywhere, and is just as often synced."""
    from pipeline.project import load_project

    project = load_project(fixture_project("minimal"))
    matrix = tmp_path / "matrix.xlsx"
    matrix.write_bytes(b"the first answers")
    buildcache.BuildCache(project, "test-state.json").save(buildcache.fingerprint(project, {}, {}, outside=(matrix,)),
                                                           [], 0, [])

    def unchanged() -> bool:
        last = buildcache.BuildCache(project, "test-state.json")
        return last.unchanged_build(buildcache.fingerprint(project, {}, {}, outside=(matrix,))) is not None

    assert unchanged()
    edit_keeping_size_and_times(matrix, b"first", b"other")
    assert not unchanged()


def test_a_glossary_change_renders_only_when_it_changes_the_text(built):
    glossary = built / "terminology.yaml"
    glossary.write_text("terms:\n  - {preferred: social protection floor, reject: [social floor]}\n")
    result = rebuild(built)  # no draft says "social floor": the documents are the same
    assert names(result.kept) >= {"a-minimal-joint-report.docx", "a-minimal-joint-report.pdf"}
    glossary.write_text("terms:\n  - {preferred: Southern note, reject: [Southern text]}\n")
    assert rebuild(built).kept == []  # the harmonised report reads differently


def test_a_changed_template_renders_only_its_format(built):
    templates = built / "templates"
    templates.mkdir()
    (templates / "report.typ").write_text((BUILTIN_DIR / "report.typ").read_text() + "\n// a comment\n")
    result = rebuild(built)
    assert "a-minimal-joint-report.docx" in names(result.kept)
    assert "a-minimal-joint-report.pdf" not in names(result.kept)


def test_an_outline_change_renders_again(built):
    edit_yaml(built / "chapters" / "outline.yaml",
              lambda data: data["parts"][0]["chapters"][0].update(title="Renamed chapter"))
    assert rebuild(built).kept == []


def test_a_new_jointreport_version_renders_everything(built, monkeypatch):
    monkeypatch.setattr(buildcache, "__version__", "99.0")
    assert rebuild(built).kept == []


def test_one_edition_changed_the_other_kept(built):
    edit_yaml(built / "report.yaml", lambda data: data.update(languages=["en", "fr"]))
    recipe.build(built, recipe.Options(lang="all"))
    (built / "contributions" / "south" / "beta.fr.md").write_text("---\nstatus: cleared\n---\n\nTexte bêta.\n")
    result = rebuild(built, lang="all")
    assert names(result.kept) >= {"a-minimal-joint-report.docx", "a-minimal-joint-report.pdf"}
    assert not names(result.kept) & {"a-minimal-joint-report.fr.docx", "a-minimal-joint-report.fr.pdf"}


def test_an_output_changed_by_hand_is_made_again(built):
    (built / "build" / "a-minimal-joint-report.pdf").write_bytes(b"not the report")
    result = rebuild(built)
    assert "a-minimal-joint-report.pdf" not in names(result.kept)
    assert (built / "build" / "a-minimal-joint-report.pdf").read_bytes().startswith(b"%PDF")


def test_a_warm_check_reuses_its_findings_until_something_changes(fixture_project):
    root = fixture_project("minimal")
    (root / "contributions" / "north" / "nowhere.md").write_text("A draft for no section.\n")
    first = check(root)
    assert [f.code for f in first.findings] == ["outline/unknown-section"] and first.ready is None
    again = check(root)
    assert again.findings == first.findings and again.ready == 3  # reused: no draft read
    time.sleep(0.01)
    (root / "contributions" / "north" / "nowhere.md").rename(root / "contributions" / "north" / "beta.md")
    changed = check(root)
    assert changed.ready is None and [f.code for f in changed.findings] == ["outline/unassigned-agency"]
    assert check(root, stage="final").ready is None  # another stage is another question


def test_watch_builds_again_when_a_draft_is_saved(fixture_project):
    root = fixture_project("minimal")
    builds = watch(root, recipe.Options(formats=("pdf",)), interval=0.05)
    first = next(builds)
    assert names(first.outputs) >= {"a-minimal-joint-report.pdf"} and first.kept == []
    time.sleep(0.01)
    with open(root / "contributions" / "south" / "beta.md", "a", encoding="utf-8") as draft:
        draft.write("\nSaved again.\n")
    second = next(builds)
    assert "a-minimal-joint-report.pdf" not in names(second.kept)
    (root / "report.yaml").write_text("title: [broken\n")
    broken = next(builds)
    assert "report.yaml" in str(broken)
    builds.close()
    assert not list((root / "build" / ".staging").glob("warm-*"))  # the kept Typst's folders go with it


def test_watch_on_a_built_project_first_typesets_the_pdf_in_its_kept_typst(fixture_project, monkeypatch):
    """So the first save after `watch` starts is as quick as the later ones: Typst already holds every page."""
    from pipeline.render import typst

    root = fixture_project("minimal")
    recipe.build(root, recipe.Options(formats=("pdf",)))
    compiled = []
    compile_warm = typst.WarmTypst.compile
    monkeypatch.setattr(typst.WarmTypst, "compile",
                        lambda self, main, *rest: (compiled.append(main.name), compile_warm(self, main, *rest))[1])
    builds = watch(root, recipe.Options(formats=("pdf",)), interval=0.05)
    first = next(builds)
    assert compiled == ["main.typ"] and "a-minimal-joint-report.pdf" not in names(first.kept)
    builds.close()
    # a plain build sets the PDF again: watch's preview breaks lines the faster way, not as the report does
    again = recipe.build(root, recipe.Options(formats=("pdf",)))
    assert "a-minimal-joint-report.pdf" not in names(again.kept) and again.drafts_ready == 3


@pytest.fixture
def redone(monkeypatch):
    """What a build does again, piece by piece: the files it adopts, the drafts whose wording it checks,
    the text pandoc writes as Typst."""
    from pipeline import beside
    from pipeline.assemble import Assembler
    from pipeline.checks import wording
    from pipeline.render import pdf
    from pipeline.tree import stringify

    seen = {"adopted": [], "worded": [], "typeset": []}
    adopt, check_text, write = Assembler._adopt, wording.check_text, pdf.write_from_ast

    def spy_adopt(self, blocks, media_root, prefix, top_level, origin, *rest):
        seen["adopted"].append(origin.relpath)
        return adopt(self, blocks, media_root, prefix, top_level, origin, *rest)

    def spy_check(terminology, blocks, locate, language, state, place):
        seen["worded"].append(place.path)
        return check_text(terminology, blocks, locate, language, state, place)

    def spy_write(ast, writer, args):
        seen["typeset"].append(stringify(ast["blocks"]))
        return write(ast, writer, args)

    monkeypatch.setattr(Assembler, "_adopt", spy_adopt)
    monkeypatch.setattr(wording, "check_text", spy_check)
    monkeypatch.setattr(beside, "can_fork", lambda: False)  # the check in this process, where the spy sees it
    monkeypatch.setattr(pdf, "write_from_ast", spy_write)

    def clear():
        for done in seen.values():
            done.clear()
        return seen

    return clear


def test_one_changed_draft_is_prepared_checked_and_typeset_again_alone(built, redone):
    seen = redone()
    with open(built / "contributions" / "south" / "beta.md", "a", encoding="utf-8") as draft:
        draft.write("\nOne more sentence.\n")
    rebuild(built)
    assert seen["adopted"] == seen["worded"] == ["contributions/south/beta.md"]
    assert len(seen["typeset"]) == 1  # one pandoc run, on the chunks that changed: the beta section's
    assert "One more sentence." in seen["typeset"][0] and "Northern text" not in seen["typeset"][0]


def test_a_glossary_change_prepares_and_checks_every_draft_again(built, redone):
    seen = redone()
    (built / "terminology.yaml").write_text("terms:\n  - {preferred: Southern note, reject: [Southern text]}\n")
    rebuild(built)
    files = ["chapters/first.md", "contributions/north/alpha.md", "contributions/south/alpha.md",
             "contributions/south/beta.md"]  # the chapter's introduction and the three drafts
    assert sorted(seen["worded"]) == sorted(seen["adopted"]) == files
    assert "Southern note" in " ".join(seen["typeset"]) and "Beta text" not in " ".join(seen["typeset"])


def test_an_outline_change_typesets_only_the_renamed_heading(built, redone):
    seen = redone()
    edit_yaml(built / "chapters" / "outline.yaml",
              lambda data: data["parts"][0]["chapters"][0]["sections"][1].update(title="Renamed section"))
    rebuild(built)
    assert seen["adopted"] == [] and seen["worded"] == []  # the drafts' words did not change
    assert len(seen["typeset"]) == 1 and "Renamed section" in seen["typeset"][0]
    assert "Northern text" not in seen["typeset"][0]


def test_a_changed_typst_template_sets_the_pages_again_from_the_pieces_kept(built, redone):
    seen = redone()
    templates = built / "templates"
    templates.mkdir()
    (templates / "report.typ").write_text((BUILTIN_DIR / "report.typ").read_text() + "\n// a comment\n")
    result = rebuild(built)
    assert "a-minimal-joint-report.pdf" not in names(result.kept)  # Typst ran again, on the kept Typst text
    assert seen["adopted"] == seen["worded"] == seen["typeset"] == []


def test_a_new_jointreport_installation_redoes_every_piece(built, redone, monkeypatch):
    seen = redone()
    monkeypatch.setattr(buildcache, "__version__", "99.0")
    buildcache.installation.cache_clear()
    try:
        rebuild(built)
    finally:
        buildcache.installation.cache_clear()
    assert len(seen["worded"]) == len(seen["adopted"]) == 4  # three drafts, the chapter's introduction
    assert "Northern text" in seen["typeset"][0] and "Beta text" in seen["typeset"][0]


def test_a_renderer_mended_under_the_same_version_writes_the_outputs_again(built, monkeypatch):
    """The same document, the same version, but jointreport's files changed (a fix installed from source):
    the outputs are rendered again, not kept as the old renderer wrote them."""
    state = buildcache._package_state()
    monkeypatch.setattr(buildcache, "_package_state", lambda: [*state, ("render/docx.py", 1, 2, 3, 4)])
    buildcache.installation.cache_clear()
    try:
        again = rebuild(built)
    finally:
        buildcache.installation.cache_clear()
    assert again.kept == [] and names(again.outputs) >= {"a-minimal-joint-report.docx", "a-minimal-joint-report.pdf"}


def test_pruning_a_store_leaves_a_piece_another_worker_is_writing(tmp_path):
    """The portal's two conversions share a store: one's prune must not delete the other's write in progress
    (it did: FileNotFoundError on the rename, a 500 for that upload), but a crash's old `.part` goes."""
    store = buildcache.Store(tmp_path)
    store.put_json(store.key("kept"), {"mine": True})
    writing, crashed, other = tmp_path / ".abc.x1.part", tmp_path / ".abc.x2.part", tmp_path / "not-asked-for"
    for path in (writing, crashed, other):
        path.write_bytes(b"{}")
    hour_ago = time.time() - 3600
    os.utime(crashed, (hour_ago, hour_ago))
    store.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([store.key("kept"), writing.name])


def test_the_typst_of_the_pieces_is_the_typst_of_the_whole(fixture_project, tmp_path, monkeypatch):
    import copy
    import datetime as dt
    import re

    from pipeline.assemble import assemble
    from pipeline.pandoc import write_from_ast
    from pipeline.render import known_images, pandoc_document, pdf, restyle_divs, unwrapped

    project, languages, final = recipe.load(fixture_project("minimal"))
    checked = recipe.read_and_check(project, languages, final, dt.date(2026, 1, 1))
    document = assemble(project, checked.drafts, checked.sources.intros, False)
    blocks = known_images(unwrapped(document).blocks, document.media)
    whole = write_from_ast(pandoc_document(pdf._for_typst(restyle_divs(copy.deepcopy(blocks), pdf._wrap))), "typst", [])
    pieces = pdf.typst_body(blocks, tmp_path / "fragments", copy.deepcopy, [])
    # one piece per part, chapter, section and annex, one for the imprint, one for the rest before the first part
    assert len(list((tmp_path / "fragments").iterdir())) == 7
    again = pdf.typst_body(blocks, tmp_path / "fragments", copy.deepcopy, [])
    blank_lines = re.compile(rb"\n\s*\n")
    assert pieces == again and blank_lines.sub(b"\n", pieces).strip() == blank_lines.sub(b"\n", whole).strip()
    monkeypatch.setattr(pdf, "PARALLEL_CHUNKS", 2)  # written by two pandoc runs, a half each, as a first build is
    assert pdf.typst_body(blocks, tmp_path / "halves", copy.deepcopy, []) == pieces
