"""The words and number formats of figures in French, German and Dutch, beside the English ones in :mod:`.figures`.

Takes nothing; gives patterns: months, reference words ("Artikel 20", "paragraphe 3"), scales
("Mio.", "milliards"), percent and currency words, period prepositions, hedges ("plus de",
"mehr als", "ruim") and the continental number formats ("5.000", "14 000", "63,1"), which
English texts do not use (English keeps "14 000" only with a no-break or thin space: a plain
space there more often separates two columns of a flattened table).
"""

from __future__ import annotations

import re

OTHER_MONTHS = (r"(?i:janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
                r"|januar|februar|märz|juni|juli|oktober|dezember"
                r"|januari|februari|maart|mei|augustus)")
DAY_SUFFIX = r"(?:st|nd|rd|th|er|\.)"          # "1st", "1er", "1." (German)
OTHER_REFERENCE_WORDS = (r"artikel[ns]?|absatz|abs\.|alinéa|paragraphe|lid|leden|seiten?|kapitel|chapitre"
                         r"|hoofdstuk|annexe|anhang|bijlage|tableau|tabelle|tabel|abbildung|punkt|punt|n°|nº|nr\."
                         r"|numéro|nummer|erwägungsgrund|considérant|overweging|randnummer|rn\.")
# Continental numbers: a dot or a space groups thousands and a comma is the decimal mark.
OTHER_NUMBER = re.compile(r"""
    (?<![\w/§])(?<!\d[.,])(?<![^\W\d_]-)
    (?:
        [1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?                    # 5.000    1.234,5
      | (?<!\d\s)[1-9]\d{0,2}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?(?!\s\d)   # 14 000, not in a row of numbers
      | \d+,\d+                                            # 63,1
      | \d+
    )
    (?![\w/]|[.,]\d)
""", re.X)
PERCENT_WORDS = r"(?i:pour\s?cent|prozent|procent)\b"
SCALES = {"millions": 1e6, "milliard": 1e9, "milliards": 1e9, "millionen": 1e6, "milliarde": 1e9,
          "milliarden": 1e9, "mio": 1e6, "mrd": 1e9, "miljoen": 1e6, "miljard": 1e9, "mille": 1e3,
          "tausend": 1e3, "duizend": 1e3}
CURRENCY_WORDS = r"€|Euro\b"
PERIOD_PREPOSITIONS = r"en|entre|depuis|pour|au\s+cours\s+de|pendant|im|zwischen|seit|für|während|tussen|sinds|van"
PERIOD_YEAR_WORDS = r"jahre?n?|l['’]année|année|jaar|het\s+jaar"
PERIOD_JOINERS = r"et|und|en|à|bis|tot"
QUALIFIER = re.compile(
    r"(?i)(?<!\w)(pas\s+moins\s+de|un\s+peu\s+plus\s+de|plus\s+de|moins\s+de|près\s+de|autour\s+de|presque|environ"
    r"|au\s+moins|jusqu['’]à|quelque|mehr\s+als|weniger\s+als|über|fast|knapp|rund|etwa|ungefähr|mindestens"
    r"|bis\s+zu|nahezu|beinahe|annähernd|meer\s+dan|minder\s+dan|ruim|bijna|ongeveer|zo['’]n|minstens"
    r"|ten\s+minste|tot\s+wel|tot\s+zo['’]n|rond\s+de|maar\s+liefst|circa|ca\.)\s+(?:€\s?|EUR\s)?$")
AT_LEAST_AFTER = r"ou\s+plus|et\s+plus|oder\s+mehr|und\s+mehr|of\s+meer|en\s+meer"
# Function words of the three languages: a figure's subject ends before them ("5 000 victimes de la traite").
STOP_WORDS = """de des du la le les et en dans pour par sur à au aux ont sont est été ou qui que dont
    der die das den dem und im von für mit wurden wird sind ist als oder aus bei nach zum zur
    het van voor met zijn werden werd zijn als uit bij naar""".split()
