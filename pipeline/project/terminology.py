"""terminology.yaml: the agreed terms with their rejected variants, the acronyms, and the agreed blocks."""

from __future__ import annotations

from ..model import AgreedBlock, Term, Terminology
from ..schema import Field, Validator

TERM = Field("map", fields={
    "preferred": Field("str", required=True, help="The agreed term, as the report writes it."),
    "reject": Field("list", default=[], items=Field("str", required=True),
                    help="Variants drafts should no longer use; the built report replaces them."),
    "note": Field("str", default="", help="Why, shown with the finding."),
    "case": Field("str", default="insensitive", choices=("sensitive", "insensitive"),
                  help="sensitive: only the exact capitals are a variant."),
    "lang": Field("str", help="The language the term belongs to (default: the drafts' language)."),
    "gender": Field("str", choices=("m", "f"),
                    help="The preferred term's grammatical gender (m or f), so the article before it is made to "
                         "agree (le/la, un/une, el/la) when it replaces a variant."),
    "translations": Field("dict", default={}, values=Field("str", required=True),
                          help="The term's agreed translation per language ({fr: …, es: …}): the translators' "
                               "glossary (TBX) gives it, and `translate import` warns where a translation "
                               "lacks it."),
})
AGREED = Field("map", fields={
    "text": Field("text", required=True, help="The exact agreed words, or one text per language."),
    "lang": Field("str", help="The language it was agreed in (default: the drafts' language)."),
})
TERMINOLOGY = Field("map", default={}, fields={
    "terms": Field("list", default=[], items=TERM, help="Agreed terms and their rejected variants."),
    "acronyms": Field("dict", default={}, values=Field("text", required=True),
                      help="ACRONYM: expansion (or one per language); first use in each chapter must spell it out."),
    "agreed": Field("dict", default={}, values=AGREED,
                    help="Agreed blocks by id; a draft includes one with a paragraph {{agreed:ID}}."),
})


def build_terminology(data, language: str, validator: Validator) -> Terminology:
    data = validator.check(data if data is not None else {}, TERMINOLOGY) or {}
    terms = [Term(t["preferred"], tuple(t["reject"]), t["note"], t["case"] == "sensitive", t["lang"] or language,
                  t["gender"] or "", tuple(sorted((t["translations"] or {}).items())))
             for t in data.get("terms") or [] if t and t["preferred"]]
    agreed = {}
    for key, block in (data.get("agreed") or {}).items():
        if block and block["text"]:
            lang = block["lang"] or language
            texts = {(code or lang): " ".join(text.split()) for code, text in block["text"].items()}
            agreed[key] = AgreedBlock(key, texts, lang if lang in texts else next(iter(texts)))
    acronyms = {acronym: {(code or language): text for code, text in texts.items()}
                for acronym, texts in (data.get("acronyms") or {}).items() if texts}
    return Terminology(terms, acronyms, agreed)
