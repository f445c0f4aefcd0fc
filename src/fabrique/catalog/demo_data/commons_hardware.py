"""Demo commons of the kind "hardware"."""

from fabrique.catalog.demo_data.links import links

HARDWARE_COMMONS = [
    {
        "key": "velo-cargo-charrette",
        "title": "Vélo-cargo ouvert « Charrette »",
        "summary": "Un vélo-cargo biporteur à plans ouverts, fabricable dans un "
        "atelier équipé d’un poste à souder.",
        "kind": "hardware",
        "themes": ["logistique-urbaine", "velo"],
        "tags": ["vélo-cargo", "open hardware", "biporteur", "soudure"],
        "licence": "CERN-OHL-S-2.0",
        "maturity": "beta",
        "holder": "rouages",
        "links": links("charrette", download="plans-charrette.zip"),
        "description": """**Charrette** est un vélo-cargo biporteur conçu pour
être fabriqué localement : tubes d’acier standard, gabarits de soudure
imprimables, pièces du commerce. Charge utile : 100 kg dans la caisse.

Les plans comprennent la nomenclature complète, les fichiers de découpe
laser des pattes et des gabarits, et un guide d’assemblage illustré de 60
pages.

## Versions

- **Charrette 1** : prototype, caisse en contreplaqué ;
- **Charrette 2** : direction par câble, assistance électrique en option ;
- **Charrette 3** (en cours) : cadre démontable pour le transport.

## Fabriquer la vôtre

Comptez trois jours pour un atelier équipé et un soudeur confirmé. Les
Ateliers Mécaniques du Rhône en fabriquent en petite série.""",
        "resource": "Plans, nomenclature, gabarits et guide d’assemblage sous "
        "licence CERN-OHL-S.",
        "community_pillar": "Une quarantaine d’ateliers en ont fabriqué ; ils "
        "partagent leurs modifications dans les discussions.",
        "governance": "Le fablab valide les modifications des plans après essai "
        "sur un exemplaire ; chaque version est figée et datée.",
        "community": [
            ("holder", "cargonaute", "active"),
            ("contributor", "amr", "active"),
            ("contributor", "@karim", "active"),
            ("user", "velocite", "active"),
            ("funder", "fondation", "active"),
            ("user", "@camille", "left"),
        ],
        "needs": [
            (
                "Essais de freinage à pleine charge",
                "testers",
                "open",
                "Un banc d’essai pour certifier le freinage à 100 kg.",
            ),
            (
                "Traduction du guide en anglais",
                "other",
                "met",
                "Le guide d’assemblage traduit pour les ateliers étrangers.",
            ),
        ],
        "edits": [
            (
                "thomas",
                "Ajoute la charge utile",
                {
                    "summary": "Un vélo-cargo biporteur à plans ouverts (100 kg de "
                    "charge), fabricable dans un atelier équipé d’un poste à souder."
                },
            ),
        ],
    },
    {
        "key": "kit-retrofit",
        "title": "Kit de rétrofit électrique pour utilitaires légers",
        "summary": "Convertir un utilitaire thermique en électrique : moteur, "
        "batteries, gestion et documentation d’homologation.",
        "kind": "hardware",
        "themes": ["mobilite-electrique"],
        "tags": ["rétrofit", "utilitaire", "batteries", "homologation"],
        "licence": "CERN-OHL-W-2.0",
        "maturity": "prototype",
        "holder": "convertis",
        "links": links("kit-retrofit"),
        "description": """Ce kit convertit un **utilitaire léger thermique** en
véhicule électrique : le moteur et la boîte sont remplacés par un moteur
électrique de 45 kW, les batteries (35 kWh) prennent la place du réservoir
et de la ligne d’échappement.

La documentation couvre le démontage, l’adaptation des supports, le câblage
haute tension, les réglages du contrôleur et le dossier d’homologation.

## Pourquoi ouvrir un kit ?

Le rétrofit n’est rentable que si les dossiers d’homologation sont
mutualisés. En ouvrant le kit, nous permettons à d’autres garages de le
monter et de partager le coût des essais.

## Sécurité

Le montage exige une habilitation électrique ; les étapes à risque sont
signalées dans la documentation.""",
        "resource": "Plans mécaniques, schémas électriques, code du contrôleur "
        "et trame du dossier d’homologation.",
        "community_pillar": "Des garages partenaires montent le kit et "
        "partagent leurs retours d’atelier.",
        "governance": "Convertis Mobilité porte l’homologation ; les garages "
        "partenaires sont associés aux choix techniques.",
        "community": [
            ("contributor", "borne", "active"),
            ("contributor", "@julien", "active"),
            ("funder", "fris", "active"),
            ("user", "vallees", "requested"),
        ],
        "needs": [
            (
                "Financer les essais d’homologation",
                "funding",
                "open",
                "Les essais de choc et de freinage coûtent environ 60 000 €.",
            ),
            (
                "Garages pilotes",
                "testers",
                "open",
                "Trois garages prêts à monter un kit accompagné.",
            ),
        ],
    },
    {
        "key": "kit-jalonnement",
        "title": "Wayfinding kit — jalonnement piéton et vélo",
        "summary": "Panneaux, pictogrammes et règles de pose pour jalonner les "
        "itinéraires à pied et à vélo, lisibles par tous.",
        "kind": "hardware",
        "themes": ["accessibilite", "velo"],
        "tags": ["signalétique", "jalonnement", "pictogrammes", "design"],
        "licence": "CERN-OHL-P-2.0",
        "maturity": "production",
        "holder": "signaletique",
        "links": links("kit-jalonnement", download="kit-jalonnement.zip"),
        "description": """Le kit de **jalonnement** fournit tout le nécessaire
pour signaler un itinéraire piéton ou cyclable : gabarits de panneaux,
pictogrammes, typographie à fort contraste, mâts et fixations, et règles de
pose.

Il a été conçu avec des personnes malvoyantes et des personnes avec des
troubles cognitifs : distances en minutes, pictogrammes testés, hauteur de
lecture adaptée aux fauteuils.

## Contenu

- fichiers de fabrication (découpe, impression) ;
- guide de pose et schéma directeur type ;
- version en relief et en braille pour les points de décision.""",
        "resource": "Fichiers de fabrication, pictogrammes et guide de pose.",
        "community_pillar": "Les collectivités qui l’ont posé partagent leurs "
        "plans de jalonnement et leurs retours d’usagers.",
        "governance": "L’entreprise maintient le kit ; les changements de "
        "pictogrammes sont testés avec les associations d’usagers avant "
        "adoption.",
        "community": [
            ("contributor", "acces", "active"),
            ("user", "rhone", "active"),
            ("user", "vallees", "active"),
        ],
        "needs": [
            (
                "Jalonnement des arrêts de car",
                "skills",
                "open",
                "Étendre le kit aux arrêts de car en zone rurale.",
            ),
        ],
    },
    {
        "key": "borne-solaire-velo",
        "title": "Borne de recharge solaire pour vélos",
        "summary": "Une borne autonome qui recharge six batteries de vélos "
        "électriques avec un panneau solaire.",
        "kind": "hardware",
        "themes": ["mobilite-electrique", "velo"],
        "tags": ["recharge", "solaire", "vélo électrique", "autonome"],
        "licence": "CERN-OHL-S-2.0",
        "maturity": "prototype",
        "holder": "borne",
        "links": links("borne-solaire-velo"),
        "description": """Cette borne **autonome** recharge jusqu’à six batteries
de vélos électriques grâce à un panneau solaire de 400 Wc et une batterie
tampon, sans raccordement au réseau.

Elle vise les sites touristiques, les gares rurales et les haltes de
véloroute, où tirer une ligne électrique coûterait plus cher que la borne.

## Prototype

Deux bornes sont en test depuis le printemps ; les mesures de production et
d’usage sont publiées chaque semaine.""",
        "resource": "Schémas électriques, plans de la structure et code du "
        "contrôleur de charge.",
        "community_pillar": "Le fablab et Borne & Co construisent les "
        "prototypes ; deux communes les accueillent.",
        "governance": "Borne & Co décide des évolutions jusqu’à la version 1, "
        "puis confiera les plans à un collectif d’ateliers.",
        "community": [
            ("contributor", "rouages", "active"),
            ("user", "vallees", "active"),
            ("funder", "programme", "requested"),
        ],
        "needs": [
            (
                "Mesures hivernales",
                "data",
                "open",
                "Des données de production en hiver pour dimensionner la "
                "batterie tampon.",
            ),
        ],
    },
    {
        "key": "compteur-bas-cout",
        "title": "Compteur vélo à bas coût",
        "summary": "Un capteur de comptage vélo à moins de 150 €, pour compter "
        "là où les compteurs du commerce sont trop chers.",
        "kind": "hardware",
        "themes": ["velo"],
        "tags": ["capteur", "comptages", "LoRaWAN", "électronique"],
        "licence": "CERN-OHL-S-2.0",
        "maturity": "beta",
        "holder": "lmt",
        "links": links("compteur-velo", download="compteur-v2.zip"),
        "description": """Les compteurs vélo du commerce coûtent plusieurs
milliers d’euros. Ce **capteur ouvert** compte les vélos grâce à une boucle
magnétique posée sous un tapis, pour moins de 150 € de composants.

Il transmet ses comptages par LoRaWAN et fonctionne deux ans sur pile.

## Précision

Comparé à un compteur de référence pendant trois mois, il compte 96 % des
vélos, avec moins de 2 % de faux positifs (voitures, piétons avec
poussette).

## Données

Les comptages peuvent être versés directement dans le jeu des comptages vélo
ouverts.""",
        "resource": "Circuit imprimé, boîtier imprimable, micrologiciel et "
        "protocole d’étalonnage.",
        "community_pillar": "Le laboratoire, le fablab et des collectifs vélo "
        "posent et comparent les capteurs.",
        "governance": "Le laboratoire publie les résultats de précision de "
        "chaque version ; les choix de conception se font en réunion ouverte.",
        "community": [
            ("contributor", "rouages", "active"),
            ("contributor", "collectif-velo", "active"),
            ("user", "cerem", "active"),
            ("funder", "fondation", "active"),
        ],
        "needs": [
            (
                "Sites d’essai en montagne",
                "testers",
                "open",
                "Tester la tenue au froid et à la neige.",
            ),
        ],
    },
    {
        "key": "remorque-modulaire",
        "title": "Remorque vélo modulaire",
        "summary": "Une remorque vélo à plateau interchangeable : caisse, "
        "porte-palette, benne ou banquette pour enfants.",
        "kind": "hardware",
        "themes": ["logistique-urbaine", "velo"],
        "tags": ["remorque", "modulaire", "petite série"],
        "licence": "CERN-OHL-W-2.0",
        "maturity": "production",
        "holder": "amr",
        "links": links("remorque-modulaire", download="plans-remorque.zip"),
        "description": """Un châssis, des plateaux : la **remorque modulaire**
accepte une caisse de livraison, un porte-palette, une petite benne ou une
banquette pour deux enfants, fixés en quatre points.

Le châssis est fabriqué en petite série par les Ateliers Mécaniques du
Rhône ; les plateaux peuvent être faits par n’importe quel menuisier à
partir des plans.

## Chiffres

- charge utile : 150 kg ;
- attelage universel sur l’axe de roue arrière ;
- plus de 300 exemplaires en circulation.""",
        "resource": "Plans du châssis et des plateaux, nomenclature et "
        "procédure de contrôle.",
        "community_pillar": "Menuisiers, ateliers vélo et utilisateurs partagent "
        "de nouveaux plateaux.",
        "governance": "Les Ateliers maintiennent le châssis ; les plateaux "
        "proposés par la communauté sont publiés après un essai de charge.",
        "community": [
            ("contributor", "velocite", "active"),
            ("user", "cargonaute", "active"),
        ],
        "needs": [
            (
                "Plateau pour fauteuil roulant",
                "skills",
                "in_progress",
                "Étudier un plateau pour transporter un fauteuil plié.",
            ),
        ],
    },
    {
        "key": "abri-velo-bois",
        "title": "Abri vélo sécurisé en bois local",
        "summary": "Un abri fermé de dix places en bois local, montable par une "
        "équipe de bénévoles en deux jours.",
        "kind": "hardware",
        "themes": ["velo"],
        "tags": ["stationnement", "abri", "bois", "autoconstruction"],
        "licence": "CC-BY-SA-4.0",
        "maturity": "production",
        "holder": "vallees",
        "links": links("abri-velo", repository=False, download="plans-abri.pdf"),
        "description": """Cet **abri vélo fermé** de dix places est conçu pour
les gares, écoles et mairies des petites communes. Il utilise du douglas
local, sans traitement, et s’assemble sans engin de levage.

Les plans incluent le chantier participatif : planning sur deux jours, liste
d’outils, fiches de poste pour une équipe de six bénévoles.

## Sécurité

La porte se ferme par une serrure à code ou un badge ; chaque vélo s’attache
en plus à un arceau intérieur.""",
        "resource": "Plans, liste de débit du bois et guide de chantier participatif.",
        "community_pillar": "Douze abris ont été construits par des communes et "
        "des associations qui partagent leurs photos et leurs astuces.",
        "governance": "La communauté de communes publie les plans ; les "
        "améliorations sont intégrées après un chantier d’essai.",
        "community": [
            ("contributor", "velocite", "active"),
            ("user", "partage-rural", "active"),
            ("funder", "fondation", "active"),
        ],
        "needs": [],
    },
    {
        "key": "boitier-telematique",
        "title": "Boîtier télématique ouvert",
        "summary": "Un boîtier qui ouvre un véhicule partagé avec un téléphone "
        "et relève son kilométrage, sans dépendre d’un fournisseur.",
        "kind": "hardware",
        "themes": ["covoiturage-partage"],
        "tags": ["autopartage", "télématique", "Bluetooth", "micrologiciel"],
        "licence": "CERN-OHL-S-2.0",
        "maturity": "beta",
        "holder": "convertis",
        "links": links("boitier-telematique"),
        "description": """L’autopartage en zone rurale bute sur le coût des
boîtiers télématiques fermés. Ce **boîtier ouvert** ouvre et ferme le
véhicule par Bluetooth, relève le kilométrage et la charge, et fonctionne
même sans réseau mobile.

Il se branche sur la prise de diagnostic et sur le circuit de verrouillage ;
la liste des véhicules compatibles est tenue à jour par la communauté.

## Intégration

Le boîtier parle le protocole ouvert de Réserv’Auto ; d’autres logiciels
d’autopartage peuvent l’adopter.""",
        "resource": "Circuit, boîtier, micrologiciel et liste des véhicules "
        "compatibles.",
        "community_pillar": "Associations d’autopartage et garages testent les "
        "boîtiers sur leurs véhicules.",
        "governance": "Convertis Mobilité maintient le matériel, Partage Rural "
        "le protocole ; les deux décident ensemble des versions.",
        "community": [
            ("holder", "partage-rural", "active"),
            ("contributor", "@julien", "active"),
            ("user", "vallees", "active"),
        ],
        "needs": [
            (
                "Véhicules à tester",
                "testers",
                "open",
                "Des véhicules de modèles différents pour élargir la liste.",
            ),
        ],
    },
]
