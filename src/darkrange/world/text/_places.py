"""Places (real cities and districts) and people's names (fictional combinations of common
names) for exchanges' KYC records, shops and shipping."""

from __future__ import annotations

import random

from darkrange.errors import InputError
from darkrange.world.text._calibration import SHIPS_FROM_SHARES
from darkrange.world.text._geo import CITIES, CITY_INDEX
from darkrange.world.text._types import Region

_REGIONS = ("central_asia", "europe", "any")


def _weight(country: str) -> float:
    # Agora's origin shares where it has them; Central Asia and smaller countries get a base.
    return SHIPS_FROM_SHARES.get(country, 0.02) + 0.02


_CHOICES: dict[str, tuple[list[tuple[str, str]], list[float]]] = {}
for _region in _REGIONS:
    _cities = [c for c in CITIES if _region == "any" or c.region == _region]
    _CHOICES[_region] = (
        [(c.country, c.en) for c in _cities],
        [_weight(c.country) if _region == "any" else 1.0 for c in _cities],
    )


def place(rng: random.Random, region: Region) -> tuple[str, str]:
    """(country, city) in English: Central Asia, Europe (Moscow and St Petersburg included) or
    anywhere (weighted by Agora's shipping origins)."""
    if region not in _CHOICES:
        raise InputError(f"unknown region {region!r}; expected central_asia, europe or any")
    places, weights = _CHOICES[region]
    return rng.choices(places, weights=weights)[0]


def districts(city: str) -> list[str]:
    """The districts of a known city, in the language its name is given in ('Tashkent' ->
    English, 'Ташкент' -> Russian, 'Toshkent' -> Uzbek)."""
    found = CITY_INDEX.get(city.casefold())
    if found is None:
        raise InputError(f"unknown city {city!r}: no districts known for it")
    known, index = found
    return [names[index] for names in known.districts]


_MALE = "male"
# Per naming culture: first names (male, female) and surnames (male form; the female form is
# derived where the language has one).
_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "uz": (
        ("Aziz", "Bekzod", "Dilshod", "Jasur", "Sardor", "Timur", "Rustam", "Akmal", "Farrukh",
         "Otabek", "Sherzod", "Ulugbek", "Jahongir", "Bobur"),
        ("Dilnoza", "Gulnora", "Madina", "Nigora", "Shahnoza", "Zarina", "Kamola", "Malika",
         "Nodira", "Sevara"),
        ("Karimov", "Yusupov", "Rakhimov", "Tursunov", "Abdullaev", "Nazarov", "Saidov",
         "Khodjaev", "Mirzaev", "Ergashev", "Usmonov", "Aliev"),
    ),
    "kz": (
        ("Arman", "Nurlan", "Yerlan", "Daniyar", "Askar", "Serik", "Bauyrzhan", "Marat"),
        ("Aigerim", "Dana", "Aruzhan", "Gulnara", "Saule", "Zhanna"),
        ("Nurpeisov", "Abenov", "Suleimenov", "Zhumabaev", "Kassymov", "Omarov", "Iskakov"),
    ),
    "kg": (
        ("Azamat", "Bakyt", "Emil", "Kanat", "Nurbek", "Talant"),
        ("Aizada", "Begimai", "Cholpon", "Nazira", "Aijan"),
        ("Asanov", "Osmonov", "Toktogulov", "Sadyrov", "Mamytov", "Bakirov"),
    ),
    "tj": (
        ("Firuz", "Jamshed", "Rustam", "Suhrob", "Faridun", "Behruz"),
        ("Farangis", "Manija", "Nigina", "Parvina", "Tahmina"),
        ("Rahimov", "Safarov", "Nazarov", "Sharipov", "Qodirov", "Davlatov"),
    ),
    "ru": (
        ("Aleksandr", "Dmitry", "Sergey", "Andrey", "Maksim", "Ivan", "Nikolai", "Pavel",
         "Artem", "Roman"),
        ("Elena", "Olga", "Natalia", "Anna", "Irina", "Yulia", "Maria", "Ekaterina"),
        ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
         "Morozov", "Volkov"),
    ),
    "de": (
        ("Lukas", "Jonas", "Felix", "Maximilian", "Tobias", "Jan", "Stefan"),
        ("Anna", "Lena", "Julia", "Laura", "Sarah", "Katharina"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"),
    ),
    "nl": (
        ("Daan", "Sem", "Lucas", "Bram", "Thijs", "Ruben"),
        ("Emma", "Sanne", "Lotte", "Fleur", "Anouk"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"),
    ),
    "pl": (
        ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin"),
        ("Anna", "Katarzyna", "Magdalena", "Agnieszka", "Monika"),
        ("Nowak", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Kowalczyk"),
    ),
    "fr": (
        ("Lucas", "Hugo", "Louis", "Nathan", "Julien", "Thomas"),
        ("Camille", "Léa", "Manon", "Chloé", "Julie"),
        ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent"),
    ),
    "en": (
        ("James", "Oliver", "Jack", "Daniel", "Ryan", "Michael", "Thomas", "Kevin"),
        ("Emily", "Sophie", "Jessica", "Hannah", "Laura", "Megan"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright"),
    ),
    "es": (
        ("Javier", "Carlos", "Alejandro", "Pablo", "Sergio", "Daniel"),
        ("Lucía", "María", "Paula", "Laura", "Marta"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez"),
    ),
}  # fmt: skip
_CULTURE = {
    "Uzbekistan": "uz", "Kazakhstan": "kz", "Kyrgyzstan": "kg", "Tajikistan": "tj",
    "Russia": "ru", "Germany": "de", "Netherlands": "nl", "Poland": "pl", "France": "fr",
    "Spain": "es", "UK": "en", "USA": "en", "Canada": "en", "Australia": "en", "Latvia": "ru",
    "Lithuania": "ru",
}  # fmt: skip
# Surnames with a female form (Karimov -> Karimova, Kamiński -> Kamińska).
_FEMININE = {"uz", "kz", "kg", "tj", "ru", "pl"}


def _female_surname(surname: str) -> str:
    if surname.endswith("ski"):
        return surname[:-1] + "a"
    if surname.endswith(("ov", "ev", "in")):
        return surname + "a"
    return surname


def person_name(rng: random.Random, country: str) -> str:
    """A fictional person's full name (first, last) as a KYC record of that country writes it
    in Latin script; countries without their own list get English names."""
    culture = _CULTURE.get(country, "en")
    males, females, surnames = _NAMES[culture]
    female = rng.random() < 0.45
    first = rng.choice(females if female else males)
    last = rng.choice(surnames)
    if female and culture in _FEMININE:
        last = _female_surname(last)
    return f"{first} {last}"
