"""Demo commons of the kind "open data"."""

from fabrique.catalog.demo_data.links import links

DATA_COMMONS = [
    {
        "key": "gbfs-rhone",
        "title": "Vélos en libre-service — flux GBFS",
        "summary": "Disponibilité en temps réel des stations et vélos en "
        "libre-service de la métropole, au format GBFS.",
        "kind": "data",
        "themes": ["velo", "transport-public"],
        "tags": ["GBFS", "temps réel", "vélo en libre-service", "API"],
        "licence": "ODbL-1.0",
        "maturity": "production",
        "holder": "rhone",
        "links": links("gbfs-rhone", demo=True, download="gbfs.json"),
        "description": """Le flux **GBFS** (*General Bikeshare Feed Specification*)
décrit les 430 stations du vélo en libre-service de la métropole : position,
capacité, nombre de vélos et de places disponibles, mis à jour toutes les
minutes.

Il est consommé par les calculateurs d’itinéraires, les applications de
mobilité et les tableaux de bord de l’exploitant. Le point d’entrée
`gbfs.json` liste les fichiers disponibles :

- `station_information.json` — position et capacité des stations ;
- `station_status.json` — vélos et bornettes disponibles ;
- `system_pricing_plans.json` — tarifs en vigueur.

## Qualité

Le flux est validé chaque nuit par le validateur GBFS de la Fabrique. Les
écarts constatés (stations fantômes, capacités à zéro) sont publiés dans le
journal des anomalies et corrigés avec l’exploitant.

## Réutilisations connues

Trois applications grand public et le calculateur Itinéo utilisent ce flux.
Signalez la vôtre dans les discussions !""",
        "resource": "Un flux GBFS 2.3 public, sans clé d’accès, avec son "
        "historique quotidien archivé depuis 2023.",
        "community_pillar": "Les réutilisateurs signalent les anomalies dans les "
        "discussions ; une réunion trimestrielle réunit l’exploitant, la "
        "métropole et les développeurs.",
        "governance": "La métropole est responsable du flux ; toute évolution du "
        "format est annoncée trois mois à l’avance et discutée avec les "
        "réutilisateurs.",
        "community": [
            ("contributor", "idt", "active"),
            ("contributor", "@camille", "active"),
            ("user", "itineo", "active"),
            ("user", "@hugo", "active"),
            ("funder", "programme", "requested"),
        ],
        "needs": [
            (
                "Publier les vélos hors station (free floating)",
                "data",
                "open",
                "L’exploitant doit fournir `free_bike_status.json` pour les "
                "vélos à assistance électrique sans station.",
            ),
            (
                "Tester la version 3.0 du format",
                "testers",
                "in_progress",
                "Des réutilisateurs volontaires pour valider la migration.",
            ),
        ],
    },
    {
        "key": "preuve-covoiturage",
        "title": "Registre de preuve de covoiturage",
        "summary": "Un registre public des trajets de covoiturage attestés, qui "
        "permet aux collectivités d’inciter sans fraude.",
        "kind": "data",
        "themes": ["covoiturage-partage"],
        "tags": ["covoiturage", "registre", "incitations", "preuve de trajet"],
        "licence": "ODbL-1.0",
        "maturity": "production",
        "holder": "agence",
        "links": links("registre-covoiturage", download="trajets-agreges.csv"),
        "description": """Le **registre de preuve de covoiturage** reçoit des
opérateurs de covoiturage les trajets réalisés, avec un niveau de preuve (de A
à C) qui dépend des vérifications faites : position des deux téléphones,
identité, horaires concordants.

Les collectivités s’appuient sur ce registre pour verser des incitations aux
conducteurs et passagers sans payer deux fois le même trajet, même quand il
est déclaré par deux opérateurs.

## Données ouvertes

Les trajets sont publiés **agrégés et anonymisés** : origine et destination à
la commune, jour, nombre de passagers. Aucune donnée personnelle n’est
diffusée ; le seuil de secret statistique est de 5 trajets.

## Pour qui ?

- les autorités organisatrices qui financent des campagnes d’incitation ;
- les opérateurs qui veulent prouver leur activité ;
- les chercheurs qui étudient le covoiturage du quotidien.""",
        "resource": "Un registre alimenté par API et un jeu de données agrégé, "
        "mis à jour chaque mois.",
        "community_pillar": "Les opérateurs de covoiturage et les collectivités "
        "financeuses se réunissent dans un comité technique mensuel.",
        "governance": "L’agence opère le registre ; les règles de preuve sont "
        "fixées par un comité où siègent opérateurs, collectivités et "
        "associations d’usagers, avec des décisions publiées.",
        "community": [
            ("contributor", "roulons", "active"),
            ("user", "loire", "active"),
            ("user", "rhone", "active"),
            ("user", "lmt", "active"),
            ("funder", "programme", "active"),
            ("contributor", "@hugo", "declined"),
            ("holder", "roulons", "declined"),
        ],
        "needs": [
            (
                "Documenter la classe de preuve C",
                "skills",
                "met",
                "Rédiger une page claire sur les vérifications de la classe C.",
            ),
            (
                "Intégrer deux nouveaux opérateurs",
                "testers",
                "open",
                "Des opérateurs prêts à tester l’API d’envoi des trajets.",
            ),
        ],
    },
    {
        "key": "gtfs-loire",
        "title": "Horaires théoriques GTFS de l’estuaire",
        "summary": "Horaires des bus, cars et navettes fluviales de "
        "l’agglomération, au format GTFS, mis à jour à chaque service.",
        "kind": "data",
        "themes": ["transport-public"],
        "tags": ["GTFS", "horaires", "bus", "navette fluviale"],
        "licence": "etalab-2.0",
        "maturity": "production",
        "holder": "loire",
        "links": links("gtfs-loire", repository=False, download="gtfs.zip"),
        "description": """Ce jeu de données regroupe l’offre de transport public
de l’agglomération au format **GTFS** : 24 lignes de bus, 3 lignes de car
périurbain et la navette fluviale qui traverse l’estuaire.

Il est produit depuis le logiciel de graphicage de l’exploitant et publié à
chaque changement de service (rentrée, été, vacances scolaires). Les
fichiers optionnels `shapes.txt` et `transfers.txt` sont fournis.

## Validation

Chaque version passe par le validateur GTFS avant publication ; les
avertissements restants sont expliqués dans la documentation (par exemple
les arrêts de la navette, volontairement sans nom de quai).

## Historique

Toutes les versions depuis 2021 restent téléchargeables, avec la liste des
changements d’une version à l’autre.""",
        "resource": "Un fichier GTFS complet, publié à chaque changement de "
        "service, avec son historique.",
        "community_pillar": "Les réutilisateurs remontent les erreurs d’horaires "
        "dans les discussions ; l’exploitant répond sous une semaine.",
        "governance": "L’agglomération décide du calendrier de publication ; les "
        "corrections proposées par la communauté sont intégrées à la version "
        "suivante.",
        "community": [
            ("contributor", "opentransit", "active"),
            ("user", "itineo", "active"),
            ("user", "@aurelie", "active"),
            ("contributor", "@hugo", "active"),
        ],
        "needs": [
            (
                "Publier le temps réel (GTFS-RT)",
                "skills",
                "open",
                "Brancher le système d’aide à l’exploitation sur un flux GTFS-RT.",
            ),
        ],
        "edits": [
            (
                "hugo",
                "Annonce la version d’été",
                {
                    "summary": "Horaires des bus, cars et navettes fluviales, "
                    "version d’été 2026 en avant-première."
                },
            ),
        ],
        "revert": ("yann", "Annule : la version d’été n’est pas encore publiée"),
    },
    {
        "key": "irve",
        "title": "Points de recharge pour véhicules électriques",
        "summary": "Localisation, puissance et disponibilité des bornes de "
        "recharge ouvertes au public, dans un schéma de données commun.",
        "kind": "data",
        "themes": ["mobilite-electrique"],
        "tags": ["bornes", "recharge", "IRVE", "schéma de données"],
        "licence": "etalab-2.0",
        "maturity": "production",
        "holder": "borne",
        "links": links("points-de-recharge", demo=True, download="bornes.csv"),
        "description": """Ce jeu consolide les **points de recharge** ouverts au
public déclarés par les aménageurs de bornes : adresse, coordonnées, nombre
de points, puissance, types de prises, conditions d’accès et tarifs.

Chaque ligne suit un schéma de données commun, ce qui permet de fusionner les
déclarations de dizaines d’aménageurs et de les comparer. Les lignes non
conformes sont signalées à leur producteur plutôt que rejetées en silence.

## Disponibilité en temps réel

Pour les aménageurs qui le permettent, un second fichier donne l’état de
chaque point (libre, occupé, hors service), rafraîchi toutes les cinq minutes.

## Limites connues

- certaines bornes privées ouvertes au public ne sont pas déclarées ;
- les tarifs sont parfois donnés en texte libre.""",
        "resource": "Un fichier consolidé quotidien et un flux de disponibilité "
        "pour une partie des bornes.",
        "community_pillar": "Aménageurs, collectivités et réutilisateurs "
        "corrigent ensemble les erreurs de localisation.",
        "governance": "Le schéma évolue par propositions discutées publiquement "
        "puis validées par un comité de trois aménageurs, deux collectivités et "
        "un réutilisateur.",
        "community": [
            ("contributor", "rhone", "active"),
            ("user", "itineo", "active"),
            ("user", "@camille", "active"),
            ("funder", "fondation", "left"),
        ],
        "needs": [
            (
                "Normaliser les tarifs",
                "skills",
                "open",
                "Proposer une structure de tarif lisible par les machines.",
            ),
            (
                "Bornes des parkings de supermarchés",
                "data",
                "closed",
                "Recenser les bornes privées ouvertes au public.",
            ),
        ],
    },
    {
        "key": "stationnement-velo",
        "title": "Stationnement vélo (bike parking)",
        "summary": "Arceaux, abris et consignes vélo recensés par les habitants "
        "et les collectivités, dans un format commun.",
        "kind": "data",
        "themes": ["velo"],
        "tags": ["stationnement", "arceaux", "OpenStreetMap", "contribution"],
        "licence": "ODbL-1.0",
        "maturity": "beta",
        "holder": "collectif-velo",
        "links": links("stationnement-velo", demo=True, download="parking.geojson"),
        "description": """Où garer son vélo ? Ce jeu de données recense les
**arceaux, abris, box et consignes** vélo, avec leur capacité, leur
couverture et leur niveau de sécurité.

Les données viennent de deux sources fusionnées chaque semaine :

1. les relevés des bénévoles, faits avec une application mobile ;
2. les inventaires publiés par les collectivités partenaires.

Les doublons sont détectés à moins de dix mètres et fusionnés en gardant la
source la plus récente.

## Pourquoi c’est utile

Les collectivités y voient les quartiers sous-équipés, les cyclistes trouvent
une place près de leur destination et les calculateurs d’itinéraires
peuvent proposer un stationnement à l’arrivée.""",
        "resource": "Un fichier GeoJSON national mis à jour chaque semaine et un "
        "guide de relevé.",
        "community_pillar": "Une centaine de bénévoles relèvent le stationnement ; "
        "des sessions de relevé collectif ont lieu chaque mois.",
        "governance": "Le collectif valide les changements du format en "
        "assemblée ouverte ; la base est publiée sous ODbL pour que les "
        "améliorations reviennent à tous.",
        "community": [
            ("contributor", "velocite", "active"),
            ("contributor", "@lea", "active"),
            ("user", "rhone", "active"),
            ("contributor", "@hugo", "requested"),
            ("funder", "fondation", "requested"),
        ],
        "needs": [
            (
                "Relevés dans les villes moyennes",
                "data",
                "open",
                "Nous manquons de données hors des grandes métropoles.",
            ),
            (
                "Application de relevé hors ligne",
                "skills",
                "open",
                "Permettre le relevé sans réseau, avec synchronisation.",
            ),
        ],
    },
    {
        "key": "accessibilite-gares",
        "title": "Accessibilité des gares et arrêts",
        "summary": "Rampes, ascenseurs, bandes podotactiles et annonces sonores : "
        "l’accessibilité de 2 000 arrêts relevée avec les usagers.",
        "kind": "data",
        "themes": ["accessibilite", "transport-public"],
        "tags": ["accessibilité", "PMR", "arrêts", "audit"],
        "licence": "etalab-2.0",
        "maturity": "beta",
        "holder": "acces",
        "links": links("accessibilite-arrets", download="arrets.csv"),
        "description": """Ce jeu décrit l’**accessibilité des gares et arrêts**
du bassin sud : hauteur de quai, présence de rampe ou d’ascenseur, largeur de
passage, bandes d’éveil de vigilance, annonces sonores et visuelles.

Les relevés sont faits par des binômes qui associent un agent et une
personne concernée (fauteuil, canne blanche, poussette), selon une grille
commune de 42 critères.

## Lien avec les horaires

Chaque arrêt porte l’identifiant de l’arrêt GTFS correspondant : les
calculateurs peuvent ainsi proposer des itinéraires réellement accessibles.

## État

1 950 arrêts sur 2 400 sont relevés. Les ascenseurs en panne ne sont pas
encore suivis en temps réel.""",
        "resource": "Un fichier des arrêts et de leurs 42 critères, et la grille "
        "de relevé.",
        "community_pillar": "Associations d’usagers, exploitants et collectivités "
        "relèvent ensemble ; chaque relevé est relu par une personne "
        "concernée.",
        "governance": "La grille de relevé est décidée par l’association avec "
        "les usagers ; le syndicat mixte s’engage à publier les données sous "
        "licence ouverte.",
        "community": [
            ("holder", "syndicat", "active"),
            ("contributor", "cerem", "active"),
            ("contributor", "@claire", "active"),
            ("user", "itineo", "active"),
            ("funder", "fondation", "active"),
        ],
        "needs": [
            (
                "État des ascenseurs en temps réel",
                "data",
                "open",
                "Obtenir des exploitants l’état de fonctionnement des ascenseurs.",
            ),
            (
                "Relevés dans les gares de montagne",
                "testers",
                "open",
                "Des binômes volontaires pour 120 arrêts restants.",
            ),
        ],
    },
    {
        "key": "aires-livraison",
        "title": "Aires de livraison urbaines",
        "summary": "Emplacements, horaires et règles des aires de livraison, "
        "pour organiser la logistique du dernier kilomètre.",
        "kind": "data",
        "themes": ["logistique-urbaine"],
        "tags": ["livraison", "stationnement", "réglementation"],
        "licence": "ODbL-1.0",
        "maturity": "prototype",
        "holder": "cargonaute",
        "links": links("aires-livraison", download="aires.geojson"),
        "description": """Les livreurs perdent un temps considérable à chercher
où s’arrêter. Ce jeu recense les **aires de livraison** avec leurs horaires,
leur longueur et les véhicules autorisés (vélos-cargos, utilitaires).

Le prototype couvre le centre de Bordeaux ; il a été relevé par les
coursiers de Cargonaute pendant leurs tournées.

## Prochaines étapes

- rapprocher les arrêtés municipaux des relevés terrain ;
- publier un format commun réutilisable par d’autres villes ;
- intégrer les aires dans les outils de planification de tournées.""",
        "resource": "Un fichier GeoJSON de 640 aires et un modèle de relevé.",
        "community_pillar": "Les coursiers relèvent, la ville vérifie les "
        "arrêtés ; un atelier mensuel fait le point.",
        "governance": "Cargonaute porte le prototype ; le format sera confié à "
        "un groupe de villes une fois stabilisé.",
        "community": [
            ("contributor", "velocite", "active"),
            ("user", "amr", "requested"),
            ("funder", "fris", "active"),
        ],
        "needs": [
            (
                "Une deuxième ville pilote",
                "testers",
                "open",
                "Une collectivité prête à relever ses aires avec le même modèle.",
            ),
        ],
    },
    {
        "key": "comptages-velo",
        "title": "Comptages vélo ouverts",
        "summary": "Les passages horaires de 180 compteurs vélo permanents, "
        "avec la méthode de correction des données manquantes.",
        "kind": "data",
        "themes": ["velo"],
        "tags": ["comptages", "séries temporelles", "évaluation"],
        "licence": "etalab-2.0",
        "maturity": "production",
        "holder": "cerem",
        "links": links("comptages-velo", download="comptages-horaires.parquet"),
        "description": """Ce jeu publie les **comptages horaires** de 180
compteurs vélo permanents installés par des collectivités volontaires, de
2019 à aujourd’hui.

Les séries brutes comportent des trous (panne, travaux) et des valeurs
aberrantes. Nous publions à la fois les données brutes et les données
corrigées, avec un indicateur de qualité par heure et la méthode de
correction documentée.

## Usages

- suivre la fréquentation cyclable et l’effet des aménagements ;
- comparer les territoires avec une méthode commune ;
- alimenter le tableau de bord des comptages.""",
        "resource": "Des séries horaires brutes et corrigées, au format Parquet "
        "et CSV.",
        "community_pillar": "Les collectivités qui possèdent des compteurs "
        "partagent leurs séries ; un groupe de travail valide la méthode.",
        "governance": "Le centre d’études maintient la méthode et la publie ; "
        "les changements de méthode sont versionnés et recalculés sur tout "
        "l’historique.",
        "community": [
            ("contributor", "rhone", "active"),
            ("contributor", "collectif-velo", "active"),
            ("user", "lmt", "active"),
            ("user", "@camille", "active"),
        ],
        "needs": [
            (
                "Compteurs en zone rurale",
                "data",
                "open",
                "Les séries rurales manquent pour comparer les territoires.",
            ),
        ],
    },
    {
        "key": "zfe",
        "title": "Zones à faibles émissions — périmètres et règles",
        "summary": "Les périmètres et les règles de circulation des zones à "
        "faibles émissions, dans un format lisible par les GPS.",
        "kind": "data",
        "themes": ["mobilite-electrique"],
        "tags": ["ZFE", "réglementation", "qualité de l’air"],
        "licence": "etalab-2.0",
        "maturity": "beta",
        "holder": "agence",
        "links": links("zfe", download="zfe.geojson"),
        "description": """Chaque zone à faibles émissions a ses périmètres, ses
horaires, ses dérogations et son calendrier. Ce jeu les décrit dans **un
format commun**, pour que les GPS et les calculateurs d’itinéraires
puissent avertir les conducteurs concernés.

Les collectivités déclarent leurs zones ; l’agence vérifie la cohérence
géométrique et publie le jeu consolidé.

## Contenu

- le périmètre (polygone) et les voies exclues ;
- les catégories de véhicules interdites, par date ;
- les dérogations permanentes et temporaires.""",
        "resource": "Un fichier GeoJSON consolidé et le schéma qui le décrit.",
        "community_pillar": "Collectivités productrices et éditeurs de GPS "
        "échangent dans un groupe de travail ouvert.",
        "governance": "L’agence consolide et publie ; le schéma est modifié "
        "après consultation publique de quatre semaines.",
        "community": [
            ("contributor", "rhone", "active"),
            ("user", "itineo", "active"),
            ("user", "convertis", "active"),
        ],
        "needs": [
            (
                "Dérogations en texte libre",
                "skills",
                "in_progress",
                "Structurer les dérogations aujourd’hui saisies en texte libre.",
            ),
        ],
    },
]
