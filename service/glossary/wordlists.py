"""Closed word classes of English news copy that the name detectors need: titles, heads of
institution names, generic Title Case words, function words, months, suffixes.

These are word classes, not names: no person, organization or place is listed here.
"""
from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and honorifics that stand before a person's name ("Foreign Minister Park").
CORE_TITLES = _words(
    "President Minister Secretary Chancellor Premier Governor Gov Mayor Senator Sen Representative Rep "
    "Congressman Congresswoman Ambassador Envoy Spokesperson Spokesman Spokeswoman Commandant Administrator "
    "Director Chairman Chairwoman Chair Chairperson Commissioner Commander General Gen Admiral Adm Colonel Col "
    "Lieutenant Lt Major Maj Captain Capt Sergeant Sgt Marshal Chief King Queen Prince Princess Emperor "
    "Empress Pope Sheikh Emir Sultan Speaker Leader Judge Justice Mr Mrs Ms Miss Dr Sir Dame Lord Lady "
    "Professor Prof Officer Negotiator Undersecretary Under-Secretary Vice-Minister Vice-President "
    "Vice-Chairman Deputy Attorney Treasurer Prosecutor Superintendent Inspector Counselor Councillor "
    "Adviser Advisor Coordinator Delegate Director-General Secretary-General Head Executive Rev Father "
    "Brother Sister Bishop Cardinal Archbishop Rabbi Imam Premier-elect President-elect Coach Manager "
    "Economist Analyst Strategist Researcher"
)
# Words that modify a title ("Foreign Minister", "Chief Cabinet Secretary") but are no title alone.
TITLE_MODIFIERS = _words(
    "Vice Prime Deputy Acting Interim Former First Second Senior Junior Chief Principal Assistant "
    "Associate Foreign Defense Defence State Finance Trade Interior Justice Home Economy Economic "
    "Treasury Cabinet Parliamentary National Special Permanent Executive Presiding Majority Minority "
    "Senate House Crown Supreme Joint Fleet Lead Head Managing Commanding Commerce Industry Energy "
    "Health Labor Labour Education Agriculture Transport Transportation Environment Unification Culture "
    "Science Technology Digital Security Intelligence Press Commerce Under Parliamentary Communications "
    "Public Affairs International National Political Military Economic-Affairs"
)
# Generational suffixes: part of the name before them, never a name alone.
SUFFIXES = _words("Jr Sr II III IV V")
# Heads that make a Title Case phrase an institution, instrument or place name even when every
# other word is common ("Ministry of Planning and Investment", "Mutual Defense Treaty").
ORGANIZATION_HEADS = _words(
    "Bank Agency Ministry Department Exchange Academy Institute University College School Society "
    "Corporation Corp Co Company Inc Ltd Group Holdings Fund Forum Council Committee Commission "
    "Organization Organisation Association Federation Confederation Union Party Court Assembly Parliament "
    "Congress Senate Diet Command Guard Forces Force Army Navy Corps Administration Office Bureau Service "
    "Authority Board Center Centre Foundation Electronics Electric Electricity Motors Airlines Airways Air "
    "Steel Research Securities Times Post Herald Tribune Journal Press Club Hospital Museum Church "
    "Secretariat Government Conference Cross Crescent Industries Energy Telecom Systems Technologies Chiefs"
)
TERM_HEADS = _words(
    "Declaration Treaty Agreement Act Convention Accord Charter Protocol Pact Partnership Framework "
    "Initiative Strategy Outlook Plan Doctrine Consensus Tour Championship Open Cup Games Olympics "
    "Rankings Index Prize Award Defense Exercise Operation Program Programme"
)
PLACE_HEADS = _words(
    "Islands Island Isles Peninsula Strait Straits Sea Ocean Bay Gulf River Mountain Mountains Mount "
    "Province Prefecture Region City County District Base Airport Port Harbor Harbour Canal Lake Valley "
    "Desert Coast Shoal Reef Atoll Course Stadium Square Palace Hall Tower Bridge Station Street Avenue"
)
HEADS = ORGANIZATION_HEADS | TERM_HEADS | PLACE_HEADS
# Heads that name a meeting or a bond only together with a proper name ("Shangri-La Dialogue",
# but not "Trilateral Ministerial Meeting").
WEAK_HEADS = _words(
    "Meeting Meetings Dialogue Summit Summits Talks Alliance Statement Statements Ministerial Session "
    "Consultations Communique Readout Briefing Hearing Visit"
)
# Title Case words of headlines, meeting names and institution names that are no name alone.
GENERIC = _words(
    "Trilateral Bilateral Multilateral Ministerial Ministers Leaders Leader Members Member States Nations "
    "National International Global Regional Joint Economic Economy Clean Fair Supply Chain Capital "
    "Catalytic Investor Investors Investment Development Humanitarian Assistance Cooperation Security "
    "Defense Defence Affairs Relations Trade Industry Energy Planning Science Technology Research "
    "Strategic Comprehensive Progressive Enhanced Mutual Reciprocal Access Status Armed Coast Sea Air "
    "Missile Maritime Military Naval Nuclear Climate Health Digital Critical Emerging Women Youth People "
    "Public Private Civil Civilian Federal Central Local Royal Republic Democratic Democracy Freedom Peace "
    "Prosperity Resilience Infrastructure Finance Financial Fiscal Budget Policy Policies Minister "
    "Ministry Department Office Government Administration Agency Council Committee Commission Assembly "
    "Bank Fund Forum Group Task Force Working Team Unit Division Section Program Project Plan Initiative "
    "Statement Fact Sheet Readout Release Press Briefing Remarks Background Note Annex Update Report "
    "Summary Overview Introduction Conclusion Chairman Chair Vice Deputy Senior Chief Head Director "
    "Agreement Framework Partnership Strategy Vision Roadmap Action Agenda Principles Guidelines "
    "Commitment Commitments Pillar Pillars Chapter Article Section Clause Annex Appendix Schedule Phase "
    "Stage Round Year Quarter Week Month Day Morning Evening Night Today Tonight Yesterday Tomorrow "
    "Region Area Zone Side Sides Party Parties Partner Partners Country Countries State City Province "
    "Islands Island Coast Guard Guards Exchange Exchanges Academy Institute University Service Services "
    "Officials Official Spokesperson Secretary Secretaries Commandants Administrators Ambassadors "
    "Presidents Governors Mayors Senators Representatives Lawmakers Authorities Agencies Ministries "
    "Departments Governments Banks Companies Firms Markets Market Stocks Shares Bonds "
    "Percent Index Rate Rates Growth Inflation Wages Wage Prices Price Exports Imports Economy Jobs Commerce "
    "Negotiations Negotiation Negotiators "
    "Labor Labour Workers Union Unions Business Businesses Industry Industries Sector Sectors Energy "
    "Power Electricity Water Food Agriculture Fisheries Transport Education Culture Sports Golf Tour "
    "Championship Round Playoff Title World Open Cup Rankings Ranking Player Players Team Teams Coach "
    "Manufacturing Semiconductor Semiconductors Chip Chips Memory Electronics Securities Research "
    "Investment Investments Capital Asset Assets Insurance Holdings Motors Steel Chemical Chemicals "
    "Oil Gas Mining Shipping Airlines Logistics Software Hardware Data Cloud Artificial Intelligence "
    "Disaster Emergency Rescue Search Relief Red Cross Society Meteorology Climatology Geophysical "
    "Geophysics Weather Landslide Flood Floods Earthquake Typhoon Storm Fire Fires Victims Survivors "
    "Volunteers Rescuers Residents Police Army Navy Marine Marines Corps Forces Force Troops Soldiers "
    "Command Headquarters Staff Chiefs Operations Operation Exercise Exercises Drills Drill Training "
    "Law Laws Act Acts Bill Bills Convention Treaty Treaties Declaration Charter Protocol Pact Accord "
    "Consensus Outlook Initiative Initiatives North South East West Northern Southern Eastern Western "
    "Central Upper Lower Greater New Old Great Grand Little Big High Higher Low First Second Third "
    "Fourth Fifth Next Last Final Special General Annual Extraordinary Emergency Interim Additional "
    "Further Other Such Same Several Many More Most Key Major Minor Main Core Basic Common Shared Free "
    "Open Inclusive Sustainable Green Blue Safe Secure Stable Strong Fast Quick Rapid Ongoing Current "
    "Recent Latest Future Past Present Long Short Medium Term Terms Crisis Conflict War Wars Attack "
    "Attacks Threat Threats Challenge Challenges Opportunity Opportunities Issue Issues Matter Matters "
    "Welcome Welcomed Committed Recognizing Reaffirming Noting Underscoring Acknowledging Building "
    "Strengthening Advancing Expanding Deepening Promoting Supporting Enhancing Launching Establishing "
    "Post Pre Non Anti Pro Co Sub Super Inter Intra Trans Cross Multi Pan"
)
# Function words and sentence openers: capitalised only at the start of a sentence.
FUNCTION_WORDS = _words(
    "The A An In On At For From By With Without Into Of To As And But Or Nor So Yet If When While After "
    "Before During Since Until Although Though Because However Meanwhile Also Still Then There Here This "
    "That These Those It Its It's He She They We I You His Her Their Our My Your Some Many Most Several "
    "Such Other Another Each Every All Both Any No Not Only Just Even According Under Over About Against "
    "Between Among Despite Following Amid Across Along Around Through Throughout Toward Towards Within "
    "Beyond Upon Via Per Than What Which Who Whom Whose Where Why How Whether Once Unless Whereas "
    "Moreover Furthermore Additionally Instead Indeed Overall Today Yesterday Tomorrow Tonight Later "
    "Earlier Now Again Already Last Next"
)
MONTHS_AND_DAYS = _words(
    "January February March April May June July August September October November December Jan Feb "
    "Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Mon Tue Tues Wed Thu Thurs Fri Sat Sun"
)
# Abbreviations that keep their full stop inside a name or title ("Jr.", "Co.", "Sen.").
ABBREVIATIONS = _words(
    "Jr Sr Co Corp Inc Ltd Bros St Mt Ft Dr Mr Mrs Ms Sen Gov Rep Gen Adm Lt Col Maj Capt Sgt Prof Rev "
    "No Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
# All-caps words of headings and news copy that are no name ("FACT SHEET", "GDP").
NON_NAME_ACRONYMS = _words(
    "CEO CFO COO CTO GDP GNP CPI PPI AI IT EV EVs LNG LPG GPS TV PC OK AM PM ET GMT UTC KST JST EST PST "
    "USD JPY KRW EUR ID IDs PhD MBA FAQ PDF II III IV VI VII VIII IX XI XII"
)
# Words joining the parts of one name ("Bank of Japan", "Ludwig van Beethoven").
NAME_CONNECTORS = _words("of for on in to the and de da van von bin al del der du la le y dos das")
PARTY_WORDS = _words("Republican Republicans Democrat Democrats Independent Conservative Liberal Labour")
# Places' adjectives and peoples that no ending rule finds ("Philippine", "Thai", "Swiss").
DEMONYMS = _words(
    "Philippine Filipino Thai Swiss Dutch French Irish Welsh Greek Czech Slovak Pakistani Israeli Iraqi Saudi "
    "Kuwaiti Qatari Emirati Omani Yemeni Somali Nepali Bangladeshi Afghan Uzbek Kazakh Kyrgyz Tajik Turkmen "
    "Lao Khmer Malay Arab Basque Flemish Bahraini Azerbaijani Kurdish Maori Samoan Fijian Tongan"
)
# Words that make a place's name compound with a place after them ("New London", "Western Pacific").
PLACE_PREFIXES = _words("North South East West Northern Southern Eastern Western Central Upper Lower New Greater "
                        "Northeast Northwest Southeast Southwest Inner Outer")
# Institutions named by one capitalised common noun ("the Diet", "the Senate").
SINGULAR_INSTITUTIONS = _words("Diet Senate Congress Parliament Treasury Pentagon Kremlin Vatican Knesset Duma "
                               "Bundestag Politburo Storting Riksdag")
