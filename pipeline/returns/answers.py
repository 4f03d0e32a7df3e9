"""What became of the fixes returned to the agencies, and what the build does about it.

`return` records each fix it offers, with the version of the draft it was
offered on, in returns/<agency>.json beside decisions.yaml: a project file
kept with the others (in git), since without it the build would make again
the fixes an agency rejected. When the agency sends its
file back, each fix is read from it: accepted, rejected (with the agency's
reply to the fix's comment), still pending (its tracked change neither
accepted nor rejected, or no new version yet), or changed (the words are now
neither). A term or house-style fix whose words are still there in a later
version of the draft was rejected: the build leaves them as the agency wrote them until an
editor decides in decisions.yaml (`apply`: make the fix again; `keep`: the
agency's wording stays).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..comments import docx_comments
from ..errors import DraftError, ProjectError
from ..files import Unreadable, guarded_read, write_atomically
from ..inputs import Draft
from ..model import Project
from ..schema import Field, Validator
from ..terms import Replacement
from ..textruns import Run, text_runs
from ..wordml import W, WordPackage
from ..yamlfile import YamlError, read_yaml
from . import FIX_COLUMNS
from .fixes import STYLE, TERM, Fix, context
from .wordedit import AUTHOR, HIDDEN, SPACE

OFFERS_DIR = Path("returns")  # returns/<agency>.json, beside decisions.yaml
OLD_OFFERS_DIR = Path(".jointreport") / "returns"  # where jointreport 0.x kept them, out of git: read until rewritten
DECISIONS_FILE = "decisions.yaml"
DECISIONS = Field("dict", values=Field("str", choices=("apply", "keep")))
MAX_STATE_BYTES = 20_000_000
ACCEPTED, REJECTED, PENDING, CHANGED = "accepted", "rejected", "pending", "changed"


def offers_file(project: Project, agency: str) -> Path:
    """returns/<agency>.json; the old .jointreport/returns/<agency>.json while only it exists."""
    path, old = (project.root / folder / f"{agency}.json" for folder in (OFFERS_DIR, OLD_OFFERS_DIR))
    return old if old.is_file() and not path.exists() else path


def read_offers(project: Project, agency: str) -> dict[str, dict]:
    """The fixes offered to an agency so far: id → the fix (asdict) and `versions`, the sha256 of each
    version of its draft it was offered on."""
    path = offers_file(project, agency)
    if not path.exists():
        return {}
    try:
        data = json.loads(guarded_read(path, MAX_STATE_BYTES))
        return {ident: offer for ident, offer in data["fixes"].items() if isinstance(offer, dict)}
    except (Unreadable, ValueError, KeyError, TypeError, AttributeError):
        raise ProjectError(f"{path.relative_to(project.root).as_posix()} is damaged: delete it and run "
                           f"`jointreport return {agency}` again") from None


def record_offers(project: Project, agency: str, fixes: list[Fix], version: str) -> None:
    """Remember the fixes offered on this version of their draft (keys sorted: the same offers, the same
    bytes), in returns/<agency>.json; offers read from the old place move there."""
    offers = read_offers(project, agency)
    for fix in fixes:
        offer = offers.setdefault(fix.id, {**asdict(fix), "context": list(fix.context), "versions": []})
        if version not in offer["versions"]:
            offer["versions"].append(version)
    write_atomically(project.root / OFFERS_DIR / f"{agency}.json",
                     json.dumps({"fixes": offers}, indent=1, sort_keys=True, ensure_ascii=False).encode())
    (project.root / OLD_OFFERS_DIR / f"{agency}.json").unlink(missing_ok=True)


def all_offers(project: Project) -> dict[str, dict]:
    """Every agency's offers, by fix id."""
    found = {}
    for agency in sorted(project.agencies):
        if any((project.root / folder / f"{agency}.json").is_file() for folder in (OFFERS_DIR, OLD_OFFERS_DIR)):
            found.update(read_offers(project, agency))
    return found


def read_decisions(project: Project) -> dict[str, str]:
    """decisions.yaml: fix id → apply | keep, as the editors wrote it."""
    path = project.root / DECISIONS_FILE
    if not path.exists():
        return {}
    try:
        raw = read_yaml(path, DECISIONS_FILE)
    except YamlError as exc:
        raise ProjectError(str(exc)) from None
    validator = Validator(DECISIONS_FILE)
    decisions = validator.check(raw if raw is not None else {}, DECISIONS)
    if validator.errors:
        raise ProjectError("\n".join(validator.errors))
    return dict(decisions or {})


def set_aside(offer: dict, version: str | None, decisions: dict[str, str]) -> bool:
    """A fix the agency answered in a later version without taking it, which no editor told the build
    to make again; or one an editor decided to leave."""
    decision = decisions.get(offer["id"])
    if decision == "keep":
        return True
    return decision != "apply" and any(v != version for v in offer["versions"])


def kept_as_written(project: Project, drafts: list[Draft]) -> dict[str, set[tuple[str, ...]]]:
    """Per draft, the term and house-style fixes the build must not make, as `as_written` knows them."""
    offers = all_offers(project)
    if not offers:
        return {}
    return kept_from(offers, read_decisions(project), {d.contribution.relpath: d.contribution.sha256 for d in drafts})


def kept_from(offers: dict[str, dict], decisions: dict[str, str], versions: dict[str, str]) -> dict[str, set]:
    """Per file of `versions` (path → the sha256 of its version now), the fixes set aside there."""
    kept: dict[str, set[tuple[str, ...]]] = {}
    for offer in offers.values():
        made = offer["kind"] in (TERM, STYLE)  # by the build; acronyms and agreed text are only offered
        if made and offer["file"] in versions and set_aside(offer, versions[offer["file"]], decisions):
            kept.setdefault(offer["file"], set()).update(as_written(offer))
    return kept


def as_written(offer: dict) -> set[tuple[str, ...]]:
    """A fix left as written, as the build meets it: (before, after, words before, words after), the words
    either side as the draft had them or as the report prints them (the agency took the fixes next to it)."""
    (ahead, behind), printed = offer["context"], offer.get("printed") or offer["context"]
    return {(offer["before"], offer["after"], a, b) for a in (ahead, printed[0]) for b in (behind, printed[1])}


def keeper(kept: set[tuple[str, ...]]) -> Callable[[Run, Replacement], bool]:
    """For `terms.harmonise` and the house style's `restyle`: whether a replacement (a glossary's
    `Replacement`, a rule's `Hit`) is one of the fixes to leave as written."""
    return lambda run, r: (r.before, r.after, *context(run.text, r.start, r.end)) in kept


@dataclass
class Answer:
    offer: dict
    answer: str  # accepted | rejected | pending | changed
    reply: str = ""
    comment: str = ""  # the id of the fix's comment in the comment–response matrix, if still in the file


def read_answers(project: Project, drafts: list[Draft], max_bytes: int) -> list[Answer]:
    """Every fix offered on a draft of the project, answered from the draft as it is now."""
    offers = all_offers(project)
    answers = []
    for draft in drafts:
        mine = [offer for offer in offers.values() if offer["file"] == draft.contribution.relpath]
        if not mine:
            continue
        try:
            package = WordPackage(guarded_read(draft.contribution.path, max_bytes))
            threads = _threads(package, draft.contribution.relpath)
        except (DraftError, Unreadable):  # changed since it was checked: its words as pandoc read them
            package, threads = None, {}
        for offer in mine:
            if draft.contribution.sha256 in offer["versions"]:
                answers.append(Answer(offer, PENDING))  # the version it was offered on: no answer yet
            else:
                answers.append((package and _from_comment(offer, package, threads)) or _from_text(offer, draft))
    return answers


def _threads(package: WordPackage, relpath: str) -> dict[str, tuple]:
    """Word's comment id → (its element, its matrix Comment, the texts of the replies to it)."""
    part = package.related("comments")
    root = package.part(part[0]) if part else None
    if root is None:
        return {}
    found = docx_comments(package, relpath)
    elements = list(root.iter(f"{{{W}}}comment"))
    replies: dict[str, list[str]] = {}
    for comment in found:
        if comment.reply_to:
            replies.setdefault(comment.reply_to, []).append(comment.text)
    return {el.get(f"{{{W}}}id"): (el, c, replies.get(c.id, [])) for el, c in zip(elements, found, strict=False)}


def _from_comment(offer: dict, package: WordPackage, threads: dict[str, tuple]) -> Answer | None:
    """The answer read at the fix's comment: its tracked changes still there, or the words it spans."""
    marker = f"(fix {offer['id']})"
    ident = next((i for i, (_, c, _) in threads.items() if c.author == AUTHOR and marker in c.text), None)
    if ident is None:
        return None
    _, comment, replies = threads[ident]
    reply = " / ".join(replies)
    for part in package.text_parts():
        root = package.part(part)
        spanned = _spanned(root, ident) if root is not None else None
        if spanned is None:
            continue
        words, pending = spanned
        if pending:
            return Answer(offer, PENDING, reply, comment.id)
        return Answer(offer, _judge(offer, words), reply, comment.id)
    return None


def _spanned(root, ident: str) -> tuple[str, bool] | None:
    """The visible words between a comment's range marks, and whether an editors' revision is among
    them; None when the range is not in this part."""
    inside, words, pending, seen = False, [], False, False
    for element in root.iter():
        tag, identity = element.tag, element.get(f"{{{W}}}id")
        if tag == f"{{{W}}}commentRangeStart" and identity == ident:
            inside = seen = True
        elif tag == f"{{{W}}}commentRangeEnd" and identity == ident:
            break
        elif inside and tag in (f"{{{W}}}ins", f"{{{W}}}del") and element.get(f"{{{W}}}author") == AUTHOR:
            pending = True
        elif inside and tag == f"{{{W}}}t" and not any(a.tag in HIDDEN for a in element.iterancestors()):
            words.append(element.text or "")
    return (SPACE.sub(" ", "".join(words)).strip(), pending) if seen else None


def _judge(offer: dict, words: str) -> str:
    if offer["after"] in words:
        return ACCEPTED
    return REJECTED if offer["before"] in words else CHANGED


def _from_text(offer: dict, draft: Draft) -> Answer:
    """Without the fix's comment (deleted, or a file made anew): its words and their neighbours in the
    draft's text as pandoc reads it."""
    before, after = offer["context"]
    texts = [" ".join(" ".join(run.text for run in runs).split()) for runs in _paragraph_texts(draft)]
    for words, answer in ((offer["after"], ACCEPTED), (offer["before"], REJECTED)):
        wanted = " ".join(f"{before} {words} {after}".split())
        if any(wanted in text for text in texts):
            return Answer(offer, answer)
    return Answer(offer, CHANGED)


def _paragraph_texts(draft: Draft) -> list[list[Run]]:
    grouped: dict[tuple[int, bool], list[Run]] = {}
    for run in text_runs(draft.blocks):
        grouped.setdefault((run.paragraph, run.in_note), []).append(run)
    return list(grouped.values())


def matrix_with_answers(project: Project, drafts: list[Draft], rows: list[list[str]],
                        max_bytes: int) -> list[list[str]]:
    """The comment–response matrix's rows with `FIX_COLUMNS` added: filled in on the row of each fix's
    comment, and a row of its own for a fix whose comment is no longer in its file."""
    answers = read_answers(project, drafts, max_bytes)
    decisions = read_decisions(project) if answers else {}
    by_comment = {a.comment: a for a in answers if a.comment}
    sections = {d.contribution.relpath: d.contribution for d in drafts}

    def cells(a: Answer) -> list[str]:
        return [a.offer["id"], f"{a.offer['before']} → {a.offer['after']}", a.answer, a.reply,
                decisions.get(a.offer["id"], "")]

    result = [row + (cells(by_comment[row[0]]) if row[0] in by_comment else [""] * len(FIX_COLUMNS)) for row in rows]
    for a in answers:
        if not a.comment:
            contribution = sections[a.offer["file"]]
            result.append([a.offer["id"], contribution.section_id, contribution.agency, a.offer["file"],
                           a.offer["location"], a.offer["before"], AUTHOR, "", a.offer["reason"], "", "", ""]
                          + cells(a))
    return result
