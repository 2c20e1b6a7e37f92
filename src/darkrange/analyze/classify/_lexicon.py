"""Words that name each category, in English, Russian and Uzbek: the keyword baseline the
benchmark compares against, and cue features the classifier adds to its n-grams (with the risk
flags), so domain knowledge counts where the training data is thin (weapons on Agora)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from darkrange.analyze.classify._flags import FLAGS, risk_flags
from darkrange.analyze.classify._rules import compile_terms

LEXICON: dict[str, tuple[str, ...]] = {
    "drugs": (
        r"\b(?:cocaine|coke|heroin|meth|mdma|xtc|ecstasy|lsd|dmt|ketamine|cannabis|weed|hash"
        r"|kush|haze|thc|cbd|amphetamine|speed|oxycodone|oxy|fentanyl|xanax|alprazolam"
        r"|diazepam|valium|benzo\w*|opium|morphine|mushrooms?|psilocybin|mephedrone|4-mmc"
        r"|a-pvp|alpha-pvp|methylone|steroids?|testosterone|tramadol|codeine|crystal|blotters?"
        r"|tabs?|pills?|edibles?|wax|shatter|strain|indica|sativa|gram)\b",
        r"\b(?:кокаин|героин|мефедрон|меф|амфетамин|фен|гашиш|шишк|марихуан|бошк|экстази|мдма"
        r"|лсд|альфа-пвп|соль|соли|кристалл|метадон|трамадол|гриб|закладк|клад)\w*",
        r"\b(?:giyohvand|nasha|gashish|kokain|geroin|mefedron|tuz|zakladka)\w*",
    ),
    "weapons": (
        r"\b(?:knife|knives|switchblade|balisong|knuckles?|stun\s?gun|taser|tazer|pepper\s+spray"
        r"|baton|holster|scope)\b",
        r"\b(?:нож|кастет|электрошокер|шокер|травматик|оружи)\w*",
        r"\b(?:pichoq|qurol|kastet|shoker)\w*",
    ),
    "explosives": (
        r"\b(?:explosives?|pyrotechnics?|fireworks?|firecrackers?|salutes?|thunderflash"
        r"|precursors?|blasting|fuse)\b",
        r"\b(?:взрыв|пиротехн|салют|фейерверк|петард|прекурсор|селитр)\w*",
        r"\b(?:portlovchi|pirotexnika|feyerverk|salyut|prekursor|selitra)\w*",
    ),
    "counterfeits": (
        r"\b(?:counterfeits?|replicas?|fake\s+(?:notes|bills|money)|banknotes?|bills|notes"
        r"|rolex|omega|cartier|gucci|louis\s+vuitton|bvlgari|chanel|1:1|grade\s+a)\b",
        r"\b(?:фальшив|реплик|купюр|копи[яи])\w*",
        r"\b(?:qalbaki|replika|kupyura|nusxa)\w*",
    ),
    "forgeries": (
        r"\b(?:passports?|id\s+cards?|driv\w*\s+licen[cs]es?|forged|forgery|diplomas?"
        r"|certificates?|utility\s+bills?|bank\s+statements?|templates?|psd|scans?|hologram"
        r"|mrz|visa\s+stamp)\b",
        r"\b(?:паспорт|удостоверени|права|диплом|справк|шаблон|скан|документ)\w*",
        r"\b(?:pasport|guvohnoma|diplom|shablon|hujjat)\w*",
    ),
    "fraud": (
        r"\b(?:cvv2?|cc|fullz|dumps?|carding|cashout|cash\s?out|paypal|bank\s+logs?|logins?"
        r"|accounts?|ssn|dob|bins?|track\s?[12]|western\s+union|drops?|refund|balance|verified"
        r"|hacked)\b",
        r"\b(?:кардинг|дамп|фулк|обнал|дроп|аккаунт|пробив|баз[аыу]|лог)\w*",
        r"\b(?:karta|akkaunt|naqd|baza|dump)\w*",
    ),
    "hacking": (
        r"\b(?:rat|botnet|malware|ransomware|stealer|crypter|fud|exploits?|0day|zero-?day|ddos"
        r"|rdp|ssh|shells?|cpanel|keylogger|hack\w*|phishing|backdoor|trojan|root)\b",
        r"\b(?:взлом|малвар|стилер|криптор|эксплойт|шифровальщик|ддос|дедик|шелл|хак)\w*",
        r"\b(?:buzish|zararli|eksployt|shifrlovchi|stiler)\w*",
    ),
    "guides": (
        r"\b(?:guides?|tutorials?|manuals?|methods?|e-?books?|pdf|handbook|bible|course"
        r"|how\s+to|step\s+by\s+step|learn)\b",
        r"\b(?:мануал|схем|руководств|инструкци|книг|курс|обучени)\w*",
        r"\b(?:qo'llanma|kitob|kurs|usul)\w*",
    ),
    "services": (
        r"\b(?:services?|hosting|vps|escrow\s+service|mixing|mixer|tumbler|exchange|otc|design"
        r"|logo|custom\s+(?:order|listing)|hitman|laundering|reviews?\s+boost\w*)\b",
        r"\b(?:услуг|хостинг|обмен|миксер|гарант|дизайн|индивидуальн)\w*",
        r"\b(?:xizmat|xosting|almashtir|dizayn)\w*",
    ),
    "extremism": (
        r"\b(?:movement|brothers|supporters?|donations?|pledge|membership|flag|patch(?:es)?"
        r"|emblem|leaflets?|newsletter|jihad\w*|mujah\w*|caliphate|propaganda)\b",
        r"\b(?:движени|братьев|братья|сторонник|пожертвовани|взнос|флаг|нашивк|листовк"
        r"|символик|джихад|моджахед)\w*",
        r"\b(?:harakat|birodar|tarafdor|xayriya|bayroq|nishon|varaqa)\w*",
    ),
    "other": (
        r"\b(?:tobacco|cigarettes?|marlboro|heets|jammer|gps|tracker|iphone|gift\s+cards?|steam"
        r"|amazon|scale|grinder|pipe|bags?|software|windows|office|adobe|license\s+key|movies"
        r"|music|sim\s+card|phone)\b",
        r"\b(?:табак|сигарет|глушилк|трекер|весы|гриндер|трубк|пакет|софт|ключ|фильм)\w*",
        r"\b(?:tamaki|tarozi|dastur|kalit|film)\w*",
    ),
}
CUE_NAMES: tuple[str, ...] = (
    *(f"lexicon:{c}" for c in LEXICON),
    *(f"flag:{f}" for f in FLAGS),
)
_PATTERNS = {c: compile_terms(p) for c, p in LEXICON.items()}


def lexicon_counts(text: str) -> dict[str, int]:
    """Distinct lexicon words of each category found in normalised text."""
    return {c: len({m.group(0) for m in p.finditer(text)}) for c, p in _PATTERNS.items()}


def keyword_category(text: str) -> str:
    """The keyword baseline: the category with the most distinct words, "other" without any
    (ties go to the earlier category in LEXICON order)."""
    counts = lexicon_counts(text)
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] > 0 else "other"


def cue_matrix(texts: list[str]) -> npt.NDArray[np.float32]:
    """One row per normalised text: log(1 + words) per category, then 1.0 per risk flag."""
    rows = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    n = len(LEXICON)
    for i, text in enumerate(texts):
        counts = lexicon_counts(text)
        rows[i, :n] = np.log1p(np.array(list(counts.values()), dtype=np.float32))
        for flag in risk_flags(text).flags:
            rows[i, n + FLAGS.index(flag)] = 1.0
    return rows
