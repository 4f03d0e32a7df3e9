"""Joint statements: who has endorsed, whether the text names anyone who has not, and its wording."""

from __future__ import annotations

import re

from ..codes import finding
from ..errors import JointreportError
from ..inputs import StatementFile
from ..model import Finding, Project
from ..pandoc import markdown_blocks
from ..statement import Statement, load_statement
from ..terms import known_acronym_words
from ..textruns import Locator
from .languages import missing_translation, structure_mismatch
from .wording import AcronymState, check_text


def check_statements(project: Project, statements: dict[str, dict[str, StatementFile]]) -> list[Finding]:
    """Every statement in every language it exists in: signatories once, then each edition's text and
    its parity with the source."""
    terminology = project.terminology
    known = known_acronym_words(project)
    findings = []
    for statement_id, files in statements.items():
        source = None
        for lang in [lang for lang in project.languages if lang in files]:
            try:
                statement = load_statement(project, files, lang)
            except JointreportError as exc:
                findings.append(finding("statement/unreadable", files[lang].place, str(exc)))
                break
            blocks = markdown_blocks(statement.body)
            if source is None:
                source = (statement, blocks)
                findings += signatory_findings(statement)
            else:
                findings += structure_mismatch(source[1], blocks, source[0].relpath, statement.place)
            findings += unendorsed_mentions(project, statement)
            findings += check_text(terminology, blocks, Locator(), lang, AcronymState(known), statement.place)
        if source:
            findings += [missing_translation(source[0].place, lang, f"{statement_id}.{lang}.md")
                         for lang in project.languages if lang not in files]
    return findings


def signatory_findings(statement: Statement) -> list[Finding]:
    """Who has not endorsed the statement (yet): they are left off it."""
    findings = []
    for signatory in statement.signatories:
        if signatory.status == "pending":
            findings.append(finding("statement/pending-signatory", statement.place,
                                    f"{signatory.name} has not endorsed yet; it is left off the statement"))
        elif signatory.status == "declined":
            findings.append(finding("statement/declined-signatory", statement.place,
                                    f"{signatory.name} declined; it is left off the statement"))
    return findings


def unendorsed_mentions(project: Project, statement: Statement) -> list[Finding]:
    """Organisations the text names although they have not endorsed it."""
    findings = []
    endorsed = {s.name for s in statement.endorsed}
    others = {s.name: s.short for s in statement.signatories if s.name not in endorsed}
    others.update({a.name: a.short for a in project.agencies.values() if a.name not in endorsed})
    for name, short in sorted(others.items()):
        for form in filter(None, (name, short)):
            match = re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", statement.body)
            if match:
                line = statement.body_line + statement.body.count("\n", 0, match.start())
                findings.append(finding(
                    "statement/unendorsed-mention", statement.place,
                    f"the text names {form}, which has not endorsed this statement", f"line {line}"))
                break
    return findings
