"""Headings for the articles rules cite, so the text and Markdown reports read like the Act."""

from __future__ import annotations

ARTICLE_TITLES: dict[str, str] = {
    "Art. 2": "Scope",
    "Art. 4": "AI literacy",
    "Art. 5": "Prohibited AI practices",
    "Art. 6": "Classification of high-risk AI systems",
    "Art. 9": "Risk management system",
    "Art. 10": "Data and data governance",
    "Art. 11": "Technical documentation",
    "Art. 12": "Record-keeping",
    "Art. 13": "Transparency and information to deployers",
    "Art. 14": "Human oversight",
    "Art. 15": "Accuracy, robustness and cybersecurity",
    "Art. 16": "Obligations of providers",
    "Art. 17": "Quality management system",
    "Art. 18": "Documentation keeping",
    "Art. 19": "Automatically generated logs",
    "Art. 20": "Corrective actions and duty of information",
    "Art. 22": "Authorised representatives",
    "Art. 26": "Obligations of deployers",
    "Art. 27": "Fundamental rights impact assessment",
    "Art. 43": "Conformity assessment",
    "Art. 47": "EU declaration of conformity",
    "Art. 48": "CE marking",
    "Art. 49": "Registration",
    "Art. 50": "Transparency obligations",
    "Art. 52": "Procedure for GPAI models with systemic risk",
    "Art. 53": "Obligations of providers of GPAI models",
    "Art. 54": "Authorised representatives of GPAI providers",
    "Art. 55": "Obligations for GPAI models with systemic risk",
    "Art. 72": "Post-market monitoring",
    "Art. 73": "Reporting of serious incidents",
    "Art. 86": "Right to explanation",
    "GDPR Art. 5": "Principles relating to processing of personal data (GDPR, Regulation (EU) 2016/679; not the AI Act)",
    "GDPR Art. 9": "Processing of special categories of personal data (GDPR, Regulation (EU) 2016/679; not the AI Act)",
    "Organisation rules": "comply's own rules, not legal requirements of the Act",
}


def article_title(heading: str) -> str:
    """'Art. 10' -> 'Art. 10 — Data and data governance'; unknown headings are returned as they are."""
    title = ARTICLE_TITLES.get(heading)
    if title is None:
        from checker.report.frameworks import heading_title

        title = heading_title(heading)
    return f"{heading} — {title}" if title else heading
