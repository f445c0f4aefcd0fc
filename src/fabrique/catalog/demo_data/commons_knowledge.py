"""Demo commons of the kind "knowledge"."""

from fabrique.catalog.demo_data.links import links

KNOWLEDGE_COMMONS = [
    {
        "key": "guide-communaute",
        "title": "Guide d’animation d’une communauté de commun",
        "summary": "Faire vivre la communauté d’un commun : accueillir, "
        "décider, reconnaître les contributions, passer le relais.",
        "kind": "knowledge",
        "themes": ["covoiturage-partage", "velo"],
        "tags": ["animation", "gouvernance", "contribution", "guide"],
        "licence": "CC-BY-SA-4.0",
        "maturity": "production",
        "holder": "programme",
        "links": links("guide-communaute", repository=False, download="guide.pdf"),
        "description": """Un commun ne vit que par sa communauté. Ce guide
rassemble ce que les porteurs de communs de la mobilité ont appris en
l’animant, avec des exemples concrets.

## Sommaire

1. **Accueillir** : la première contribution, le parrainage, la charte de
   savoir-être ;
2. **Décider** : du consensus informel au comité, écrire ses règles ;
3. **Reconnaître** : rendre visibles les contributions, les badges, la
   rétribution ;
4. **Financer** : mécénat, subventions, prestations, sans perdre
   l’ouverture ;
5. **Passer le relais** : quand le porteur s’en va.

## Comment l’utiliser

Chaque chapitre se lit seul et se termine par une fiche pratique à remplir
en atelier avec sa communauté.""",
        "resource": "Un guide de 80 pages, des fiches pratiques et des modèles de "
        "documents.",
        "community_pillar": "Une dizaine de porteurs de communs relisent et "
        "enrichissent le guide à chaque saison.",
        "governance": "Le programme édite le guide ; chaque chapitre a deux "
        "relecteurs issus de communs différents.",
        "community": [
            ("contributor", "@dominique", "active"),
            ("contributor", "partage-rural", "active"),
            ("contributor", "@camille", "active"),
            ("user", "opentransit", "active"),
            ("user", "collectif-velo", "active"),
        ],
        "needs": [
            (
                "Chapitre sur la fin d’un commun",
                "skills",
                "open",
                "Comment archiver un commun proprement quand il s’arrête.",
            ),
        ],
        "edits": [
            (
                "dominique",
                "Précise le sommaire",
                {
                    "summary": "Faire vivre la communauté d’un commun : accueillir, "
                    "décider, reconnaître, financer et passer le relais."
                },
            ),
        ],
    },
    {
        "key": "atelier-velo",
        "title": "Monter un atelier vélo participatif",
        "summary": "Du local aux outils, de l’assurance aux bénévoles : le "
        "pas-à-pas d’un atelier où l’on apprend à réparer son vélo.",
        "kind": "knowledge",
        "themes": ["velo", "accessibilite"],
        "tags": ["atelier", "réparation", "association", "bénévolat"],
        "licence": "CC-BY-SA-4.0",
        "maturity": "production",
        "holder": "velocite",
        "links": links("atelier-velo", repository=False, download="guide.pdf"),
        "description": """Un atelier vélo participatif n’est pas un magasin : on
y **apprend à réparer** soi-même, avec l’aide de bénévoles et des outils
partagés. Ce guide raconte comment en monter un.

## Étapes

- trouver un local (et le partager) ;
- s’équiper : la liste des outils par ordre de priorité ;
- s’assurer et choisir un statut ;
- accueillir les bénévoles et les publics éloignés du vélo ;
- récupérer et remettre en état des vélos abandonnés.

## Pour les collectivités

Une annexe explique comment une commune peut soutenir un atelier : local,
subvention, convention pour les vélos abandonnés.""",
        "resource": "Un guide illustré, des listes d’outils et des modèles de "
        "statuts et de conventions.",
        "community_pillar": "Les ateliers du réseau partagent leurs astuces lors "
        "d’une rencontre annuelle.",
        "governance": "L’association maintient le guide ; toute modification "
        "est relue par deux ateliers.",
        "community": [
            ("contributor", "@thomas", "active"),
            ("contributor", "p-camille", "active"),
            ("user", "vallees", "active"),
        ],
        "needs": [
            (
                "Vidéos de réparation",
                "skills",
                "open",
                "Des courtes vidéos pour les réparations les plus courantes.",
            ),
        ],
    },
    {
        "key": "enquete-rurale",
        "title": "Méthode d’enquête mobilité en milieu rural",
        "summary": "Comprendre comment se déplacent les habitants d’un "
        "territoire rural, avec peu de moyens et sans oublier personne.",
        "kind": "knowledge",
        "themes": ["accessibilite", "covoiturage-partage"],
        "tags": ["enquête", "rural", "méthode", "sociologie"],
        "licence": "CC-BY-4.0",
        "maturity": "beta",
        "holder": "lmt",
        "links": links("enquete-rurale", repository=False),
        "description": """Les grandes enquêtes de déplacements coûtent cher et
oublient souvent les villages. Cette **méthode légère** combine un
questionnaire court, des entretiens et des relevés de terrain.

Elle s’attache à toucher ceux qu’on n’entend pas : personnes âgées sans
permis, jeunes, travailleurs en horaires décalés.

## Contenu

- le questionnaire et ses consignes de passation ;
- une grille d’entretien ;
- une méthode de redressement simple ;
- trois retours d’expérience.""",
        "resource": "Questionnaires, grilles, tableur de redressement et retours "
        "d’expérience.",
        "community_pillar": "Chercheurs, agents et associations partagent leurs "
        "enquêtes pour améliorer la méthode.",
        "governance": "Le laboratoire publie chaque version après relecture par "
        "deux territoires utilisateurs.",
        "community": [
            ("contributor", "partage-rural", "active"),
            ("user", "vallees", "active"),
            ("user", "loire", "requested"),
        ],
        "needs": [
            (
                "Enquêteurs bénévoles",
                "testers",
                "open",
                "Des volontaires pour une enquête dans le Cantal.",
            ),
        ],
    },
    {
        "key": "guide-gtfs",
        "title": "Guide de publication des données GTFS",
        "summary": "Publier des horaires GTFS de qualité : du logiciel de "
        "graphicage au portail ouvert.",
        "kind": "knowledge",
        "themes": ["transport-public"],
        "tags": ["GTFS", "guide", "qualité des données", "publication"],
        "licence": "CC-BY-4.0",
        "maturity": "production",
        "holder": "opentransit",
        "links": links("guide-gtfs", repository=True),
        "description": """Ce guide accompagne les autorités organisatrices et les
exploitants qui publient leurs **horaires au format GTFS**.

## Ce que vous y trouverez

- les fichiers obligatoires et ceux qui font la différence (`shapes.txt`,
  `transfers.txt`, `feed_info.txt`) ;
- les erreurs les plus fréquentes et comment les éviter ;
- le rythme de publication et la gestion des versions ;
- un modèle de cahier des charges pour les prestataires.

## Une démarche progressive

Mieux vaut un GTFS simple publié tôt qu’un GTFS parfait publié jamais : le
guide propose trois niveaux de qualité pour progresser pas à pas.""",
        "resource": "Un guide en ligne, un modèle de cahier des charges et une "
        "liste de contrôle.",
        "community_pillar": "Producteurs et réutilisateurs enrichissent la liste "
        "des erreurs fréquentes.",
        "governance": "OpenTransit France relit les contributions ; le guide est "
        "versionné et chaque version est datée.",
        "community": [
            ("contributor", "idt", "active"),
            ("contributor", "@hugo", "active"),
            ("user", "loire", "active"),
            ("user", "syndicat", "active"),
        ],
        "needs": [
            (
                "Chapitre GTFS-Flex",
                "skills",
                "open",
                "Décrire le transport à la demande avec l’extension GTFS-Flex.",
            ),
        ],
    },
    {
        "key": "referentiel-retrofit",
        "title": "Référentiel de compétences du rétrofit",
        "summary": "Les compétences nécessaires pour convertir des véhicules, "
        "et les formations qui y mènent.",
        "kind": "knowledge",
        "themes": ["mobilite-electrique"],
        "tags": ["compétences", "formation", "rétrofit", "métiers"],
        "licence": "CC-BY-4.0",
        "maturity": "beta",
        "holder": "convertis",
        "links": links("referentiel-retrofit", repository=False),
        "description": """Le rétrofit demande des compétences rares : mécanique,
électricité haute tension, réglementation. Ce **référentiel** les décrit
métier par métier, avec le niveau attendu et les formations existantes.

Il sert aux garages qui recrutent, aux organismes de formation qui montent
des cursus et aux personnes en reconversion.

## Métiers couverts

- technicien de conversion ;
- responsable d’homologation ;
- électricien batterie.""",
        "resource": "Un référentiel en ligne et en tableur, avec la liste des "
        "formations.",
        "community_pillar": "Industriels, formateurs et centre d’études mettent à "
        "jour le référentiel chaque année.",
        "governance": "Un comité paritaire entreprises–formateurs valide chaque "
        "version.",
        "community": [
            ("holder", "cerem", "active"),
            ("contributor", "@julien", "active"),
            ("user", "amr", "active"),
        ],
        "needs": [
            (
                "Cartographier les formations",
                "data",
                "open",
                "Recenser les formations existantes par région.",
            ),
        ],
    },
    {
        "key": "retour-covoiturage",
        "title": "Covoiturage du quotidien : retour d’expérience",
        "summary": "Trois ans d’incitations au covoiturage domicile-travail : ce "
        "qui a marché, ce qui a échoué, et pourquoi.",
        "kind": "knowledge",
        "themes": ["covoiturage-partage"],
        "tags": ["covoiturage", "incitations", "évaluation", "retour d’expérience"],
        "licence": "CC-BY-4.0",
        "maturity": "production",
        "holder": "loire",
        "links": links("retour-covoiturage", repository=False, download="rapport.pdf"),
        "description": """De 2022 à 2025, l’agglomération a financé le
**covoiturage domicile-travail** : 2 € par trajet pour le conducteur, gratuit
pour le passager. Ce retour d’expérience en tire les leçons.

## Ce qui a marché

- les lignes de covoiturage aux arrêts matérialisés ;
- l’animation dans les grandes entreprises ;
- la preuve de trajet, qui a quasiment éliminé la fraude.

## Ce qui a moins marché

- les incitations seules, sans animation ;
- les zones d’activité dispersées.

## Chiffres clés

Les trajets ont été multipliés par quatre ; un tiers des covoitureurs
déclarent avoir abandonné leur seconde voiture.""",
        "resource": "Un rapport, les données d’évaluation et une synthèse pour "
        "les élus.",
        "community_pillar": "D’autres collectivités ont ajouté leurs propres "
        "retours en annexe.",
        "governance": "L’agglomération publie le rapport ; les annexes sont "
        "ouvertes aux contributions des autres territoires.",
        "community": [
            ("contributor", "roulons", "active"),
            ("contributor", "lmt", "active"),
            ("user", "vallees", "active"),
            ("user", "@ines", "active"),
        ],
        "needs": [],
    },
    {
        "key": "charte-logistique",
        "title": "Playbook de la logistique urbaine à vélo",
        "summary": "Organiser la cyclologistique d’une ville : espaces logistiques, "
        "règles de circulation, commande publique.",
        "kind": "knowledge",
        "themes": ["logistique-urbaine"],
        "tags": ["cyclologistique", "politique publique", "guide"],
        "licence": "CC-BY-SA-4.0",
        "maturity": "beta",
        "holder": "cargonaute",
        "links": links("playbook-cyclologistique", repository=False),
        "description": """Comment une ville peut-elle favoriser les livraisons à
vélo ? Ce **playbook** rassemble des fiches actions testées dans plusieurs
villes françaises.

## Fiches

- créer des espaces logistiques urbains de proximité ;
- adapter les horaires et aires de livraison ;
- introduire la cyclologistique dans les marchés publics ;
- accompagner les commerçants.

Chaque fiche précise le coût, le délai et les acteurs à mobiliser.""",
        "resource": "Quinze fiches actions et des modèles de clauses de marchés "
        "publics.",
        "community_pillar": "Coopératives de livraison et collectivités ajoutent "
        "des fiches à partir de leurs expériences.",
        "governance": "Cargonaute édite le playbook ; un comité de relecture de "
        "trois villes valide les fiches.",
        "community": [
            ("contributor", "rhone", "active"),
            ("user", "amr", "active"),
        ],
        "needs": [
            (
                "Fiche sur les marchés alimentaires",
                "skills",
                "open",
                "Livrer les marchés de plein vent à vélo-cargo.",
            ),
        ],
    },
    {
        "key": "convention-donnees",
        "title": "Modèle de convention de partage de données",
        "summary": "Un modèle de convention entre collectivité et opérateur de "
        "mobilité pour partager les données utiles à tous.",
        "kind": "knowledge",
        "themes": ["transport-public", "covoiturage-partage"],
        "tags": ["convention", "juridique", "données", "opérateurs"],
        "licence": "etalab-2.0",
        "maturity": "production",
        "holder": "agence",
        "links": links("convention-donnees", repository=False, download="modele.odt"),
        "description": """Quand une collectivité autorise un service de vélos ou
de trottinettes en libre-service, elle peut demander le partage de données.
Ce **modèle de convention** précise quelles données, à quel rythme, sous
quelle forme et avec quelles garanties de confidentialité.

## Points clés

- les flux GBFS publics, obligatoires ;
- les données de trajets agrégées, réservées à la collectivité ;
- la durée de conservation et l’anonymisation ;
- les pénalités en cas de manquement.

Le modèle est commenté article par article.""",
        "resource": "Une convention commentée, en format éditable.",
        "community_pillar": "Juristes de collectivités et opérateurs partagent "
        "leurs variantes.",
        "governance": "L’agence publie le modèle après consultation des "
        "opérateurs et des collectivités.",
        "community": [
            ("user", "rhone", "active"),
            ("user", "syndicat", "active"),
            ("contributor", "@mathilde", "active"),
        ],
        "needs": [],
    },
    {
        "key": "financer-commun",
        "title": "Financer un commun : guide pratique",
        "summary": "Subventions, mécénat, prestations, contributions des "
        "utilisateurs : financer un commun sans le fermer.",
        "kind": "knowledge",
        "themes": ["covoiturage-partage", "logistique-urbaine"],
        "tags": ["financement", "modèle économique", "guide"],
        "licence": "CC-BY-4.0",
        "maturity": "idea",
        "holder": "fondation",
        "links": links("financer-un-commun", repository=False),
        "description": """Un commun a besoin de moyens pour durer : maintenance,
animation, hébergement. Ce guide en préparation recensera les **modèles de
financement** qui fonctionnent pour les communs de la mobilité.

## Plan envisagé

- les financements publics et leurs contraintes ;
- le mécénat et les fondations ;
- la vente de services autour du commun ;
- les contributions des collectivités utilisatrices.

Nous cherchons des porteurs de communs prêts à témoigner.""",
        "resource": "Un plan de guide et des premiers entretiens.",
        "community_pillar": "Les porteurs de communs sont invités à partager "
        "leurs budgets en confiance.",
        "governance": "La fondation pilote la rédaction avec un groupe de porteurs.",
        "community": [
            ("contributor", "programme", "active"),
            ("contributor", "@dominique", "active"),
        ],
        "needs": [
            (
                "Témoignages de porteurs",
                "other",
                "open",
                "Des porteurs de communs prêts à parler de leur budget.",
            ),
        ],
    },
]
