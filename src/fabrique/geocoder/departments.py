"""French departments: name and region, for Addok's ``context`` field.

Addok fed with the BAN (and addok-france's clients) reads ``context`` as
``"<department code>, <department name>, <region name>"``, e.g.
``"75, Paris, Île-de-France"``. Names as in the official geographic code
(COG) of INSEE, regions since 2016.

>>> context("75")
'75, Paris, Île-de-France'
>>> context("99")
'99'
"""

from __future__ import annotations

_ARA = "Auvergne-Rhône-Alpes"
_BFC = "Bourgogne-Franche-Comté"
_BRE = "Bretagne"
_CVL = "Centre-Val de Loire"
_GES = "Grand Est"
_HDF = "Hauts-de-France"
_IDF = "Île-de-France"
_NOR = "Normandie"
_NAQ = "Nouvelle-Aquitaine"
_OCC = "Occitanie"
_PDL = "Pays de la Loire"
_PAC = "Provence-Alpes-Côte d'Azur"

DEPARTMENTS: dict[str, tuple[str, str]] = {
    "01": ("Ain", _ARA),
    "02": ("Aisne", _HDF),
    "03": ("Allier", _ARA),
    "04": ("Alpes-de-Haute-Provence", _PAC),
    "05": ("Hautes-Alpes", _PAC),
    "06": ("Alpes-Maritimes", _PAC),
    "07": ("Ardèche", _ARA),
    "08": ("Ardennes", _GES),
    "09": ("Ariège", _OCC),
    "10": ("Aube", _GES),
    "11": ("Aude", _OCC),
    "12": ("Aveyron", _OCC),
    "13": ("Bouches-du-Rhône", _PAC),
    "14": ("Calvados", _NOR),
    "15": ("Cantal", _ARA),
    "16": ("Charente", _NAQ),
    "17": ("Charente-Maritime", _NAQ),
    "18": ("Cher", _CVL),
    "19": ("Corrèze", _NAQ),
    "2A": ("Corse-du-Sud", "Corse"),
    "2B": ("Haute-Corse", "Corse"),
    "21": ("Côte-d'Or", _BFC),
    "22": ("Côtes-d'Armor", _BRE),
    "23": ("Creuse", _NAQ),
    "24": ("Dordogne", _NAQ),
    "25": ("Doubs", _BFC),
    "26": ("Drôme", _ARA),
    "27": ("Eure", _NOR),
    "28": ("Eure-et-Loir", _CVL),
    "29": ("Finistère", _BRE),
    "30": ("Gard", _OCC),
    "31": ("Haute-Garonne", _OCC),
    "32": ("Gers", _OCC),
    "33": ("Gironde", _NAQ),
    "34": ("Hérault", _OCC),
    "35": ("Ille-et-Vilaine", _BRE),
    "36": ("Indre", _CVL),
    "37": ("Indre-et-Loire", _CVL),
    "38": ("Isère", _ARA),
    "39": ("Jura", _BFC),
    "40": ("Landes", _NAQ),
    "41": ("Loir-et-Cher", _CVL),
    "42": ("Loire", _ARA),
    "43": ("Haute-Loire", _ARA),
    "44": ("Loire-Atlantique", _PDL),
    "45": ("Loiret", _CVL),
    "46": ("Lot", _OCC),
    "47": ("Lot-et-Garonne", _NAQ),
    "48": ("Lozère", _OCC),
    "49": ("Maine-et-Loire", _PDL),
    "50": ("Manche", _NOR),
    "51": ("Marne", _GES),
    "52": ("Haute-Marne", _GES),
    "53": ("Mayenne", _PDL),
    "54": ("Meurthe-et-Moselle", _GES),
    "55": ("Meuse", _GES),
    "56": ("Morbihan", _BRE),
    "57": ("Moselle", _GES),
    "58": ("Nièvre", _BFC),
    "59": ("Nord", _HDF),
    "60": ("Oise", _HDF),
    "61": ("Orne", _NOR),
    "62": ("Pas-de-Calais", _HDF),
    "63": ("Puy-de-Dôme", _ARA),
    "64": ("Pyrénées-Atlantiques", _NAQ),
    "65": ("Hautes-Pyrénées", _OCC),
    "66": ("Pyrénées-Orientales", _OCC),
    "67": ("Bas-Rhin", _GES),
    "68": ("Haut-Rhin", _GES),
    "69": ("Rhône", _ARA),
    "70": ("Haute-Saône", _BFC),
    "71": ("Saône-et-Loire", _BFC),
    "72": ("Sarthe", _PDL),
    "73": ("Savoie", _ARA),
    "74": ("Haute-Savoie", _ARA),
    "75": ("Paris", _IDF),
    "76": ("Seine-Maritime", _NOR),
    "77": ("Seine-et-Marne", _IDF),
    "78": ("Yvelines", _IDF),
    "79": ("Deux-Sèvres", _NAQ),
    "80": ("Somme", _HDF),
    "81": ("Tarn", _OCC),
    "82": ("Tarn-et-Garonne", _OCC),
    "83": ("Var", _PAC),
    "84": ("Vaucluse", _PAC),
    "85": ("Vendée", _PDL),
    "86": ("Vienne", _NAQ),
    "87": ("Haute-Vienne", _NAQ),
    "88": ("Vosges", _GES),
    "89": ("Yonne", _BFC),
    "90": ("Territoire de Belfort", _BFC),
    "91": ("Essonne", _IDF),
    "92": ("Hauts-de-Seine", _IDF),
    "93": ("Seine-Saint-Denis", _IDF),
    "94": ("Val-de-Marne", _IDF),
    "95": ("Val-d'Oise", _IDF),
    "971": ("Guadeloupe", "Guadeloupe"),
    "972": ("Martinique", "Martinique"),
    "973": ("Guyane", "Guyane"),
    "974": ("La Réunion", "La Réunion"),
    "976": ("Mayotte", "Mayotte"),
}


def context(code: str) -> str:
    """``"code, department, region"``; the code alone when it is not known."""
    known = DEPARTMENTS.get(code)
    if known is None:
        return code
    name, region = known
    # As the BAN writes it: the region is not repeated for one-department regions.
    if name == region:
        return f"{code}, {name}"
    return f"{code}, {name}, {region}"
