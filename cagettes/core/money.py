"""Amounts of money as people read them: "2,50\u202f€" in French, "€2.50" in English."""
from __future__ import annotations

from decimal import Decimal


def euros(amount: Decimal | int | float, lang: str = "fr") -> str:
    """2.5 → "2,50 €" (French) or "€2.50" (English)."""
    value = Decimal(amount).quantize(Decimal("0.01"))
    if lang == "en":
        return f"€{value:,.2f}"
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u202f€"  # narrow no-break space: French usage, and it fits the boxes
