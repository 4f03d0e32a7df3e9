"""The check beside the assembly (pipeline/beside.py): a forked child's work comes back as the work done
in place would, and a build gives the same report and findings either way."""

from __future__ import annotations

import json
import os
import signal
import threading

import docx
import pytest
from pypdf import PdfReader

from pipeline import beside
from pipeline.beside import Beside

from .conftest import copy_example


def test_the_work_is_done_in_a_child_and_its_result_comes_back():
    parent = os.getpid()
    with Beside(lambda: (os.getpid(), {"findings": ["one", "two"]})) as child:
        pid, value = child.result()
    assert pid != parent and value == {"findings": ["one", "two"]}


def test_with_another_thread_alive_the_work_is_done_here():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Beside(os.getpid) as child:
            assert child.result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_a_child_killed_midway_leaves_the_work_to_the_parent():
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "done by the parent"

    with Beside(work) as child:
        assert child.result() == "done by the parent"


def test_an_error_in_the_work_is_raised_in_the_parent_as_itself():
    def work():
        raise ValueError("a draft the check cannot read")

    with pytest.raises(ValueError, match="cannot read"), Beside(work) as child:
        child.result()


def test_a_child_never_asked_for_is_stopped_and_reaped():
    with Beside(lambda: signal.pause()) as child:
        pid = child.child
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_the_check_beside_the_assembly_gives_the_report_and_findings_of_a_build_in_one_line(tmp_path, monkeypatch):
    """The example built twice from nothing: the check in a child beside the assembly, and both in this
    process one after the other (as the portal and `watch` do): the same findings, the same DOCX and PDF text."""
    from pipeline.build import Options, build

    def built(name: str) -> tuple[list, list[str], str]:
        root = copy_example(tmp_path / name)
        result = build(root, Options(force=True))
        found = sorted(json.dumps(f.to_json(), sort_keys=True) for f in result.findings)
        pdf, word = (next(root.glob(f"build/*.{ext}")) for ext in ("pdf", "docx"))
        pages = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        return found, [p.text for p in docx.Document(str(word)).paragraphs], pages

    forked = []
    real = beside.os.fork
    monkeypatch.setattr(beside.os, "fork", lambda: forked.append(1) or real())
    apart = built("forked")
    assert forked, "the check did not run in a child"
    monkeypatch.setattr(beside, "can_fork", lambda: False)
    together = built("in-one-line")
    assert apart[0] == together[0] and len(apart[0]) > 20
    assert apart[1] == together[1]
    assert apart[2] == together[2]
