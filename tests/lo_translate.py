"""Translate a Word file in LibreOffice as a translator would: type "FR: " at the start of every paragraph
(body, table cells, footnotes), replace words with Find & Replace, and save it again as Word. Run by the
system Python, which has LibreOffice's UNO bridge (Debian's python3-uno):
python3 lo_translate.py IN.docx OUT.docx PROFILE_DIR"""

import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

PREFIX = "FR: "
REPLACED = {"the": "le", "and": "et"}


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def paragraphs(text):
    """Every paragraph of a text, those of its tables' cells included."""
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                yield from paragraphs(element.getCellByName(name).getText())
        elif element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def type_at_start(paragraph) -> None:
    if paragraph.getString().strip():
        text = paragraph.getText()
        text.insertString(paragraph.getStart(), PREFIX, False)


def translate(document) -> None:
    for paragraph in list(paragraphs(document.getText())):
        type_at_start(paragraph)
    notes = document.getFootnotes()
    for index in range(notes.getCount()):
        for paragraph in list(paragraphs(notes.getByIndex(index))):
            type_at_start(paragraph)
    for word, replacement in REPLACED.items():
        search = document.createReplaceDescriptor()
        search.SearchString, search.ReplaceString = word, replacement
        search.SearchWords, search.SearchCaseSensitive = True, True
        document.replaceAll(search)


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
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        translate(document)
        document.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
        document.close(True)
    finally:
        office.terminate()
        office.wait(timeout=60)


if __name__ == "__main__":
    main(*sys.argv[1:4])
