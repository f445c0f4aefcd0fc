"""Demo discussions: (commons or actor key, title, [(account, message), …])."""

DISCUSSIONS = [
    (
        "gbfs-rhone",
        "Stations fantômes dans station_status",
        [
            (
                "hugo",
                "Depuis lundi, 12 stations apparaissent dans `station_status` "
                "sans exister dans `station_information`. Quelqu’un d’autre le voit ?",
            ),
            (
                "aurelie",
                "Oui, le validateur les signale aussi. Ce sont les stations "
                "du nouveau quartier, pas encore déclarées.",
            ),
            (
                "mathilde",
                "Merci ! L’exploitant corrige ce soir ; la correction sera "
                "dans le flux de demain matin.",
            ),
            ("hugo", "Corrigé de mon côté, merci pour la réactivité."),
        ],
    ),
    (
        "gbfs-rhone",
        "Passage à GBFS 3.0 : calendrier ?",
        [
            ("romain", "Itinéo est prêt à lire la version 3.0. Avez-vous une date ?"),
            (
                "mathilde",
                "Nous visons le printemps, avec six mois de double "
                "publication 2.3 et 3.0.",
            ),
        ],
    ),
    (
        "preuve-covoiturage",
        "Trajets déclarés par deux opérateurs",
        [
            (
                "yann",
                "Comment le registre traite-t-il un trajet déclaré par deux "
                "opérateurs différents ?",
            ),
            (
                "nicolas",
                "Il détecte le doublon (mêmes personnes, horaires proches) "
                "et n’ouvre droit qu’à une seule incitation, attribuée au premier "
                "déclarant.",
            ),
            ("ines", "Nous le constatons : le taux de doublons est tombé sous 1 %."),
        ],
    ),
    (
        "velo-cargo-charrette",
        "Direction par câble ou par biellette ?",
        [
            (
                "thomas",
                "La version 2 passe à la direction par câble. Avantage : "
                "cadre plus simple. Inconvénient : réglage plus délicat. Vos avis ?",
            ),
            (
                "julien",
                "En petite série, le câble nous fait gagner une heure de "
                "soudure par cadre. Pour nous, c’est un oui.",
            ),
            (
                "lea",
                "À l’atelier, les biellettes étaient plus faciles à régler pour "
                "les débutants. Pourriez-vous documenter le réglage du câble ?",
            ),
            (
                "thomas",
                "Bonne idée, une fiche de réglage illustrée arrive dans le guide.",
            ),
        ],
    ),
    (
        "itineo-planner",
        "Itinéraires sans escalier",
        [
            (
                "claire",
                "Les itinéraires « accessibles » passent encore par la "
                "passerelle de la gare, qui n’a qu’un escalier.",
            ),
            (
                "romain",
                "La donnée OpenStreetMap de la passerelle ne dit pas qu’il "
                "y a des marches. Nous corrigeons et ajoutons un test.",
            ),
            (
                "lea",
                "Merci. Le relevé d’accessibilité des gares contient cette "
                "information : il faudrait le croiser systématiquement.",
            ),
        ],
    ),
    (
        "stationnement-velo",
        "Session de relevé collectif",
        [
            (
                "camille",
                "Prochaine session de relevé samedi à 10 h, place de la "
                "mairie. Venez avec un téléphone chargé !",
            ),
            ("lea", "Je viens avec trois personnes de l’atelier."),
            ("claire", "Présente aussi. Pensez à relever les arceaux des écoles."),
        ],
    ),
    (
        "reserv-auto",
        "Réservations récurrentes",
        [
            (
                "amandine",
                "Plusieurs adhérents réservent la même voiture chaque "
                "semaine pour le marché. La réservation récurrente est-elle prévue ?",
            ),
            ("hugo", "Elle est dans la version 2.4, sortie la semaine dernière."),
        ],
    ),
    (
        "kit-retrofit",
        "Coût d’un dossier d’homologation",
        [
            (
                "sophie",
                "Pouvez-vous détailler le coût des essais d’homologation ? "
                "Cela nous aidera à instruire votre demande.",
            ),
            (
                "karim",
                "Environ 60 000 € : essais de choc, freinage, compatibilité "
                "électromagnétique. Partagé entre cinq garages, cela devient "
                "supportable.",
            ),
        ],
    ),
    (
        "guide-gtfs",
        "Exemple de feed_info.txt",
        [
            (
                "aurelie",
                "J’ai ajouté un exemple complet de `feed_info.txt`, avec "
                "les dates de validité et la version.",
            ),
            ("yann", "Très utile, nous l’avons repris tel quel pour l’estuaire."),
        ],
    ),
    (
        "compteur-bas-cout",
        "Résultats de la comparaison hivernale",
        [
            (
                "claire",
                "Les capteurs posés à Clermont comptent 94 % des vélos par "
                "temps de neige, contre 96 % en été.",
            ),
            (
                "thomas",
                "Le tapis se décolle par le froid ; nous testons une colle "
                "plus souple.",
            ),
        ],
    ),
    (
        "api-maas",
        "Charte des réutilisateurs",
        [
            (
                "ines",
                "La charte interdit-elle de mettre en avant nos propres "
                "trajets de covoiturage dans notre application ?",
            ),
            (
                "mathilde",
                "Vous pouvez mettre en avant votre service, mais l’API "
                "doit présenter tous les opérateurs de la même façon à vos "
                "utilisateurs quand ils comparent.",
            ),
            (
                "romain",
                "Nous ajoutons un exemple à la documentation pour lever l’ambiguïté.",
            ),
        ],
    ),
    (
        "tad-planificateur",
        "Retour des chauffeurs",
        [
            (
                "yann",
                "Les chauffeurs trouvent les tournées plus cohérentes, mais "
                "aimeraient voir la tournée du lendemain dès 17 h.",
            ),
            (
                "amandine",
                "Noté. Les enquêtes montrent aussi que les habitants "
                "apprécient d’être prévenus la veille.",
            ),
        ],
    ),
    (
        "covoiturage-solidaire",
        "Un conducteur pour les Trois Vallées",
        [
            (
                "amandine",
                "Nous cherchons des conducteurs au nord du territoire : "
                "merci de relayer autour de vous.",
            ),
            (
                "camille",
                "Relayé auprès du réseau des ateliers vélo, pour les "
                "bénévoles motorisés.",
            ),
            (
                "hugo",
                "Appelez-moi au 06 00 00 00 00 si besoin, je passe souvent par là.",
            ),
        ],
    ),
    (
        "velocite",
        "Ouverture d’un troisième atelier",
        [
            ("lea", "Nous cherchons un local dans le quartier de Moulins. Des idées ?"),
            (
                "camille",
                "La métropole voisine a prêté un ancien local de "
                "stationnement : ça vaut le coup de demander à la mairie.",
            ),
        ],
    ),
]
