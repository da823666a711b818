"""The one source text every layout family renders (fictional, EMN-style).

Markup inside paragraphs:

* ``[[key]]`` -- a note marker; the note text is ``NOTES[key]``.  Labels are
  given per family (1, 2, 3 ... or a, b, c ...) in order of first use.
* ``<<key>>`` -- a stated country count, written as a word (or digits) taken
  from ``COUNTS[key]`` or, in the planted wrong-count variant, from
  ``WRONG_COUNTS[key]``.  The same key names the note that lists the countries.

Everything here is invented for the tests; legal acts and country codes are
real facts, the prose, report titles and figures are not.
"""

from __future__ import annotations

import re

TITLE = "Spotting trafficked workers during labour inspections"
SUBTITLE = "EMN Inform on practices in EMN Member Countries (layout test edition)"
PLACE = "Brussels"
DATE_ISO = "2025-07-16"
DATE_LONG = "Brussels, 16 July 2025"      # the date line of the LibreOffice and LaTeX families
DATE_MONTH = "July 2025"                  # the date line of the ReportLab families
DATE_MONTH_ISO = "2025-07"

# key -> (word as printed, number)
COUNTS: dict[str, tuple[str, int | None]] = {
    "c_twelve": ("twelve", 12),
    "c_joint": ("Nine", 9),
    "c_indicators": ("Five", 5),
    "c_training": ("14", 14),
    "c_mixed": ("Three", 3),
    "c_emc": ("Ten", 10),
    "c_most": ("Most", None),
    "c_six": ("Six", 6),
    "c_two": ("Two", 2),
    "c_2019": ("eleven", 11),
    "c_four": ("Four", 4),
    "c_eight": ("Eight", 8),
}
# the planted variant: two stated counts that do not match their lists
WRONG_COUNTS = {"c_joint": ("Ten", 10), "c_six": ("Seven", 7)}

NOTES: dict[str, tuple[str, str]] = {   # key -> (kind, text)
    "c_twelve": ("countries", "Contributions were received from AT, BE, CY, DE, EL, ES, FI, FR, IE, IT, NL and SE."),
    "dir2011": ("citation", "Directive 2011/36/EU of the European Parliament and of the Council of 5 April 2011 on "
                "preventing and combating trafficking in human beings and protecting its victims, and replacing "
                "Council Framework Decision 2002/629/JHA, OJ L 101, 15.4.2011, p. 1."),
    "dir2024": ("citation", "Directive (EU) 2024/1712 of the European Parliament and of the Council of 13 June 2024 "
                "amending Directive 2011/36/EU on preventing and combating trafficking in human beings and "
                "protecting its victims, OJ L, 2024/1712, 24.6.2024."),
    "n_inspect": ("note", "For the purposes of this inform, a labour inspectorate is any public body empowered to "
                  "enter workplaces and to examine employment records, whatever its name under national law."),
    "c_joint": ("countries", "BE, BG, CY, DE, EE, FR, NL, PL, SE."),
    "url_portal": ("citation", "European Commission, Together against trafficking in human beings, "
                   "https://home-affairs.ec.europa.eu/policies/internal-security/organised-crime-and-human-trafficking_en, "
                   "last accessed on 2 May 2025."),
    "c_indicators": ("countries", "AT, CZ, EL, HR and LU."),
    "c_training": ("countries", "AT, BE, CY, CZ, DE, EE, EL, ES, FI, FR, IE, LT, NL and SE."),
    "n_long": ("note", "The questionnaire asked each National Contact Point to describe the situation on "
               "1 January 2025 and to mention reforms adopted before that date even where they had not yet taken "
               "effect. Several replies described pilot projects limited to one region or one economic sector, "
               "such as seasonal agriculture, meat processing, domestic work or road haulage; these projects are "
               "mentioned where they illustrate a wider trend but they are not counted as national practice. "
               "Where a reply did not address a question, the country is not counted in either direction, so the "
               "totals given in the text should be read as minimum figures rather than as a complete census. "
               "Follow-up questions were sent to eleven contact points in March 2025 and all of them answered "
               "before the drafting of this inform was completed, which explains small differences from the "
               "preliminary overview circulated to the network in the spring. The replies were then checked "
               "against the national reports submitted under the EU anti-trafficking strategy and, where the two "
               "sources disagreed, the contact point concerned was asked which figure should be used. In most "
               "cases the difference came from the reference period, since some administrations count referrals "
               "by the date of the inspection and others by the date on which the case file was opened."),
    "c_mixed": ("mixed", "BE, NL and SE. See also Article 11(4) of Directive 2011/36/EU on mechanisms for the early "
                "identification of victims."),
    "c_emc": ("countries", "Includes information from BE, FI, IE, LT, LV, MT, PT, SI, SK and NO."),
    "report1": ("citation", "EMN (2024), Inspections, Referral and Remedies: A Comparative Overview of National "
                "Approaches, European Migration Network, Brussels."),
    "n_prov": ("note", "Figures are provisional and were reported by the National Contact Points in February 2025; "
               "they may still be revised."),
    "c_most": ("countries", "AT, BE, BG, CY, CZ, DE, EE, EL, ES, FI, FR, HR, IT, LU, NL, PT, SE."),
    "c_six": ("countries", "CY, ES, FR, HU, IT and RO."),
    "dir2009": ("citation", "Directive 2009/52/EC of the European Parliament and of the Council of 18 June 2009 "
                "providing for minimum standards on sanctions and measures against employers of illegally staying "
                "third-country nationals, OJ L 168, 30.6.2009, p. 24."),
    "n_method": ("note", "Back pay is calculated differently from one country to another. Some inspectorates apply "
                 "the minimum wage fixed by law or by a collective agreement for the whole period of employment, "
                 "others only for the months that the worker can prove, and a few accept the worker's own account "
                 "when the employer kept no records at all. The Employer Sanctions Directive presumes an "
                 "employment relationship of at least three months unless the employer proves otherwise, but "
                 "respondents said that this presumption is seldom invoked in practice because inspectors are not "
                 "familiar with it and because the workers concerned have often left the country by the time a "
                 "claim could be brought. Where claims were brought, the amounts recovered were usually far below "
                 "the amounts owed, and the replies describe only a handful of cases in which a worker received "
                 "the full sum within a year. Two contact points added that recovery is easier when the employer "
                 "is a subcontractor, since the main contractor can be held liable for the debts of the chain. "
                 "None of the replies mentioned a public fund that advances the sums owed while the claim is "
                 "pending, although such funds exist for victims of violent crime in most Member States and "
                 "several civil society organisations have proposed extending them to unpaid wages."),
    "coe": ("citation", "Council of Europe Convention on Action against Trafficking in Human Beings, CETS No. 197, "
            "Warsaw, 16 May 2005."),
    "c_two": ("countries", "DE and EL."),
    "c_2019": ("countries", "AT, BE, CZ, DE, EE, FI, FR, LU, NL, SE and UK."),
    "c_four": ("countries", "AT, DK, FI, SE."),
    "c_eight": ("countries", "BG, CZ, EE, HR, LT, LU, PT, SK."),
    "n_terms": ("note", "In this inform, Member States means the EU Member States taking part in the EMN; Member "
                "Countries also covers Norway and Georgia."),
}

SECTIONS: list[tuple[str, list[str]]] = [
    ("Introduction", [
        "This inform summarises how labour inspectorates in EMN Member Countries detect signs of trafficking "
        "for labour exploitation and what happens to the workers concerned once such signs are found. It draws "
        "on replies from <<c_twelve>> Member States,[[c_twelve]] collected through an ad hoc query launched in "
        "the autumn of 2024, and on the obligations that Directive 2011/36/EU[[dir2011]] places on national "
        "authorities. The revision of that Directive adopted in 2024[[dir2024]] widened the list of exploitative "
        "purposes and asked Member States to give officials who are likely to come into contact with victims "
        "regular and specialised training. The inform does not evaluate national systems; it describes them, "
        "points to practices that respondents themselves considered promising and notes where the information "
        "available remains thin.",
        "Labour inspectorates[[n_inspect]] are seldom the first public body that a trafficked worker meets, but "
        "they are often the only one that enters the workplace without being invited. Their mandate is usually "
        "framed around wages, working time, health and safety, and the legality of employment rather than around "
        "criminal law. That framing shapes what inspectors look for, which questions they ask and whom they "
        "call when a situation appears to go beyond an ordinary breach of labour standards.",
    ]),
    ("Joint inspections and shared indicators", [
        "<<c_joint>> Member States reported that inspections in sectors considered at risk are now routinely "
        "carried out jointly by labour inspectors and the police or border guards.[[c_joint]] In most of these "
        "countries the joint format grew out of operations against undeclared work and was later extended to "
        "trafficking cases, with a written protocol setting out who leads the visit, who interviews the "
        "workers and who decides whether a criminal investigation is opened. Respondents stressed that the "
        "presence of the police can frighten workers who fear expulsion, so several protocols require that the "
        "first conversation with a worker takes place away from the employer and, where possible, without "
        "uniformed officers in the room. The European Commission collects examples of such protocols on its "
        "anti-trafficking website,[[url_portal]] although few of the national documents have been translated.",
        "<<c_indicators>> Member States have adopted a common list of indicators for inspectors, derived from the "
        "operational indicators used by the police but reworded so that they can be checked during an ordinary "
        "visit.[[c_indicators]] Typical items are the retention of identity documents by the employer, wages "
        "paid to a third person, accommodation provided by the employer at a price deducted from pay, and "
        "workers who cannot say where they are or who are never allowed to leave the premises alone. Inspectors "
        "in these countries record each indicator they observe in a standard form, which makes it possible to "
        "compare cases across regions and to see which indicators most often lead to a referral.",
        "Respondents also described how the choice of sectors is made. Most inspectorates combine complaints "
        "from workers and trade unions with risk analyses based on earlier findings, on the share of posted or "
        "temporary workers in a sector and on the seasonal peaks of demand for labour. Harvest work, the "
        "hospitality sector in the tourist season and large construction sites feature in almost every reply, "
        "while nail bars, car washes and private households appear less often because they are harder to "
        "enter and because the number of workers on each site is small.",
        "Specialised training is more widespread than a few years ago: <<c_training>> Member States offered at "
        "least one training course on trafficking to labour inspectors in 2024,[[c_training]] in most cases "
        "delivered together with the national anti-trafficking coordinator or a civil society organisation. "
        "The length and depth of the courses vary widely, from a two-hour online module to a week of joint "
        "exercises with prosecutors, and the replies do not allow a comparison of their effects.[[n_long]] "
        "<<c_mixed>> Member States have also made the course compulsory for newly recruited inspectors,[[c_mixed]] "
        "which respondents described as the only reliable way to reach staff in smaller regional offices.",
    ]),
    ("Referral and assistance", [
        "Once an inspector suspects that a worker may be a victim, the next step depends on whether the "
        "inspectorate belongs to a national referral mechanism. <<c_emc>> EMN Member Countries reported that "
        "labour inspectors are formally listed among the actors who may refer a presumed victim to assistance, "
        "without first obtaining the agreement of the police.[[c_emc]] Elsewhere the inspector informs the police, "
        "who then decide whether to start the identification procedure, and the worker may wait several days "
        "before meeting anyone who can explain the options open to them. A recent comparative overview found "
        "that this waiting time is the point at which contact with presumed victims is most often lost.[[report1]]",
        "The number of referrals made by inspectors remains small compared with those made by the police. For "
        "2024 the contact points reported a total of 612 referrals by labour inspectorates,[[n_prov]] against "
        "several thousand by law enforcement. <<c_most>> Member States nonetheless expect the share of "
        "inspectors to grow as joint inspections spread,[[c_most]] and a number of them have set targets for the "
        "coming years. <<c_six>> Member States give inspectors access to an interpreter within 24 hours of the "
        "visit,[[c_six]] a safeguard that respondents described as decisive for workers who do not speak the "
        "national language and who would otherwise depend on the employer or on a fellow worker to translate.",
        "The Council of Europe Convention[[coe]] requires a recovery and reflection period of at least thirty "
        "days during which a presumed victim may not be removed from the territory. Inspectors are rarely "
        "informed of that right in their training, and <<c_two>> Member States have therefore added a short "
        "leaflet in several languages to the inspection kit, which the inspector hands to any worker who shows "
        "one or more of the indicators.[[c_two]] The leaflet explains, in plain terms, that speaking to an "
        "inspector does not in itself lead to a return decision and gives the number of a helpline run by a "
        "non-governmental organisation.",
    ]),
    ("Unpaid wages and remedies", [
        "Trafficked workers are almost always owed wages, and the recovery of back pay is one of the few "
        "remedies that labour inspectorates can pursue on their own authority. The Employer Sanctions "
        "Directive[[dir2009]] obliges Member States to ensure that employers of irregularly staying workers pay "
        "any outstanding remuneration, together with taxes and social security contributions, and to make "
        "mechanisms available through which workers can lodge claims even after they have left the country. "
        "Respondents described these mechanisms as difficult to use: a claim usually requires the worker to "
        "name the employer, to prove the length of the employment and to remain reachable for months while the "
        "procedure runs its course.[[n_method]]",
        "Several inspectorates have responded by calculating the sums owed during the inspection itself and by "
        "ordering the employer to pay them on the spot or within a short deadline, with a fine if the order is "
        "not obeyed. Respondents considered this approach effective where the employer is solvent and easy to "
        "find, which is seldom the case in the chains of subcontracting and temporary agencies that dominate the "
        "sectors at risk. Some contact points therefore called for the liability of main contractors to be "
        "extended beyond construction, where it already exists in most national systems, to agriculture, "
        "cleaning and logistics.",
    ]),
    ("Cooperation and data", [
        "Cooperation between inspectorates of different countries has developed mainly through the European "
        "Labour Authority, which supports concerted and joint inspections on request. When the exercise behind "
        "this inform was first run in 2019, <<c_2019>> Member States took part in at least one cross-border "
        "inspection;[[c_2019]] in 2024 the figure was similar, but the inspections concerned a wider range of "
        "sectors, from construction and agriculture to cleaning services and parcel delivery. <<c_four>> Member "
        "States reported bilateral agreements that allow inspectors to exchange information about employers "
        "directly, without going through a liaison office.[[c_four]]",
        "Data remain the weakest part of the picture. Only a minority of inspectorates record the nationality, "
        "sex and age of the workers they refer, and fewer still follow up on what happened to them afterwards. "
        "<<c_eight>> Member States publish annual figures on referrals by inspectors,[[c_eight]] but the "
        "definitions differ so much that the figures cannot be added up. The contact points suggested that a "
        "short common set of variables, agreed at the level of the network, would already make the figures "
        "comparable without imposing a new reporting system on national administrations.",
    ]),
    ("Conclusions", [
        "The replies show a steady shift from inspections that treat trafficking as an exception to be handed "
        "over to the police towards inspections in which signs of trafficking are looked for as a matter of "
        "routine. Member States[[n_terms]] that combine joint inspections, a shared list of indicators and a "
        "direct role in the referral mechanism report more referrals and fewer lost contacts than those that "
        "rely on any one of these elements alone. The main gaps lie in interpretation, in information for "
        "workers about their rights and in data that could show whether referrals lead to assistance. These "
        "are areas in which the network could usefully compare notes again once the revised Directive has "
        "been transposed.",
        "Finally, the respondents pointed to the value of repeating the exercise. A picture taken at one moment "
        "cannot show whether a practice reported as promising keeps its promise once the project funding ends "
        "or the staff who designed it move on, and several of the practices described in the 2019 edition had "
        "disappeared by 2024 without any assessment of their results being published.",
    ]),
]

MARKER = re.compile(r"\[\[(\w+)\]\]")
COUNT = re.compile(r"<<(\w+)>>")


def counts_for(variant: str) -> dict[str, tuple[str, int | None]]:
    table = dict(COUNTS)
    if variant == "wrongcounts":
        table.update(WRONG_COUNTS)
    return table


def fill_counts(text: str, variant: str) -> str:
    """A paragraph with its ``<<key>>`` count placeholders written out."""
    table = counts_for(variant)
    return COUNT.sub(lambda m: table[m.group(1)][0], text)


def note_order() -> list[str]:
    """Note keys in order of first use in the body."""
    order: list[str] = []
    for _heading, paragraphs in SECTIONS:
        for paragraph in paragraphs:
            order += [key for key in MARKER.findall(paragraph) if key not in order]
    assert set(order) == set(NOTES), set(NOTES) ^ set(order)
    return order


def labels(style: str) -> dict[str, str]:
    """key -> label; style 'number' (1, 2, ...) or 'letter' (a, b, ..., z, aa, ...)."""
    keys = note_order()
    if style == "number":
        return {key: str(i) for i, key in enumerate(keys, start=1)}
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {key: letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i, key in enumerate(keys)}


def plain(text: str, variant: str) -> str:
    """A paragraph as a reader sees it, without note labels."""
    return MARKER.sub("", fill_counts(text, variant))
