"""The agencies' names in each language edition: a name report.yaml gives in no edition's language is
printed in the source language there (contributor lines, signatories, the contributors annex, the title
page), which the editors should know before the edition goes out."""

from __future__ import annotations

from ..codes import finding
from ..model import Finding, Place, Project


def agency_name_findings(project: Project) -> list[Finding]:
    """lang/agency-name-missing: for each edition but the source's, each agency without a name in its language
    (`name: {fr: …}` or `names: {fr: {name: …}}`)."""
    source = project.source_language
    return [finding("lang/agency-name-missing", Place("report.yaml"),
                    f"agencies.{agency.id} has no {lang} name: the {lang} edition prints "
                    f"'{agency.name} ({agency.short})' (add names: {{{lang}: {{name: …, short: …, article: …}}}})")
            for lang in project.languages if lang != source
            for agency in project.agencies.values() if not agency.names.get(lang)]
