"""Review a returned Word file's tracked changes in LibreOffice, as a focal point would: accept or reject
them all (Edit › Track Changes › Accept All / Reject All), or accept or reject those inside given
bookmarks (select the words, then Accept / Reject), then save it as Word and as plain text. Run by the
system Python, which has LibreOffice's UNO bridge (Debian's python3-uno):

    python3 lo_review.py IN.docx OUT.docx OUT.txt PROFILE_DIR ACTIONS

ACTIONS is JSON: "accept-all", "reject-all", or {"bookmark name": "accept" | "reject", ...}.

LibreOffice without its user interface files (Debian's libreoffice-writer-nogui, which CI installs)
stops when it opens a document holding comments in a view, so the caller hands over the file with each
comment turned into a bookmark of the same range (see test_returns.py)."""

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(pipe: str):
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    for _ in range(120):  # LibreOffice takes a few seconds to listen
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # not listening yet
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not start")


def main(source: str, target: str, text: str, profile: str, actions: str) -> None:
    wanted = json.loads(actions)
    pipe = f"jointreport-{uuid.uuid4().hex}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation={Path(profile).as_uri()}",
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"])
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        frame = document.getCurrentController().getFrame()
        dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        if wanted in ("accept-all", "reject-all"):
            command = ".uno:AcceptAllTrackedChanges" if wanted == "accept-all" else ".uno:RejectAllTrackedChanges"
            dispatcher.executeDispatch(frame, command, "", 0, ())
        else:
            cursor = document.getCurrentController().getViewCursor()
            for name, verdict in wanted.items():
                words = document.getBookmarks().getByName(name).getAnchor()
                cursor.gotoRange(words.getStart(), False)
                cursor.gotoRange(words.getEnd(), True)
                command = ".uno:AcceptTrackedChange" if verdict == "accept" else ".uno:RejectTrackedChange"
                dispatcher.executeDispatch(frame, command, "", 0, ())
        document.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
        document.storeToURL(Path(text).resolve().as_uri(), (prop("FilterName", "Text"),))
        document.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:6])
