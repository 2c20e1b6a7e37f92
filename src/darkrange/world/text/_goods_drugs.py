"""Drugs as catalogue entries: names, forms, units and street prices (USD), never more.

Each good: English | Russian | Uzbek | unit, USD per unit, quantity ladder, bulk exponent.
"""

from __future__ import annotations

from darkrange.world.text._goods_base import Subcategory, parse_shelves

DRUGS: dict[str, Subcategory] = parse_shelves("""
@cannabis | Cannabis | Шишки | Nasha
    Amnesia Haze buds | Шишки Amnesia Haze | Amnesia Haze g'unchalari | g 10 bulk 0.8
    OG Kush indoor | Шишки OG Kush (индор) | OG Kush (indoor) | g 11 bulk 0.8
    White Widow | Шишки White Widow | White Widow g'unchalari | g 9 bulk 0.8
    Blue Dream | Шишки Blue Dream | Blue Dream g'unchalari | g 10 bulk 0.8
    Gelato 41 top shelf | Шишки Gelato 41 | Gelato 41 g'unchalari | g 13 bulk 0.8
    outdoor bud (commercial) | Бошки аутдор | Arzon nasha (outdoor) | g 5 bulk 0.8
    THC gummies 10mg | Мармелад с ТГК 10 мг | THC marmeladi 10 mg | pcs 3 pills 0.85
@hash | Hash | Гашиш | Gashish
    Moroccan hash | Гашиш марокканский | Marokash gashishi | g 9 bulk 0.8
    Afghan black hash | Гашиш афганский | Afg'on gashishi | g 10 bulk 0.8
    Ice-o-lator hash | Гашиш Ice-o-lator | Ice-o-lator gashishi | g 14 bulk 0.8
    BHO wax | Воск BHO | BHO mumi | g 25 small 0.85
    Lebanese blonde hash | Гашиш ливанский | Livan gashishi | g 9 bulk 0.8
@stimulants | Stimulants | Стимуляторы | Stimulyatorlar
    Peruvian flake cocaine | Кокаин перуанский | Kokain (Peru) | g 90 small 0.88
    Colombian cocaine 90% | Кокаин колумбийский 90% | Kokain (Kolumbiya) 90% | g 100 small 0.88
    amphetamine paste | Амфетамин (паста) | Amfetamin (pasta) | g 12 bulk 0.8
    speed powder | Фен (амфетамин) | Amfetamin kukuni | g 10 bulk 0.8
    crystal meth | Метамфетамин кристаллы | Metamfetamin kristallari | g 60 small 0.85
@cathinones | Cathinones | Мефедрон и соли | Katinonlar
    mephedrone crystal | Мефедрон крис | Mefedron kristall | g 30 small 0.85
    mephedrone powder | Мефедрон мука | Mefedron kukun | g 25 small 0.85
    alpha-PVP crystal | Соль альфа-PVP крис | Alfa-PVP kristall | g 35 small 0.85
    alpha-PHP | Соль альфа-PHP | Alfa-PHP | g 32 small 0.85
@ecstasy | Ecstasy | Экстази и МДМА | Ekstazi
    MDMA crystal 84% | МДМА кристаллы 84% | MDMA kristallari 84% | g 40 small 0.85
    Blue Punisher pills 250mg | Экстази Blue Punisher 250 мг | Ekstazi Blue Punisher 250 mg |
        tabs 8 pills 0.85
    Tesla pills 220mg | Экстази Tesla 220 мг | Ekstazi Tesla 220 mg | tabs 7 pills 0.85
    Red Bull XTC pills | Экстази Red Bull | Ekstazi Red Bull | tabs 6.5 pills 0.85
    Pink Playstation pills | Экстази Playstation розовые | Ekstazi Playstation (pushti) |
        tabs 7.5 pills 0.85
@psychedelics | Psychedelics | Психоделики | Psixodeliklar
    LSD blotters 150ug | ЛСД марки 150 мкг | LSD markalari 150 mkg | tabs 8 pills 0.85
    LSD blotters Hofmann 200ug | ЛСД марки Hofmann 200 мкг | LSD Hofmann 200 mkg |
        tabs 10 pills 0.85
    Golden Teacher mushrooms | Грибы Golden Teacher | Golden Teacher qo'ziqorinlari |
        g 8 bulk 0.8
    DMT crystal | ДМТ кристаллы | DMT kristallari | g 80 small 0.88
    2C-B pills 20mg | 2C-B таблетки 20 мг | 2C-B tabletkalari 20 mg | tabs 12 pills 0.85
@opioids | Opioids | Опиаты | Opioidlar
    heroin no.4 | Героин | Geroin | g 80 small 0.88
    Afghan brown heroin | Героин афганский | Afg'on geroini | g 60 small 0.88
    oxycodone 30mg (M30) | Оксикодон 30 мг | Oksikodon 30 mg | tabs 25 script 0.92
    methadone powder | Метадон | Metadon | g 70 small 0.88
@benzos | Benzos | Бензодиазепины | Benzodiazepinlar
    Xanax bars 2mg | Алпразолам (Ксанакс) 2 мг | Alprazolam (Ksanaks) 2 mg | tabs 2.5 script 0.9
    diazepam 10mg | Диазепам 10 мг | Diazepam 10 mg | tabs 1 script 0.9
    clonazepam 2mg | Клоназепам 2 мг | Klonazepam 2 mg | tabs 1.2 script 0.9
    etizolam 1mg | Этизолам 1 мг | Etizolam 1 mg | tabs 0.8 script 0.9
@prescription | Prescription | Аптека | Dorixona
    modafinil 200mg | Модафинил 200 мг | Modafinil 200 mg | tabs 1.2 script 0.9
    tramadol 225mg | Трамадол 225 мг | Tramadol 225 mg | tabs 1.5 script 0.9
    pregabalin 300mg (Lyrica) | Прегабалин (Лирика) 300 мг | Pregabalin (Lirika) 300 mg |
        tabs 1.2 script 0.9
    sildenafil 100mg | Силденафил 100 мг | Sildenafil 100 mg | tabs 1 script 0.9
@dissociatives | Dissociatives | Диссоциативы | Dissotsiativlar
    ketamine needles | Кетамин иглы | Ketamin (igna kristall) | g 35 small 0.85
    ketamine powder | Кетамин порошок | Ketamin kukuni | g 30 small 0.85
    3-MeO-PCP | 3-MeO-PCP | 3-MeO-PCP | g 30 small 0.85
@rcs | Research chemicals | Спайс и РЦ | Spays va RC
    spice mix (strong) | Спайс микс (крепкий) | Spays miks (kuchli) | g 15 bulk 0.8
    5F-ADB powder | 5F-ADB порошок | 5F-ADB kukuni | g 8 bulk 0.75
    3-MMC crystal | 3-MMC кристаллы | 3-MMC kristallari | g 15 bulk 0.8
    4-FA | 4-FA | 4-FA | g 14 bulk 0.8
@steroids | Steroids | Стероиды | Steroidlar
    testosterone enanthate 250mg/ml, 10ml | Тестостерон энантат 250 мг/мл, 10 мл |
        Testosteron enantat 250 mg/ml, 10 ml | pcs 35 1,2,5,10 0.95
    Anavar 10mg x100 | Анавар 10 мг, 100 таб. | Anavar 10 mg, 100 tab. | pcs 45 1,2,3,5 0.95
    trenbolone acetate 100mg/ml, 10ml | Тренболон ацетат 100 мг/мл, 10 мл |
        Trenbolon atsetat 100 mg/ml, 10 ml | pcs 40 1,2,5,10 0.95
""")
