"""Risk flags: the right flag, with the matched term in the explanation, in English and
Russian; the traps (ecstasy "Grenades", weak concentrations, a courier named TNT) stay quiet."""

from __future__ import annotations

import pytest

from darkrange.analyze.classify import FLAGS, risk_flags


@pytest.mark.parametrize(
    ("text", "flag", "term"),
    [
        ("Hydrogen peroxide 50%, 20 l", "explosive_precursor", "hydrogen peroxide"),
        ("Перекись водорода 35%, канистра", "explosive_precursor", "перекись водорода"),
        ("100kg ammonium nitrate fertiliser 34.4% N", "explosive_precursor", "ammonium nitrate"),
        ("Аммиачная селитра 34,4% N, мешок 50 кг", "explosive_precursor", "аммиачная селитра"),
        ("Хлорат калия 1 кг", "explosive_precursor", "хлорат калия"),
        ("potassium perchlorate 99%", "explosive_precursor", "potassium perchlorate"),
        ("Нитрометан 99%", "explosive_precursor", "нитрометан"),
        ("nitric acid 68%", "explosive_precursor", "nitric acid"),
        ("Уротропин (сухое горючее)", "explosive_precursor", "уротропин"),
        ("acetone 5 l technical grade", "explosive_precursor", "acetone"),
        ("aluminium powder, fine", "explosive_precursor", "aluminium powder"),
        ("Glock 19 80% frame", "firearm_or_part", "glock"),
        ("AR-15 80% lower receiver", "firearm_or_part", "80% lower"),
        ("Glock 17 threaded barrel 9mm", "firearm_or_part", "threaded barrel"),
        ("Пистолет Макарова (ПМ)", "firearm_or_part", "пистолет"),
        ("Глушитель для АК", "firearm_or_part", "глушитель"),
        ("Патроны 7,62x39, 100 шт.", "firearm_or_part", "патроны"),
        ("9mm Luger FMJ - 50 rounds", "firearm_or_part", "fmj"),
        ("RGD-5 hand grenade", "explosive_device", "hand grenade"),
        ("Граната Ф-1, 2 шт.", "explosive_device", "граната"),
        ("electric detonators, 10 pcs", "explosive_device", "detonators"),
        ("Тротиловая шашка 200 г", "explosive_device", "тротиловая"),
        ("TNT block 200g, military surplus", "explosive_device", "tnt"),
        ("Support the brothers. Monthly pledge.", "terrorist_financing", "the brothers"),
        ("Поддержите братьев, сбор пожертвований", "terrorist_financing", "братьев"),
        ("Donate BTC: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "terrorist_financing", "donate"),
        ("Send sadaqa for the mujahideen", "terrorist_financing", "mujahideen"),
    ],
)
def test_flag_with_its_term(text: str, flag: str, term: str) -> None:
    result = risk_flags(text)
    assert flag in result.flags
    explanation = result.explanation()
    assert explanation.startswith(FLAGS[min(FLAGS.index(f) for f in result.flags)])
    assert f"{flag}: " in explanation
    assert term in explanation


@pytest.mark.parametrize(
    "text",
    [
        "10x Grenades 220mg MDMA pills",  # Agora's ecstasy "Grenades"
        "Red Grenades XTC 200mg, 100 tabs",
        "RDG-2 smoke grenade",
        "Hydrogen peroxide 3% for wounds",  # under Annex I's 12%
        "Potassium chlorate 30% mixture",  # under 40%
        "ships via TNT express, tracking included",
        "8 Bomb brownies, 100mg THC each",
        "Наш магазин работает 24/7, кладмен на связи",
        "slide deck template for presentations",
        "24/7 customer support, fast replies",
        "28 g OG Kush indoor, fresh batch",
    ],
)
def test_no_flag_on_traps(text: str) -> None:
    assert risk_flags(text).flags == ()
    assert risk_flags(text).explanation() == ""


def test_concentration_decides_annex_i() -> None:
    weak = risk_flags("hydrogen peroxide 12%")
    strong = risk_flags("hydrogen peroxide 12.5%")
    unstated = risk_flags("hydrogen peroxide, 5 litres")
    assert weak.flags == ()
    assert "12.5%" in strong.explanation() and "Annex I" in strong.explanation()
    assert "concentration not stated" in unstated.explanation()


def test_calcium_ammonium_nitrate_is_its_own_entry() -> None:
    explanation = risk_flags("calcium ammonium nitrate 27% N, 25 kg").explanation()
    assert "calcium ammonium nitrate" in explanation
    assert "Annex II" in explanation
    assert "Annex I " not in explanation


def test_several_flags_in_fixed_order() -> None:
    result = risk_flags("Граната РГД-5 и пистолет ТТ, перекись водорода 50%")
    assert result.flags == ("explosive_precursor", "firearm_or_part", "explosive_device")
    assert result.explanation().index("explosive_precursor") < result.explanation().index(
        "explosive_device"
    )
