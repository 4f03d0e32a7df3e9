"""Accept every tracked change of a Word file in LibreOffice, as a person would (Edit › Track Changes ›
Accept All), and save what is left as plain text. Run by the system Python, which has LibreOffice's UNO
bridge (Debian's python3-uno): python3 lo_accept_all.py IN.docx OUT.txt PROFILE_DIR"""

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


def main(source: str, target: str, profile: str) -> None:
    pipe = f"jointreport-{uuid.uuid4().hex}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation={Path(profile).as_uri()}",
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"])
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(120):  # LibreOffice takes a few seconds to listen
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # not listening yet
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        frame = document.getCurrentController().getFrame()
        dispatcher.executeDispatch(frame, ".uno:AcceptAllTrackedChanges", "", 0, ())
        document.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "Text"),))
        document.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:4])
