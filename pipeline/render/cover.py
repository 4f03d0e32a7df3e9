"""The cover's logos, staged like the report's pictures: renderers never read the project's files in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..files import media_name
from ..model import Project


@dataclass
class CoverLogos:
    coalition: str = ""  # media/<name> of the coalition's logo, "" when report.yaml names none
    agencies: list[str] = field(default_factory=list)  # media/<name> of each agency's logo, in report.yaml's order
    names: list[str] = field(default_factory=list)  # each of those agencies' names: what its logo says (alt text)
    media: dict[str, Path] = field(default_factory=dict)  # name → the project's file, to copy or embed


def cover_logos(project: Project) -> CoverLogos:
    """The logos report.yaml names (checked at load to be pictures inside the project), under content-hash
    names like every other picture of the build."""
    logos = CoverLogos()

    def staged(relpath: str) -> str:
        path = project.root / relpath
        name = media_name(path.read_bytes(), path.suffix)
        logos.media[name] = path
        return f"media/{name}"

    logos.coalition = staged(project.logo) if project.logo else ""
    with_logo = [agency for agency in project.agencies.values() if agency.logo]
    logos.agencies = [staged(agency.logo) for agency in with_logo]
    logos.names = [agency.name for agency in with_logo]
    return logos
