"""Everything but drugs as catalogue entries: names, units and prices (USD), never more.

Weapons are firearms, parts and ammunition as listed for sale; explosives are pyrotechnics,
commercial products and the precursors EU Regulation 2019/1148 restricts, named with a
quantity and a price only. Extremism entries belong to fictional groups and are donation
tiers, memberships, merchandise and publications.

Each good: English | Russian | Uzbek | unit, USD per unit, quantity ladder, bulk exponent.
"""

from __future__ import annotations

from darkrange.world.text._goods_base import Subcategory, parse_shelves

WEAPONS: dict[str, Subcategory] = parse_shelves("""
@pistols | Pistols | Пистолеты | To'pponchalar
    Glock 17 Gen5 9mm | Glock 17 Gen5 (9 мм) | Glock 17 Gen5 (9 mm) | pcs 1800 one 1
    Glock 19 Gen4 9mm | Glock 19 Gen4 (9 мм) | Glock 19 Gen4 (9 mm) | pcs 1700 one 1
    CZ 75 SP-01 | CZ 75 SP-01 | CZ 75 SP-01 | pcs 1500 one 1
    Makarov PM 9x18 | Пистолет Макарова (ПМ) | Makarov to'pponchasi (PM) | pcs 900 one 1
    Beretta 92FS | Beretta 92FS | Beretta 92FS | pcs 1400 one 1
    TT-33 Tokarev | ТТ (Токарев) | TT (Tokarev) | pcs 700 one 1
@rifles | Rifles & shotguns | Винтовки и ружья | Miltiqlar
    AKM 7.62x39 | АКМ 7,62x39 | AKM 7,62x39 | pcs 2500 one 1
    AR-15 rifle 5.56 | Карабин AR-15 (5,56) | AR-15 karabini (5,56) | pcs 2200 one 1
    Saiga-12 shotgun | Сайга-12 | Saiga-12 | pcs 1500 one 1
    Remington 870 shotgun | Remington 870 | Remington 870 | pcs 900 one 1
@parts | Parts | Запчасти | Ehtiyot qismlar
    AR-15 80% lower receiver | Нижний ресивер AR-15 (80%) | AR-15 pastki resiveri (80%) |
        pcs 120 few 0.95
    Glock 19 80% frame | Рамка Glock 19 (80%) | Glock 19 ramkasi (80%) | pcs 150 few 0.95
    Glock 17 complete slide | Затвор-кожух Glock 17 | Glock 17 zatvori | pcs 250 few 0.95
    Glock 17 threaded barrel 9mm | Ствол 9 мм для Glock 17 | Glock 17 uchun 9 mm stvol |
        pcs 180 few 0.95
    AK magazine 30 rds | Магазин АК на 30 патронов | AK magazini (30 o'q) | pcs 35 many 0.9
@ammunition | Ammunition | Патроны | O'q-dorilar
    9x19 Parabellum FMJ | Патроны 9x19 Parabellum | 9x19 Parabellum o'qlari |
        rounds 0.8 rounds 0.95
    7.62x39 FMJ | Патроны 7,62x39 | 7,62x39 o'qlari | rounds 0.9 rounds 0.95
    5.45x39 | Патроны 5,45x39 | 5,45x39 o'qlari | rounds 0.7 rounds 0.95
    9x18 Makarov | Патроны 9x18 ПМ | 9x18 PM o'qlari | rounds 0.8 rounds 0.95
    12 gauge buckshot | Патроны 12 калибра (картечь) | 12 kalibrli o'qlar |
        rounds 1.5 rounds 0.95
@melee | Knives | Ножи и кастеты | Pichoqlar
    automatic switchblade | Выкидной нож | Avtomatik pichoq | pcs 60 few 0.95
    brass knuckles | Кастет | Kastet | pcs 25 few 0.95
    balisong knife | Нож-бабочка | Kapalak pichoq | pcs 40 few 0.95
@non_lethal | Non-lethal | Травматика и шокеры | Noletal qurollar
    stun gun 50kV | Электрошокер 50 кВ | Elektroshoker 50 kV | pcs 50 few 0.95
    police pepper spray | Перцовый баллончик | Qalampir ballonchasi | pcs 15 many 0.9
    Grand Power T12 rubber-bullet pistol | Травматический пистолет Grand Power T12 |
        Grand Power T12 travmatik to'pponchasi | pcs 400 one 1
""")

EXPLOSIVES: dict[str, Subcategory] = parse_shelves("""
@pyrotechnics | Pyrotechnics | Пиротехника | Pirotexnika
    F4 professional salutes, box of 20 | Салюты F4 профессиональные, 20 шт. |
        F4 professional salyutlar, 20 dona | pcs 60 few 0.9
    military thunderflash | Взрывпакет | Harbiy portlash paketi | pcs 8 many 0.9
    RDG-2 smoke grenade | Дымовая шашка РДГ-2 | RDG-2 tutun shashkasi | pcs 12 many 0.9
    display shells 100mm, box of 12 | Фейерверк: шары 100 мм, 12 шт. |
        Feyerverk: 100 mm sharlar, 12 dona | pcs 90 few 0.9
@precursors | Precursors | Прекурсоры | Prekursorlar
    hydrogen peroxide 50% | Перекись водорода 50% | Vodorod peroksid 50% | l 20 litres 0.85
    potassium chlorate | Хлорат калия | Kaliy xlorat | kg 35 kilos 0.85
    potassium perchlorate | Перхлорат калия | Kaliy perxlorat | kg 40 kilos 0.85
    sodium chlorate | Хлорат натрия | Natriy xlorat | kg 20 kilos 0.85
    nitromethane 99% | Нитрометан 99% | Nitrometan 99% | l 45 litres 0.85
    nitric acid 68% | Азотная кислота 68% | Azot kislotasi 68% | l 30 litres 0.85
    ammonium nitrate fertiliser 34.4% N | Аммиачная селитра 34,4% N |
        Ammiakli selitra 34,4% N | kg 3 25,50,100,500 0.9
    aluminium powder, fine | Алюминиевая пудра | Alyuminiy kukuni | kg 30 kilos 0.85
    hexamine tablets | Уротропин (сухое горючее) | Urotropin tabletkalari | kg 15 kilos 0.85
@commercial | Commercial explosives | Промышленные ВВ | Sanoat portlovchi moddalari
    TNT block 200g, military surplus | Тротиловая шашка 200 г | Trotil shashkasi 200 g |
        pcs 80 few 0.95
    Ammonite 6ZhV cartridges | Аммонит 6ЖВ в патронах | Ammonit 6JV patronlari | kg 60 kilos 0.9
    emulsion blasting cartridges | Эмульсионное ВВ в патронах | Emulsion portlovchi patronlar |
        kg 50 kilos 0.9
    PVV-5A plastic explosive | Пластит ПВВ-5А | PVV-5A plastiti | kg 400 0.2,0.4,1,2 0.95
""")

COUNTERFEITS: dict[str, Subcategory] = parse_shelves("""
@banknotes | Counterfeit money | Фальшивые купюры | Qalbaki pullar
    €50 notes, grade A | Купюры 50 € | 50 € kupyuralar | pcs 12 notes 0.95
    €20 notes, grade A | Купюры 20 € | 20 € kupyuralar | pcs 5 notes 0.95
    US $100 bills, grade A+ | Купюры $100 (США) | $100 kupyuralar (AQSh) | pcs 25 notes 0.95
    5000 ruble notes | Купюры 5000 руб. | 5000 rubllik kupyuralar | pcs 15 notes 0.95
@watches | Watches | Часы | Soatlar
    Rolex Submariner 1:1 replica | Реплика Rolex Submariner 1:1 |
        Rolex Submariner replikasi 1:1 | pcs 250 one 1
    Omega Seamaster replica | Реплика Omega Seamaster | Omega Seamaster replikasi |
        pcs 200 one 1
    AP Royal Oak replica | Реплика AP Royal Oak | AP Royal Oak replikasi | pcs 300 one 1
@electronics | Electronics | Электроника (копии) | Elektronika (nusxa)
    iPhone 15 Pro replica | Копия iPhone 15 Pro | iPhone 15 Pro nusxasi | pcs 180 few 0.95
    AirPods Pro copy | Копия AirPods Pro | AirPods Pro nusxasi | pcs 40 many 0.9
@fashion | Fashion | Одежда и аксессуары | Kiyim va aksessuarlar
    Louis Vuitton bag replica | Реплика сумки Louis Vuitton | Louis Vuitton sumkasi replikasi |
        pcs 120 few 0.95
    Air Jordan 1 replica | Реплика Air Jordan 1 | Air Jordan 1 replikasi | pcs 70 few 0.95
    Gucci belt replica | Реплика ремня Gucci | Gucci kamari replikasi | pcs 45 few 0.95
""")

FORGERIES: dict[str, Subcategory] = parse_shelves("""
@passports | Passports | Паспорта | Pasportlar
    Polish passport | Паспорт Польши | Polsha pasporti | pcs 1200 1 1
    Russian internal passport | Паспорт РФ (внутренний) | Rossiya ichki pasporti | pcs 400 1 1
    Uzbek biometric passport | Биометрический паспорт Узбекистана |
        O'zbekiston biometrik pasporti | pcs 600 1 1
    UK passport | Паспорт Великобритании | Buyuk Britaniya pasporti | pcs 1500 1 1
    UK passport scan template (PSD) | Скан-шаблон паспорта Великобритании (PSD) |
        Buyuk Britaniya pasporti skan shabloni (PSD) | pcs 20 1 1
@id_cards | ID cards | Удостоверения личности | ID kartalar
    German ID card | ID-карта Германии | Germaniya ID kartasi | pcs 500 1 1
    French ID card | ID-карта Франции | Fransiya ID kartasi | pcs 450 1 1
    EU ID card template (PSD) | Шаблон ID-карты ЕС (PSD) | YeI ID kartasi shabloni (PSD) |
        pcs 15 1 1
    Kazakhstan ID card | Удостоверение личности РК | Qozog'iston ID kartasi | pcs 300 1 1
@licences | Driving licences | Водительские права | Haydovchilik guvohnomalari
    UK driving licence | Водительские права Великобритании |
        Buyuk Britaniya haydovchilik guvohnomasi | pcs 300 1 1
    US driving licence scan | Скан водительских прав США | AQSh haydovchilik guvohnomasi skani |
        pcs 15 1 1
    Russian driving licence | Водительское удостоверение РФ |
        Rossiya haydovchilik guvohnomasi | pcs 250 1 1
    Spanish driving licence | Водительские права Испании | Ispaniya haydovchilik guvohnomasi |
        pcs 280 1 1
@documents | Documents | Справки и документы | Hujjatlar
    university diploma | Диплом о высшем образовании | Oliy ma'lumot diplomi | pcs 300 1 1
    utility bill template | Шаблон квитанции ЖКХ | Kommunal to'lov shabloni | pcs 15 1 1
    bank statement template | Шаблон банковской выписки | Bank ko'chirmasi shabloni |
        pcs 25 1 1
    medical certificate 086/u | Медицинская справка 086/у | Tibbiy ma'lumotnoma 086/u |
        pcs 40 1 1
""")

FRAUD: dict[str, Subcategory] = parse_shelves("""
@cards | Cards | Карты (СС) | Kartalar | digital
    US CVV fresh | СС США (свежие) | AQSh CVV (yangi) | pcs 8 1,2,5,10,25 0.9
    EU CVV with balance check | СС Европа с чекером | YeI CVV (balans tekshirilgan) |
        pcs 10 1,2,5,10,25 0.9
    track 1/2 dumps with PIN | Дампы с пином (101/201) | PIN bilan dumplar | pcs 40 1,2,5,10 0.9
    US fullz (SSN + DOB) | Фулки США (SSN + DOB) | AQSh fullz (SSN + DOB) | pcs 12 1,2,5,10,25 0.9
@accounts | Accounts | Аккаунты | Akkauntlar | digital
    verified PayPal account with balance | Аккаунт PayPal с балансом |
        Balansli PayPal akkaunti | pcs 35 1,2,5,10 0.9
    Netflix premium, 1 year | Netflix премиум на год | Netflix premium, 1 yil | pcs 5 1,2,5,10 0.9
    Chase bank log | Лог банка Chase | Chase bank logi | pcs 80 1,2,5 0.95
    KYC-verified exchange account | Верифицированный аккаунт биржи (KYC) |
        KYC tasdiqlangan birja akkaunti | pcs 60 1,2,5 0.95
@cashout | Cashout | Обнал и дропы | Naqdlashtirish | digital
    EU bank drop account | Дроп-карта банка ЕС | YeI drop bank kartasi | pcs 150 1,2,5 0.95
    Western Union transfer $1000 | Перевод Western Union $1000 |
        Western Union o'tkazmasi $1000 | pcs 100 1,2,5 0.95
    SIM card with registered owner | Сим-карта на дропа | Ro'yxatdan o'tgan SIM karta |
        pcs 15 1,2,5,10 0.9
@databases | Databases | Базы и пробив | Bazalar | digital
    telecom subscriber database, 2M rows | База абонентов оператора, 2 млн строк |
        Operator abonentlari bazasi, 2 mln qator | pcs 150 1 1
    phone number lookup | Пробив по номеру телефона | Telefon raqami bo'yicha qidiruv |
        pcs 10 1,2,5,10 0.9
    passport data lookup | Пробив паспортных данных | Pasport ma'lumotlari bo'yicha qidiruv |
        pcs 15 1,2,5,10 0.9
""")

HACKING: dict[str, Subcategory] = parse_shelves("""
@malware | Malware | Малварь | Zararli dasturlar | digital
    Android RAT lifetime licence | Android RAT (бессрочная лицензия) |
        Android RAT (muddatsiz litsenziya) | pcs 150 1 1
    info stealer subscription | Стилер (подписка) | Stiler (obuna) | month 120 1,3,6,12 0.9
    FUD crypter | Криптор FUD | FUD kriptor | pcs 80 1 1
    ransomware affiliate access | Шифровальщик (партнёрка) | Shifrlovchi (hamkorlik) |
        pcs 500 1 1
@access | Access | Доступы | Kirish huquqlari | digital
    US corporate RDP | Доступ RDP (корпоративный, США) | AQSh korporativ RDP | pcs 25 many 0.9
    cPanel shell | Шелл cPanel | cPanel shell | pcs 8 many 0.9
    company VPN access | Доступ в корпоративный VPN | Korporativ VPN kirishi | pcs 1500 1 1
    SSH root access | SSH root доступ | SSH root kirishi | pcs 10 many 0.9
@services | Hacking services | Услуги взлома | Buzish xizmatlari | digital
    DDoS attack | DDoS-атака | DDoS hujumi | hour 40 1,3,6,12,24 0.85
    social media account takeover | Взлом аккаунта соцсети |
        Ijtimoiy tarmoq akkauntini buzish | pcs 200 1 1
    email account takeover | Взлом почты | Pochtani buzish | pcs 250 1 1
@exploits | Exploits | Эксплойты | Eksploytlar | digital
    WordPress plugin 0day | 0day для плагина WordPress | WordPress plagini uchun 0day |
        pcs 3000 1 1
    Office exploit builder | Билдер эксплойтов Office | Office eksployt builderi | pcs 400 1 1
    router exploit pack | Пак эксплойтов для роутеров | Router eksploytlari to'plami |
        pcs 500 1 1
""")

GUIDES: dict[str, Subcategory] = parse_shelves("""
@fraud_guides | Fraud guides | Мануалы | Qo'llanmalar | digital
    complete carding guide | Мануал по кардингу | Karding bo'yicha qo'llanma | pcs 8 1 1
    PayPal cashout method | Схема обнала PayPal | PayPal naqdlashtirish usuli | pcs 6 1 1
    Amazon refund method | Рефанд-схема Amazon | Amazon refund usuli | pcs 8 1 1
    SIM swap method | Схема SIM-swap | SIM swap usuli | pcs 12 1 1
@opsec | OPSEC | Безопасность | Xavfsizlik | digital
    OPSEC bible for vendors | Библия OPSEC для продавцов | Sotuvchilar uchun OPSEC kitobi |
        pcs 8 1 1
    Tails and PGP starter pack | Tails и PGP для новичков |
        Yangi boshlovchilar uchun Tails va PGP | pcs 3 1 1
    Monero privacy handbook | Анонимность в крипте (XMR) | Monero maxfiylik kitobi | pcs 5 1 1
@ebooks | eBooks | Электронные книги | Elektron kitoblar | digital
    programming ebook bundle, 200 books | Сборник книг по программированию, 200 шт. |
        Dasturlash kitoblari to'plami, 200 ta | pcs 6 1 1
    business ebook collection | Сборник книг по бизнесу | Biznes kitoblari to'plami |
        pcs 3 1 1
    language course pack | Курсы иностранных языков | Chet tili kurslari to'plami | pcs 5 1 1
""")

SERVICES: dict[str, Subcategory] = parse_shelves("""
@money | Money services | Финансовые услуги | Moliyaviy xizmatlar | digital
    BTC to cash exchange | Обмен BTC на наличные | BTC ni naqdga almashtirish | pcs 50 1 1
    bitcoin mixing | Миксер биткоинов | Bitkoin aralashtirish | pcs 25 1 1
    crypto OTC desk | Обмен крипты OTC | Kripto OTC almashuv | pcs 100 1 1
@hosting | Hosting | Хостинг | Xosting | digital
    bulletproof VPS | Абузоустойчивый VPS | Abuzaga chidamli VPS | month 60 1,3,6,12 0.9
    onion site hosting | Хостинг onion-сайтов | Onion sayt xostingi | month 20 1,3,6,12 0.9
    anonymous domain registration | Анонимная регистрация домена | Anonim domen ro'yxati |
        pcs 30 few 0.95
@design | Design | Дизайн | Dizayn | digital
    shop logo and banners | Логотип и баннеры для шопа | Do'kon logotipi va bannerlari |
        pcs 80 1 1
    product photos for listings | Фото витрины для шопа | E'lonlar uchun mahsulot suratlari |
        pcs 60 1 1
@other_services | Other services | Прочие услуги | Boshqa xizmatlar | digital
    custom order | Индивидуальный заказ | Maxsus buyurtma | pcs 100 1 1
    private escrow service | Гарант-сервис | Kafil xizmati | pcs 30 1 1
    review boosting, 10 reviews | Отзывы, 10 шт. | Sharhlar, 10 ta | pcs 15 few 0.95
""")

EXTREMISM: dict[str, Subcategory] = parse_shelves("""
@donations | Donations | Пожертвования | Xayriyalar | digital
    supporter donation, tier I | Пожертвование сторонника, уровень I |
        Tarafdor xayriyasi, I daraja | pcs 25 1 1
    supporter donation, tier II | Пожертвование сторонника, уровень II |
        Tarafdor xayriyasi, II daraja | pcs 100 1 1
    monthly pledge | Ежемесячный взнос | Oylik badal | month 50 1,3,6,12 1
@membership | Membership | Членство | A'zolik | digital
    closed chat membership | Доступ в закрытый чат | Yopiq chatga a'zolik | month 30 1,3,12 0.95
    verified member badge | Значок проверенного участника | Tasdiqlangan a'zo nishoni |
        pcs 20 1 1
@merchandise | Merchandise | Атрибутика | Atributika
    movement flag | Флаг движения | Harakat bayrog'i | pcs 40 few 0.95
    patch set | Набор нашивок | Nishonlar to'plami | pcs 20 few 0.95
    emblem T-shirt | Футболка с символикой | Ramzli futbolka | pcs 25 few 0.95
@publications | Publications | Издания | Nashrlar
    newsletter archive | Архив бюллетеней движения | Harakat byulletenlari arxivi | pcs 10 1 1
    printed leaflets, 100 pcs | Листовки, 100 шт. | Varaqalar, 100 dona | pcs 30 few 0.95
""")

OTHER: dict[str, Subcategory] = parse_shelves("""
@tobacco | Tobacco | Табак | Tamaki
    Marlboro tax-free carton | Marlboro блок без акциза | Marlboro blok (aksizsiz) |
        pcs 25 1,2,5,10 0.92
    HEETS sticks carton | Стики HEETS блок | HEETS stiklari blok | pcs 30 1,2,5,10 0.92
@electronics | Electronics | Электроника | Elektronika
    GSM jammer 8-band | Глушилка GSM на 8 диапазонов | GSM bostirgich, 8 diapazon | pcs 90 1,2 1
    iPhone 14, iCloud-free | iPhone 14 без iCloud | iPhone 14 (iCloud'siz) | pcs 300 1 1
    GPS tracker mini | Мини GPS-трекер | Mini GPS-treker | pcs 25 1,2,5 0.95
    USB power bank 20000mAh | Пауэрбанк 20000 мАч | Powerbank 20000 mAh | pcs 12 1,2,5 0.95
@gift_cards | Gift cards | Подарочные карты | Sovg'a kartalari | digital
    Amazon gift card $100 | Подарочная карта Amazon $100 | Amazon sovg'a kartasi $100 |
        pcs 45 1,2,5 0.95
    Steam wallet $50 | Steam кошелёк $50 | Steam hamyon $50 | pcs 22 1,2,5 0.95
@paraphernalia | Paraphernalia | Аксессуары | Aksessuarlar
    digital pocket scale 0.01g | Электронные весы 0,01 г | Elektron tarozi 0,01 g |
        pcs 15 1,2,5 0.95
    zip bags 5x7cm | Зип-пакеты 5x7 см | Zip-paketlar 5x7 sm | pcs 0.05 100,500,1000 0.9
    glass pipe | Стеклянная трубка | Shisha trubka | pcs 15 1,2,5 0.95
    4-part grinder | Гриндер из 4 частей | 4 qismli grinder | pcs 20 1,2,5 0.95
@software | Software | Софт | Dasturlar | digital
    Windows 11 Pro key | Ключ Windows 11 Pro | Windows 11 Pro kaliti | pcs 6 1,2,5,10 0.9
    MS Office 2021 key | Ключ MS Office 2021 | MS Office 2021 kaliti | pcs 6 1,2,5 0.9
    Adobe CC, 1 year | Adobe CC на год | Adobe CC, 1 yil | pcs 20 1 1
    movie collection, 500 films | Коллекция фильмов, 500 шт. | Filmlar to'plami, 500 ta |
        pcs 10 1 1
    antidetect browser | Антидетект-браузер | Antidetekt brauzer | month 50 1,3 0.95
""")
