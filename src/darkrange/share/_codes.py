"""Fixed codes of the sharing formats: TLP 2.0 markings, Europol evaluation, PAP, MISP tags.

The TLP 2.0 objects are OASIS's, copied exactly (S3): never generate their ids.
"""

from __future__ import annotations

from typing import Any

from darkrange.share._snapshot import Evaluation

TLP_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_CREATED = "2022-10-01T00:00:00.000Z"
TLP_MARKING_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# OASIS's identity, creator of the TLP 2.0 extension definition (not shipped in bundles).
OASIS_IDENTITY_ID = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01"


def tlp_extension_definition() -> dict[str, Any]:
    """The OASIS extension-definition object for TLP 2.0, as published."""
    return {
        "id": TLP_EXTENSION_ID,
        "type": "extension-definition",
        "spec_version": "2.1",
        "name": "TLP 2.0",
        "description": "This defines TLP 2.0 as a STIX extension",
        "created": TLP_CREATED,
        "modified": TLP_CREATED,
        "created_by_ref": OASIS_IDENTITY_ID,
        "schema": "https://github.com/oasis-open/cti-stix-common-objects/tree/master/"
        "extension-definition-specifications/tlp-2.0",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }


def tlp_marking(level: str) -> dict[str, Any]:
    """The OASIS marking-definition object for one TLP 2.0 level."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_MARKING_IDS[level],
        "created": TLP_CREATED,
        "name": f"TLP:{level.upper()}",
        "extensions": {
            TLP_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level}
        },
    }


# Europol evaluation codes (Europol Regulation art. 29; EU information exchange manual).
SOURCE_MEANINGS = {
    "A": "no doubt about the source's authenticity, trustworthiness and competence",
    "B": "source has in most instances proved reliable",
    "C": "source has in most instances proved unreliable",
    "X": "reliability of the source cannot be assessed",
}
INFORMATION_MEANINGS = {
    1: "accuracy not in doubt",
    2: "known personally to the source, not to the official passing it on",
    3: "not known personally to the source, corroborated by other recorded information",
    4: "not known personally to the source and cannot be corroborated",
}
HANDLING_MEANINGS = {
    "H0": "may be used only to prevent and combat crime, under the applicable law",
    "H1": "not to be disclosed in judicial proceedings without the provider's permission",
    "H2": "not to be disseminated without the provider's permission",
    "H3": "other restrictions apply (see the case's handling instructions)",
}


def evaluation_json(ev: Evaluation) -> dict[str, Any]:
    return {"source": ev.source, "information": ev.information, "handling": ev.handling}


def evaluation_from_json(data: object) -> Evaluation:
    """An Evaluation from its JSON form; a missing or partial one keeps the cautious defaults."""
    if not isinstance(data, dict):
        return Evaluation()
    base = Evaluation()
    return Evaluation(
        source=data.get("source", base.source),
        information=int(data.get("information", base.information)),
        handling=data.get("handling", base.handling),
    )


# MISP: distribution 0 your organisation, 1 this community, 2 connected, 3 all, 4 sharing group.
MISP_DISTRIBUTION = {"red": 0, "amber+strict": 0, "amber": 1, "green": 2, "clear": 3}
PAP_TAGS = {"clear": "PAP:CLEAR", "green": "PAP:GREEN", "amber": "PAP:AMBER", "red": "PAP:RED"}

# Listing categories (darkrange's catalogue words) -> dark-web taxonomy topics (MISP).
DARK_WEB_TOPICS = {
    "weapons": "weapons",
    "firearms": "weapons",
    "explosives": "weapons",
    "precursors": "weapons",
    "drugs": "drugs-narcotics",
    "documents": "identification-credentials",
    "forged-documents": "identification-credentials",
    "counterfeit": "counteir-feit-materials",  # the taxonomy's own spelling
    "cards": "credit-card",
    "fraud": "finance",
    "hacking": "hacking",
    "software": "softwares",
}
DARK_WEB_MOTIVATIONS = {"market": "marketplace-for-sale", "shop": "marketplace-for-sale"}
DARK_WEB_MOTIVATIONS["forum"] = "forum"


def dark_web_topic(category: str) -> str:
    return DARK_WEB_TOPICS.get(category.strip().lower(), "unclear")
