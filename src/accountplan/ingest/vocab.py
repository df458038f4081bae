"""Small vocabularies so that likely typos in free-text columns become warnings."""

from __future__ import annotations

import difflib
from functools import lru_cache

COUNTRIES = """
Afghanistan, Albania, Algeria, Argentina, Armenia, Australia, Austria, Azerbaijan, Bahrain,
Bangladesh, Belarus, Belgium, Bolivia, Bosnia and Herzegovina, Brazil, Bulgaria, Cambodia,
Cameroon, Canada, Chile, China, Colombia, Costa Rica, Croatia, Cuba, Cyprus, Czech Republic,
Czechia, Denmark, Dominican Republic, Ecuador, Egypt, El Salvador, Estonia, Ethiopia, Finland,
France, Georgia, Germany, Ghana, Greece, Guatemala, Honduras, Hong Kong, Hungary, Iceland, India,
Indonesia, Iran, Iraq, Ireland, Israel, Italy, Jamaica, Japan, Jordan, Kazakhstan, Kenya, Korea,
South Korea, Kuwait, Latvia, Lebanon, Lithuania, Luxembourg, Malaysia, Malta, Mexico, Moldova,
Morocco, Netherlands, New Zealand, Nigeria, Norway, Oman, Pakistan, Panama, Paraguay, Peru,
Philippines, Poland, Portugal, Qatar, Romania, Russia, Saudi Arabia, Serbia, Singapore, Slovakia,
Slovenia, South Africa, Spain, Sri Lanka, Sweden, Switzerland, Taiwan, Tanzania, Thailand,
Tunisia, Turkey, Uganda, Ukraine, United Arab Emirates, United Kingdom, United States,
United States of America, USA, US, UK, UAE, Uruguay, Venezuela, Vietnam, Zambia, Zimbabwe
"""

INDUSTRIES = """
Agriculture, Apparel, Automotive, Banking, Biotechnology, Chemicals, Communications,
Construction, Consulting, Consumer Goods, Education, Electronics, Employment, Energy,
Engineering, Entertainment, Environmental, Finance, Financial Services, Food & Beverage,
Government, Healthcare, Hospitality, Insurance, Legal, Logistics, Machinery, Manufacturing,
Marketing, Media, Medical, Mining, Not For Profit, Other, Pharmaceuticals, Real Estate, Recreation,
Retail, Services, Shipping, Software, Technology, Telecommunications, Transportation, Travel,
Utilities, Wholesale
"""


def _words(text: str) -> dict[str, str]:
    items = [w.strip() for w in text.replace("\n", " ").split(",") if w.strip()]
    return {w.casefold(): w for w in items}


VOCABULARIES = {"countries": _words(COUNTRIES), "industries": _words(INDUSTRIES)}


@lru_cache(maxsize=4096)
def typo_of(vocabulary: str, value: str) -> str | None:
    """The known word ``value`` looks like a typo of, or None when it is known or unlike any."""
    words = VOCABULARIES[vocabulary]
    key = value.strip().casefold()
    if not key or key in words:
        return None
    close = difflib.get_close_matches(key, list(words), n=1, cutoff=0.85)
    return words[close[0]] if close else None
