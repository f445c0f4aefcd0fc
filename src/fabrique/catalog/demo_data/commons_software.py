"""Demo commons of the kind "software"."""

from fabrique.catalog.demo_data.links import links

SOFTWARE_COMMONS = [
    {
        "key": "itineo-planner",
        "title": "Itinéo — multimodal trip planner",
        "summary": "Un calculateur d’itinéraires libre qui combine transport "
        "public, vélo, marche et covoiturage.",
        "kind": "software",
        "themes": ["transport-public", "velo"],
        "tags": ["calcul d’itinéraires", "GTFS", "OpenStreetMap", "multimodal"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "beta",
        "holder": "itineo",
        "links": links("itineo", demo=True),
        "description": """Itinéo calcule des **itinéraires multimodaux** à partir
des horaires GTFS, du réseau OpenStreetMap et des flux temps réel (GTFS-RT,
GBFS). Il répond en quelques dizaines de millisecondes pour une région
entière.

Il propose des trajets qui combinent la marche, le vélo personnel, le vélo
en libre-service, le transport public et le covoiturage, et sait tenir compte
de l’accessibilité des arrêts.

## Installation

Un seul binaire et un fichier de configuration ; les graphes sont construits
la nuit et chargés à chaud sans interruption de service.

## Feuille de route

- prise en compte des perturbations annoncées ;
- itinéraires « zéro marche » pour les personnes à mobilité réduite ;
- export des isochrones pour les études d’accessibilité.""",
        "resource": "Le code du moteur, son API HTTP documentée et des jeux "
        "d’essai régionaux.",
        "community_pillar": "Une vingtaine de contributeurs réguliers, une "
        "réunion technique mensuelle ouverte et un canal de discussion.",
        "governance": "Itinéo maintient le projet ; un comité de pilotage avec "
        "les collectivités utilisatrices arbitre la feuille de route chaque "
        "semestre. Les contributions sont acceptées sous la même licence.",
        "community": [
            ("contributor", "@hugo", "active"),
            ("contributor", "opentransit", "active"),
            ("user", "rhone", "active"),
            ("user", "syndicat", "active"),
            ("funder", "programme", "active"),
            ("contributor", "@aurelie", "left"),
        ],
        "needs": [
            (
                "Des testeurs pour les itinéraires accessibles",
                "testers",
                "open",
                "Des personnes concernées pour vérifier les itinéraires proposés.",
            ),
            (
                "Financer l’isochrone",
                "funding",
                "open",
                "Environ 30 jours de développement pour les isochrones.",
            ),
        ],
    },
    {
        "key": "reserv-auto",
        "title": "Réserv’Auto — car-sharing booking software",
        "summary": "Logiciel libre de réservation et de gestion d’autopartage "
        "pour les associations et petites collectivités.",
        "kind": "software",
        "themes": ["covoiturage-partage"],
        "tags": ["autopartage", "réservation", "association", "rural"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "production",
        "holder": "partage-rural",
        "links": links("reserv-auto", demo=True),
        "description": """Réserv’Auto gère un parc de **véhicules partagés** :
réservation en ligne ou par téléphone, remise des clés par boîte à code,
relevé kilométrique et facturation aux adhérents.

Il a été conçu pour des associations qui partagent trois à trente véhicules,
souvent en milieu rural, avec des bénévoles qui ne sont pas informaticiens.

## Fonctions

- calendrier des véhicules, réservation récurrente ;
- adhésions, cautions et facturation au kilomètre ;
- tableau de bord d’usage pour les financeurs ;
- mode « permanence téléphonique » pour les personnes sans smartphone.

## Déploiements

Onze associations l’utilisent, dont Partage Rural depuis 2022.""",
        "resource": "Une application web installable sur un petit serveur, avec "
        "un guide d’installation pas à pas.",
        "community_pillar": "Les associations utilisatrices se retrouvent chaque "
        "trimestre pour prioriser les évolutions.",
        "governance": "Partage Rural assure la maintenance ; les associations "
        "utilisatrices votent les priorités, une voix par association.",
        "community": [
            ("contributor", "@hugo", "active"),
            ("user", "vallees", "active"),
            ("funder", "fris", "active"),
            ("user", "roulons", "declined"),
        ],
        "needs": [
            (
                "Connecter les boîtiers télématiques",
                "skills",
                "open",
                "Ouvrir les portières sans boîte à clé grâce au boîtier ouvert.",
            ),
            (
                "Traduction en occitan",
                "other",
                "met",
                "Une traduction pour les associations du Cantal.",
            ),
        ],
    },
    {
        "key": "validateur-gbfs",
        "title": "Validateur GBFS",
        "summary": "Vérifie qu’un flux de vélos ou trottinettes en libre-service "
        "respecte la spécification GBFS, version par version.",
        "kind": "software",
        "themes": ["velo"],
        "tags": ["GBFS", "validation", "qualité des données", "CLI"],
        "licence": "MIT",
        "maturity": "beta",
        "holder": "opentransit",
        "links": links("validateur-gbfs", demo=True),
        "description": """Le validateur charge un flux **GBFS** depuis son point
d’entrée `gbfs.json`, suit les liens vers chaque fichier et vérifie :

- la conformité au schéma de la version déclarée ;
- la cohérence entre fichiers (une station dans `station_status` existe
  dans `station_information`) ;
- la fraîcheur des données (`last_updated`, `ttl`).

Il produit un rapport lisible, en page web ou en JSON pour l’intégration
continue des producteurs.

## Utilisation

En ligne de commande, en bibliothèque Python ou par l’API hébergée sur la
Fabrique.""",
        "resource": "Une bibliothèque, une commande et un service web de validation.",
        "community_pillar": "Producteurs de flux et réutilisateurs proposent de "
        "nouvelles règles dans les discussions.",
        "governance": "Les mainteneurs d’OpenTransit France relisent chaque "
        "contribution ; une règle nouvelle arrive d’abord en avertissement.",
        "community": [
            ("contributor", "idt", "active"),
            ("contributor", "@hugo", "active"),
            ("user", "rhone", "active"),
            ("user", "@camille", "requested"),
        ],
        "needs": [
            (
                "Règles pour GBFS 3.0",
                "skills",
                "open",
                "Ajouter les règles des fichiers nouveaux de la version 3.0.",
            ),
        ],
    },
    {
        "key": "sdk-preuve",
        "title": "Preuve de trajet — SDK de covoiturage",
        "summary": "Une bibliothèque mobile qui produit des preuves de trajet "
        "vérifiables pour le registre de covoiturage.",
        "kind": "software",
        "themes": ["covoiturage-partage"],
        "tags": ["SDK", "Android", "iOS", "preuve de trajet"],
        "licence": "Apache-2.0",
        "maturity": "production",
        "holder": "roulons",
        "links": links("sdk-preuve-trajet"),
        "description": """Le SDK s’intègre dans une application de covoiturage et
produit, pour chaque trajet, une **preuve signée** : rencontre des deux
téléphones, horaires et positions de départ et d’arrivée, arrondies pour
protéger la vie privée.

Il parle directement l’API du registre de preuve de covoiturage et gère les
cas difficiles : réseau absent, batterie faible, passager sans smartphone
(preuve par code à usage unique).

## Respect de la vie privée

Aucune trace GPS continue n’est collectée : seuls les points de départ et
d’arrivée, arrondis à 200 mètres, quittent le téléphone.""",
        "resource": "Des bibliothèques Android et iOS et une application d’exemple.",
        "community_pillar": "Trois opérateurs de covoiturage utilisent et "
        "améliorent le SDK ; les correctifs sont partagés entre eux.",
        "governance": "Roulons Ensemble maintient le SDK ; les évolutions du "
        "protocole suivent les décisions du comité du registre.",
        "community": [
            ("contributor", "@hugo", "active"),
            ("user", "agence", "active"),
            ("user", "loire", "active"),
        ],
        "needs": [
            (
                "Audit de sécurité",
                "funding",
                "in_progress",
                "Un audit indépendant de la signature des preuves.",
            ),
        ],
    },
    {
        "key": "tableau-comptages",
        "title": "Tableau de bord des comptages vélo",
        "summary": "Visualiser et comparer la fréquentation cyclable d’un "
        "territoire à partir des comptages ouverts.",
        "kind": "software",
        "themes": ["velo"],
        "tags": ["visualisation", "comptages", "tableau de bord"],
        "licence": "EUPL-1.2",
        "maturity": "prototype",
        "holder": "collectif-velo",
        "links": links("tableau-comptages", demo=True),
        "description": """Ce tableau de bord lit les **comptages vélo ouverts**
et affiche, compteur par compteur ou pour tout un territoire :

- l’évolution annuelle, corrigée des jours fériés et de la météo ;
- les profils horaires (semaine, week-end, vacances) ;
- l’effet avant/après d’un aménagement.

Les élus et techniciens l’utilisent pour suivre leur politique cyclable sans
dépendre d’un prestataire.

## Technique

Une page statique qui lit des fichiers Parquet : aucun serveur à maintenir.""",
        "resource": "Une application statique et ses scripts de préparation des "
        "données.",
        "community_pillar": "Le collectif et deux collectivités testent le "
        "prototype ; les retours se font en atelier.",
        "governance": "Le collectif décide des évolutions en atelier ouvert, "
        "compte rendu publié.",
        "community": [
            ("contributor", "lmt", "active"),
            ("holder", "rhone", "requested"),
            ("user", "rhone", "requested"),
            ("user", "cerem", "active"),
        ],
        "needs": [
            (
                "Correction météo",
                "skills",
                "open",
                "Un modèle simple de correction des effets de la pluie.",
            ),
            (
                "Hébergement du service",
                "funding",
                "open",
                "Un hébergeur pour la version publique.",
            ),
        ],
    },
    {
        "key": "flotte-cargo",
        "title": "Gestionnaire de flotte de vélos-cargos",
        "summary": "Suivi des vélos-cargos, de leur maintenance et des tournées "
        "de livraison.",
        "kind": "software",
        "themes": ["logistique-urbaine", "velo"],
        "tags": ["gestion de flotte", "maintenance", "tournées"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "beta",
        "holder": "cargonaute",
        "links": links("flotte-cargo", demo=True),
        "description": """Conçu par des coursiers pour des coursiers, ce
gestionnaire suit une **flotte de vélos-cargos** : kilométrage, état des
pièces d’usure, pannes, et planification des tournées.

Il déclenche les maintenances préventives (plaquettes, chaîne, pneus) selon
le kilométrage réel, ce qui a réduit de moitié les immobilisations chez
Cargonaute.

## Modules

- **Flotte** : fiches vélos, batteries, historique ;
- **Atelier** : tickets de réparation, stock de pièces ;
- **Tournées** : regroupement des livraisons par secteur.""",
        "resource": "Une application web et une application mobile pour les coursiers.",
        "community_pillar": "Quatre coopératives de livraison l’utilisent et "
        "partagent leurs listes de pièces.",
        "governance": "Cargonaute maintient le logiciel ; les coopératives "
        "utilisatrices forment le comité des priorités.",
        "community": [
            ("contributor", "rouages", "active"),
            ("holder", "@julien", "left"),
            ("user", "velocite", "active"),
            ("funder", "fris", "active"),
        ],
        "needs": [
            (
                "Testeurs hors Bordeaux",
                "testers",
                "open",
                "Des coopératives d’autres villes pour tester le module tournées.",
            ),
        ],
    },
    {
        "key": "carte-bornes",
        "title": "Carte des bornes — widget embarquable",
        "summary": "Un widget cartographique à intégrer sur un site pour "
        "montrer les bornes de recharge et leur disponibilité.",
        "kind": "software",
        "themes": ["mobilite-electrique"],
        "tags": ["carte", "widget", "bornes", "JavaScript"],
        "licence": "MIT",
        "maturity": "production",
        "holder": "borne",
        "links": links("carte-bornes", demo=True),
        "description": """Une ligne de code suffit pour intégrer sur le site d’une
commune la **carte des bornes de recharge** du territoire, filtrée par
puissance et type de prise, avec la disponibilité en temps réel quand elle
est publiée.

Le widget lit directement le jeu de données des points de recharge ; il
fonctionne sans traceur ni cookie.

## Accessibilité

La liste des bornes est aussi proposée sous forme de tableau navigable au
clavier, pour celles et ceux qui n’utilisent pas la carte.""",
        "resource": "Un script autonome, ses styles et une page d’exemple.",
        "community_pillar": "Les communes utilisatrices signalent les bugs et "
        "proposent des améliorations.",
        "governance": "Borne & Co maintient le widget ; les demandes sont "
        "priorisées publiquement.",
        "community": [
            ("user", "vallees", "active"),
            ("contributor", "@romain", "active"),
        ],
        "needs": [],
    },
    {
        "key": "tad-planificateur",
        "title": "Planificateur de transport à la demande",
        "summary": "Regrouper les réservations de transport à la demande en "
        "tournées, pour les territoires ruraux.",
        "kind": "software",
        "themes": ["transport-public", "accessibilite"],
        "tags": ["transport à la demande", "optimisation", "rural"],
        "licence": "GPL-3.0-or-later",
        "maturity": "prototype",
        "holder": "vallees",
        "links": links("planificateur-tad"),
        "description": """Le transport à la demande dessert les villages sans
ligne régulière : les habitants réservent la veille, un minibus passe les
prendre. Ce prototype **regroupe les réservations en tournées** pour limiter
les kilomètres à vide.

Il tient compte des fenêtres horaires de chacun, de la capacité du véhicule
et des places pour fauteuil roulant.

## Expérimentation

Testé depuis six mois sur deux secteurs de la communauté de communes, avec
l’appui du laboratoire Mobilités et Territoires pour l’évaluation.""",
        "resource": "Un moteur d’optimisation et une interface de réservation "
        "pour les agents.",
        "community_pillar": "Les agents de réservation, les chauffeurs et le "
        "laboratoire se réunissent chaque mois.",
        "governance": "La communauté de communes porte le projet ; le code est "
        "ouvert pour que d’autres territoires le reprennent.",
        "community": [
            ("holder", "lmt", "active"),
            ("contributor", "@hugo", "active"),
            ("user", "partage-rural", "active"),
            ("funder", "programme", "active"),
        ],
        "needs": [
            (
                "Un deuxième territoire pilote",
                "testers",
                "open",
                "Un territoire rural prêt à tester pendant six mois.",
            ),
            (
                "Réservation par SMS",
                "skills",
                "open",
                "Permettre la réservation par SMS pour les habitants âgés.",
            ),
        ],
    },
    {
        "key": "signalement-obstacles",
        "title": "Signalement d’obstacles",
        "summary": "Une application pour signaler les obstacles sur les "
        "cheminements piétons et suivre leur résolution.",
        "kind": "software",
        "themes": ["accessibilite"],
        "tags": ["signalement", "piétons", "accessibilité", "application"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "beta",
        "holder": "acces",
        "links": links("signalement-obstacles", demo=True),
        "description": """Trottoir encombré, ascenseur en panne, bateau de
trottoir manquant : l’application permet de **signaler un obstacle** en
trois gestes, avec photo et position, et d’en suivre la résolution.

Les signalements sont transmis au service compétent de la collectivité et
publiés (sans la photo tant qu’elle n’a pas été vérifiée) pour que chacun
voie ce qui reste à faire.

## Conçue avec les usagers

L’interface a été testée avec des personnes aveugles, malvoyantes et en
fauteuil : compatible lecteurs d’écran, gros boutons, saisie vocale.""",
        "resource": "Une application mobile, une interface de traitement pour "
        "les collectivités et une API.",
        "community_pillar": "Les usagers signalent, les collectivités traitent, "
        "l’association anime et relance.",
        "governance": "Accès Pour Tous décide des évolutions avec son comité "
        "d’usagers ; les collectivités utilisatrices financent la maintenance.",
        "community": [
            ("contributor", "@claire", "active"),
            ("user", "syndicat", "active"),
            ("funder", "fondation", "active"),
            ("contributor", "@hugo", "requested"),
        ],
        "needs": [
            (
                "Reconnaissance automatique des doublons",
                "skills",
                "open",
                "Fusionner les signalements d’un même obstacle.",
            ),
        ],
    },
]
