"""Countries, cities and districts in three languages, for listings, shops and KYC records.

Cities and districts are real places (dead-drop shops name them); people and sites are not.
"""

from __future__ import annotations

from typing import NamedTuple

# English -> (Russian, Uzbek) names of countries and shipping areas.
COUNTRIES: dict[str, tuple[str, str]] = {
    "Uzbekistan": ("Узбекистан", "O'zbekiston"),
    "Kazakhstan": ("Казахстан", "Qozog'iston"),
    "Kyrgyzstan": ("Кыргызстан", "Qirg'iziston"),
    "Tajikistan": ("Таджикистан", "Tojikiston"),
    "Russia": ("Россия", "Rossiya"),
    "Germany": ("Германия", "Germaniya"),
    "Netherlands": ("Нидерланды", "Niderlandiya"),
    "Poland": ("Польша", "Polsha"),
    "Czechia": ("Чехия", "Chexiya"),
    "Lithuania": ("Литва", "Litva"),
    "Latvia": ("Латвия", "Latviya"),
    "UK": ("Великобритания", "Buyuk Britaniya"),
    "France": ("Франция", "Fransiya"),
    "Spain": ("Испания", "Ispaniya"),
    "Italy": ("Италия", "Italiya"),
    "Sweden": ("Швеция", "Shvetsiya"),
    "USA": ("США", "AQSh"),
    "Canada": ("Канада", "Kanada"),
    "Australia": ("Австралия", "Avstraliya"),
    "China": ("Китай", "Xitoy"),
    "India": ("Индия", "Hindiston"),
    "Worldwide": ("по всему миру", "butun dunyo bo'ylab"),
    "EU": ("ЕС", "Yevropa Ittifoqi"),
    "Europe": ("Европа", "Yevropa"),
    "CIS": ("СНГ", "MDH"),
}


class City(NamedTuple):
    country: str
    en: str
    ru: str
    uz: str
    region: str  # "central_asia", "europe" or "other"
    districts: tuple[tuple[str, str, str], ...]  # (en, ru, uz)


# Country / city in English / Russian / Uzbek / region, then its districts: English | Russian
# [| Uzbek, when it differs from the English]. "*town" stands for the districts every town has.
_TABLE = """
Uzbekistan / Tashkent / Ташкент / Toshkent / central_asia
    Chilanzar | Чиланзар | Chilonzor
    Yunusabad | Юнусабад | Yunusobod
    Mirzo Ulugbek | Мирзо-Улугбек | Mirzo Ulug'bek
    Sergeli | Сергели
    Yakkasaray | Яккасарай | Yakkasaroy
    Shaykhantahur | Шайхантаур | Shayxontohur
    Almazar | Алмазар | Olmazor
    Mirabad | Мирабад | Mirobod
    Uchtepa | Учтепа
    Yashnabad | Яшнабад | Yashnobod
    Bektemir | Бектемир
Uzbekistan / Samarkand / Самарканд / Samarqand / central_asia
    Centre | Центр | Markaz
    Old town | Старый город | Eski shahar
    Bagishamal | Багишамал | Bog'ishamol
    Railway station | Вокзал | Vokzal
    Siab bazaar | Сиабский базар | Siyob bozori
Uzbekistan / Bukhara / Бухара / Buxoro / central_asia
    *town
Uzbekistan / Namangan / Наманган / Namangan / central_asia
    *town
Uzbekistan / Andijan / Андижан / Andijon / central_asia
    *town
Uzbekistan / Fergana / Фергана / Farg'ona / central_asia
    *town
Kazakhstan / Almaty / Алматы / Olmaota / central_asia
    Almaly | Алмалинский | Almali
    Auezov | Ауэзовский
    Bostandyk | Бостандыкский | Bostandiq
    Zhetysu | Жетысуский | Jetisuv
    Medeu | Медеуский
    Alatau | Алатауский | Olatov
    Turksib | Турксибский
    Nauryzbay | Наурызбайский | Navro'zboy
Kazakhstan / Astana / Астана / Ostona / central_asia
    Yesil | Есильский | Esil
    Almaty district | Алматинский | Olmaota tumani
    Saryarka | Сарыаркинский | Saryarqa
    Baikonur | Байконурский | Boyqo'ng'ir
Kazakhstan / Shymkent / Шымкент / Chimkent / central_asia
    Abay | Абайский
    Al-Farabi | Аль-Фарабийский | Al-Forobiy
    Enbekshi | Енбекшинский
    Karatau | Каратауский | Qoratog'
Kyrgyzstan / Bishkek / Бишкек / Bishkek / central_asia
    Leninsky | Ленинский | Lenin tumani
    Oktyabrsky | Октябрьский | Oktyabr tumani
    Pervomaysky | Первомайский | Pervomay tumani
    Sverdlovsky | Свердловский | Sverdlov tumani
    Dordoi bazaar | Дордой | Dordoy bozori
Kyrgyzstan / Osh / Ош / O'sh / central_asia
    *town
Tajikistan / Dushanbe / Душанбе / Dushanbe / central_asia
    Ismoili Somoni | Исмоили Сомони | Ismoil Somoniy
    Sino | Сино
    Firdavsi | Фирдавси | Firdavsiy
    Shohmansur | Шохмансур
Tajikistan / Khujand / Худжанд / Xo'jand / central_asia
    *town
Russia / Moscow / Москва / Moskva / europe
    Arbat | Арбат
    Tverskoy | Тверской
    Presnensky | Пресненский
    Khamovniki | Хамовники
    Basmanny | Басманный
    Maryino | Марьино
    Lyublino | Люблино
    Butovo | Бутово
    Sokolniki | Сокольники
    Izmaylovo | Измайлово
Russia / Saint Petersburg / Санкт-Петербург / Sankt-Peterburg / europe
    Admiralteysky | Адмиралтейский
    Vasileostrovsky | Василеостровский
    Vyborgsky | Выборгский
    Kalininsky | Калининский
    Kirovsky | Кировский
    Nevsky | Невский
    Primorsky | Приморский
    Frunzensky | Фрунзенский
Russia / Novosibirsk / Новосибирск / Novosibirsk / other
    Tsentralny | Центральный
    Leninsky | Ленинский
    Oktyabrsky | Октябрьский
    Kirovsky | Кировский
Russia / Yekaterinburg / Екатеринбург / Yekaterinburg / other
    Verkh-Isetsky | Верх-Исетский
    Leninsky | Ленинский
    Ordzhonikidzevsky | Орджоникидзевский
    Chkalovsky | Чкаловский
Germany / Berlin / Берлин / Berlin / europe
    Mitte | Митте
    Kreuzberg | Кройцберг
    Neukölln | Нойкёльн
    Friedrichshain | Фридрихсхайн
    Wedding | Веддинг
    Charlottenburg | Шарлоттенбург
Germany / Hamburg / Гамбург / Gamburg / europe
    St. Pauli | Санкт-Паули
    Altona | Альтона
    Eimsbüttel | Эймсбюттель
    Wilhelmsburg | Вильгельмсбург
Netherlands / Amsterdam / Амстердам / Amsterdam / europe
    Centrum | Центр
    Noord | Норд
    Oost | Ост
    West | Вест
    Zuidoost | Зёйдост
    Nieuw-West | Ньив-Вест
Netherlands / Rotterdam / Роттердам / Rotterdam / europe
    Centrum | Центр
    Feijenoord | Фейенорд
    Delfshaven | Делфсхавен
    Charlois | Шарлуа
Poland / Warsaw / Варшава / Varshava / europe
    Śródmieście | Средместье
    Praga-Północ | Прага-Пулноц
    Mokotów | Мокотув
    Wola | Воля
    Ochota | Охота
Czechia / Prague / Прага / Praga / europe
    Žižkov | Жижков
    Smíchov | Смихов
    Vinohrady | Винограды
    Holešovice | Голешовице
Lithuania / Vilnius / Вильнюс / Vilnyus / europe
    Senamiestis | Старый город
    Naujamiestis | Науяместис
    Antakalnis | Антакальнис
    Žirmūnai | Жирмунай
Latvia / Riga / Рига / Riga / europe
    Old Riga | Старая Рига
    Maskavas forštate | Московский форштадт
    Purvciems | Пурвциемс
    Imanta | Иманта
UK / London / Лондон / London / europe
    Camden | Камден
    Hackney | Хакни
    Brixton | Брикстон
    Croydon | Кройдон
    Tottenham | Тоттенхэм
    Shoreditch | Шордич
UK / Manchester / Манчестер / Manchester / europe
    Moss Side | Мосс-Сайд
    Salford | Солфорд
    Didsbury | Дидсбери
    Ancoats | Анкоатс
France / Paris / Париж / Parij / europe
    Montmartre | Монмартр
    Belleville | Бельвиль
    Le Marais | Маре
    La Chapelle | Ла-Шапель
    Barbès | Барбес
France / Marseille / Марсель / Marsel / europe
    Noailles | Ноай
    Belsunce | Бельзенс
    Le Panier | Ле-Панье
    La Joliette | Ла-Жольет
Spain / Madrid / Мадрид / Madrid / europe
    Lavapiés | Лавапьес
    Malasaña | Маласанья
    Chueca | Чуэка
    Vallecas | Вальекас
    Tetuán | Тетуан
Spain / Barcelona / Барселона / Barselona / europe
    El Raval | Эль-Раваль
    Gràcia | Грасия
    Eixample | Эшампле
    Barceloneta | Барселонета
    Poblenou | Побленоу
Italy / Milan / Милан / Milan / europe
    Navigli | Навильи
    Brera | Брера
    Porta Venezia | Порта-Венеция
    Isola | Изола
Sweden / Stockholm / Стокгольм / Stokgolm / europe
    Södermalm | Сёдермальм
    Norrmalm | Норрмальм
    Rinkeby | Ринкебю
    Kungsholmen | Кунгсхольмен
USA / New York / Нью-Йорк / Nyu-York / other
    Manhattan | Манхэттен
    Brooklyn | Бруклин
    Queens | Куинс
    Bronx | Бронкс
    Staten Island | Статен-Айленд
USA / Los Angeles / Лос-Анджелес / Los-Anjeles / other
    Hollywood | Голливуд
    Downtown | Даунтаун
    Venice | Венис
    Compton | Комптон
Canada / Toronto / Торонто / Toronto / other
    Downtown | Даунтаун
    Scarborough | Скарборо
    Etobicoke | Этобико
    North York | Норт-Йорк
Australia / Sydney / Сидней / Sidney / other
    Surry Hills | Сурри-Хиллс
    Bondi | Бонди
    Parramatta | Параматта
    Newtown | Ньютаун
China / Shanghai / Шанхай / Shanxay / other
    Pudong | Пудун
    Huangpu | Хуанпу
    Jing'an | Цзинъань
    Xuhui | Сюйхуэй
India / Mumbai / Мумбаи / Mumbay / other
    Andheri | Андхери
    Bandra | Бандра
    Colaba | Колаба
    Dharavi | Дхарави
"""
_TOWN = (
    ("Centre", "Центр", "Markaz"),
    ("Railway station", "Вокзал", "Vokzal"),
    ("Central bazaar", "Центральный рынок", "Markaziy bozor"),
    ("Old town", "Старый город", "Eski shahar"),
    ("New town", "Новый город", "Yangi shahar"),
)


def _parse(table: str) -> tuple[City, ...]:
    cities: list[City] = []
    districts: list[tuple[str, str, str]] = []
    head: list[str] = []
    for line in [*table.strip().splitlines(), "END / / / /"]:
        if line.startswith(" "):
            item = line.strip()
            if item == "*town":
                districts.extend(_TOWN)
                continue
            names = [n.strip() for n in item.split("|")]
            districts.append((names[0], names[1], names[-1] if len(names) > 2 else names[0]))
            continue
        if head:
            cities.append(City(head[0], head[1], head[2], head[3], head[4], tuple(districts)))
        head, districts = [n.strip() for n in line.split("/")], []
    return tuple(cities)


CITIES: tuple[City, ...] = _parse(_TABLE)

# Any spelling of a city -> (the city, index of the language: 0 en, 1 ru, 2 uz).
CITY_INDEX: dict[str, tuple[City, int]] = {}
for _city in CITIES:
    for _i, _name in enumerate((_city.en, _city.ru, _city.uz)):
        CITY_INDEX.setdefault(_name.casefold(), (_city, _i))


def country_name(country: str, language: str) -> str:
    """A country or shipping area in the language of the text; unknown names pass through."""
    if language == "en":
        return country
    names = COUNTRIES.get(country)
    if names is None:
        return country
    return names[0] if language == "ru" else names[1]


def city_name(city: str, language: str) -> str:
    """A city in the language of the text (any known spelling in); unknown names pass through."""
    found = CITY_INDEX.get(city.casefold())
    if found is None:
        return city
    c = found[0]
    return {"en": c.en, "ru": c.ru}.get(language, c.uz)


def district_name(city: str, district: str, language: str) -> str:
    """A district in the language of the text, when the city and district are known."""
    found = CITY_INDEX.get(city.casefold())
    if found is not None:
        key = district.casefold()
        for names in found[0].districts:
            if key in (n.casefold() for n in names):
                return names[{"en": 0, "ru": 1}.get(language, 2)]
    return district
