"""Support resources for a person whose answers raised a safety concern (model §6).

Generic wording that is correct in any country: no phone numbers and no named organisations,
only where to find help (the local emergency number, a domestic-violence helpline, a doctor or
counsellor, a trusted person) and how to keep looking for it private. Shown only to that person;
nothing here ever reaches the couple report.
"""

from __future__ import annotations

from dataclasses import dataclass

from twofold.reports.texts import language, load_content

__all__ = ["Resource", "support_resources"]


@dataclass(frozen=True)
class Resource:
    title: str
    text: str
    how_to_reach: str


def support_resources(lang: str) -> list[Resource]:
    """The support resources in ``lang``: a helpline first, the emergency route one option."""
    lang = language(lang)
    return [
        Resource(title=r.title[lang], text=r.text[lang], how_to_reach=r.reach[lang])
        for r in load_content().resources
    ]
