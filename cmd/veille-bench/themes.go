package main

// Sentences of our own about what the cluster's members watch, in French
// and English. The generator mixes them into real Journal officiel and
// European Parliament sentences, so that the taxonomy tags a realistic share
// of the items and the query mix finds what members search for.
// Placeholders: {n} a number, {year} a year, {ref} a legal reference,
// {co} a company, {town} a town, {date} a date in the item's language.

type theme struct {
	frTitles, frSentences []string
	enTitles, enSentences []string
}

var themes = []theme{
	{ // chromium VI, REACH authorisation, surface treatment
		frTitles: []string{
			"Chrome hexavalent : la Commission révise l'autorisation REACH des bains de chromage",
			"Traitement de surface : nouvelles conditions d'emploi du trioxyde de chrome ({year})",
			"REACH : restriction proposée pour les substances du chrome hexavalent, consultation jusqu'au {date}",
		},
		frSentences: []string{
			"Les ateliers de traitement de surface qui utilisent le trioxyde de chrome devront démontrer la maîtrise de l'exposition des opérateurs au chrome hexavalent.",
			"L'ECHA a publié l'avis de ses comités sur la restriction du chrome hexavalent dans le chromage dur et le chromage décoratif.",
			"Les entreprises de galvanoplastie disposent d'un délai de {n} jours pour mettre à jour leur dossier d'autorisation au titre du règlement REACH.",
			"Le passivage et l'anodisation sans chrome hexavalent font l'objet d'essais menés par {co} sur son site de {town}.",
			"La substitution du chrome VI dans les bains de traitement de surface reste difficile pour les pièces aéronautiques soumises à l'EN 9100.",
			"Les rejets aqueux des ateliers de traitement de surface relèvent des rubriques 2565 et 3260 de la nomenclature des installations classées.",
		},
		enTitles: []string{
			"Hexavalent chromium: Commission reviews REACH authorisation for plating baths",
			"Surface treatment: new conditions of use for chromium trioxide ({year})",
			"ECHA committees back restriction of chromium VI substances in electroplating",
		},
		enSentences: []string{
			"Surface treatment shops using chromium trioxide will have to show that worker exposure to hexavalent chromium is minimised.",
			"ECHA published the opinion of its committees on the restriction of hexavalent chromium in hard and decorative chrome plating.",
			"Electroplating companies have {n} days to update their authorisation dossier under the REACH regulation.",
			"Chromium-free passivation and anodising are being trialled by {co} at its {town} plant.",
			"Replacing chromium VI in plating baths remains difficult for aerospace parts certified to EN 9100.",
		},
	},
	{ // ICPE, industrial emissions
		frTitles: []string{
			"ICPE : arrêté du {date} modifiant les prescriptions applicables aux installations classées soumises à enregistrement",
			"Émissions industrielles : transposition de la directive IED révisée",
			"Installations classées : nouvelles valeurs limites de rejets atmosphériques pour le travail des métaux",
		},
		frSentences: []string{
			"L'arrêté fixe les prescriptions générales applicables aux installations classées pour la protection de l'environnement relevant de la rubrique 2560.",
			"Les exploitants devront réaliser une surveillance semestrielle des rejets atmosphériques de composés organiques volatils.",
			"La révision de la directive relative aux émissions industrielles étend les meilleures techniques disponibles aux ateliers de traitement des métaux.",
			"Le préfet peut imposer par arrêté complémentaire des valeurs limites plus strictes lorsque le milieu récepteur est sensible.",
			"L'inspection des installations classées a mené {n} contrôles dans la région en {year}, dont un tiers dans la métallurgie.",
			"Les effluents industriels doivent faire l'objet d'un prétraitement avant raccordement au réseau public.",
		},
		enTitles: []string{
			"Industrial Emissions Directive: revised BAT conclusions for the smitheries and foundries sector",
			"Emissions to air: new limits for volatile organic compounds in metal finishing",
		},
		enSentences: []string{
			"The revised Industrial Emissions Directive extends best available techniques to metal processing plants.",
			"Operators will have to monitor emissions to air of volatile organic compounds twice a year.",
			"Industrial wastewater must be pretreated before it is discharged to the municipal sewer.",
			"The competent authority inspected {n} installations in {year}, a third of them in metalworking.",
		},
	},
	{ // PFAS, chemicals
		frTitles: []string{
			"PFAS : la restriction universelle entre en phase de consultation",
			"Substances per- et polyfluoroalkylées : trajectoire de réduction des rejets aqueux",
		},
		frSentences: []string{
			"La proposition de restriction des PFAS couvre plus de {n} substances utilisées dans les revêtements et les fluides techniques.",
			"Les sites industriels rejetant des substances per- et polyfluoroalkylées devront mesurer leurs rejets aqueux chaque trimestre.",
			"L'inscription de nouvelles substances extrêmement préoccupantes sur la liste candidate déclenche une obligation d'information des clients.",
			"Le règlement CLP impose un nouvel étiquetage des mélanges contenant des perturbateurs endocriniens.",
		},
		enTitles: []string{
			"PFAS: universal restriction proposal enters consultation",
			"Forever chemicals: ECHA updates the candidate list of substances of very high concern",
		},
		enSentences: []string{
			"The PFAS restriction proposal covers more than {n} per- and polyfluoroalkyl substances used in coatings and technical fluids.",
			"Adding substances of very high concern to the candidate list triggers a duty to inform customers under REACH.",
			"The CLP regulation requires new labelling for mixtures containing endocrine disruptors.",
		},
	},
	{ // waste, circular economy
		frTitles: []string{
			"Déchets dangereux : traçabilité dématérialisée obligatoire au {date}",
			"Économie circulaire : nouvelles filières de responsabilité élargie du producteur",
		},
		frSentences: []string{
			"Les producteurs de déchets dangereux doivent enregistrer chaque bordereau de suivi dans le registre national.",
			"Les copeaux métalliques souillés d'huiles de coupe sont des déchets industriels dont la valorisation doit être tracée.",
			"La sortie du statut de déchet des métaux triés permet leur réemploi direct en fonderie.",
			"L'éco-organisme agréé pour la filière des articles de bricolage prend en charge {n} tonnes de déchets par an.",
		},
		enTitles: []string{
			"Hazardous waste: electronic tracking becomes mandatory",
			"Circular economy: end-of-waste criteria for sorted metal scrap",
		},
		enSentences: []string{
			"Producers of hazardous waste must record every consignment note in the national register.",
			"Metal chips soiled with cutting oil are industrial waste whose recovery must be traced.",
			"End-of-waste criteria for sorted metal scrap allow it to go straight back to the foundry.",
		},
	},
	{ // MDR, notified bodies, EUDAMED
		frTitles: []string{
			"Dispositifs médicaux : prolongation des délais de transition du règlement (UE) 2017/745",
			"MDR : l'ANSM publie ses recommandations sur les organismes notifiés",
			"EUDAMED : ouverture obligatoire des modules d'enregistrement des acteurs et des dispositifs",
		},
		frSentences: []string{
			"Le règlement (UE) 2017/745 relatif aux dispositifs médicaux prévoit des délais de transition jusqu'en {year} pour les dispositifs de classe III.",
			"Les fabricants doivent avoir signé un accord écrit avec un organisme notifié pour bénéficier de la prolongation.",
			"L'enregistrement des dispositifs dans EUDAMED et l'attribution de l'identifiant unique des dispositifs deviennent obligatoires.",
			"Le groupe de coordination MDCG a publié une nouvelle ligne directrice sur la surveillance après commercialisation.",
			"La matériovigilance impose de déclarer sans délai tout incident grave impliquant un dispositif médical.",
			"Les sous-traitants fabriquant des dispositifs médicaux pour le compte de {co} doivent tenir un système de management de la qualité conforme à l'ISO 13485.",
		},
		enTitles: []string{
			"Medical devices: transition periods of Regulation (EU) 2017/745 extended",
			"MDR: MDCG guidance on notified bodies and post-market surveillance",
			"FDA finalises the Quality Management System Regulation (QMSR) aligned with ISO 13485",
		},
		enSentences: []string{
			"Regulation (EU) 2017/745 on medical devices allows transition periods until {year} for class III devices.",
			"Manufacturers must have signed a written agreement with a notified body to benefit from the extension.",
			"Registration in EUDAMED and unique device identification become mandatory for every device.",
			"The FDA's Quality Management System Regulation replaces 21 CFR 820 requirements with ISO 13485.",
			"A field safety notice was issued after {n} units of an infusion pump showed a software fault.",
			"The 510(k) premarket notification must show substantial equivalence to a predicate device.",
		},
	},
	{ // implants, LPP
		frTitles: []string{
			"Implants orthopédiques : inscription de nouvelles prothèses de hanche sur la LPP",
			"Implants rachidiens en titane : avis de la commission d'évaluation",
		},
		frSentences: []string{
			"L'arrêté inscrit sur la liste des produits et prestations remboursables {n} références d'implants orthopédiques en titane.",
			"Les prothèses de hanche à couple de frottement métal-métal font l'objet d'un suivi renforcé.",
			"La biocompatibilité des implants en alliage de cobalt-chrome doit être évaluée selon l'ISO 10993.",
			"Les implants dentaires usinés en titane par {co} ont obtenu le marquage CE en {year}.",
		},
		enTitles: []string{
			"Orthopaedic implants: new hip prostheses added to the reimbursement list",
			"Spinal implants in titanium: biocompatibility testing under ISO 10993",
		},
		enSentences: []string{
			"Orthopaedic implants machined from titanium and CoCr alloys must be tested for biocompatibility under ISO 10993.",
			"Metal-on-metal hip prostheses remain under enhanced surveillance.",
			"Dental implants made by {co} received CE marking in {year}.",
		},
	},
	{ // surgical instruments, sterilisation
		frTitles: []string{
			"Instruments chirurgicaux réutilisables : exigences de retraitement et de stérilisation",
		},
		frSentences: []string{
			"Les instruments chirurgicaux réutilisables doivent être accompagnés d'instructions de nettoyage et de stérilisation validées.",
			"Les ancillaires fournis avec les implants sont des dispositifs médicaux de classe I réutilisables.",
			"La stérilisation à la vapeur des instruments en acier inoxydable 316L impose une passivation soignée.",
		},
		enTitles: []string{
			"Reusable surgical instruments: reprocessing and sterilisation requirements",
		},
		enSentences: []string{
			"Reusable surgical instruments must come with validated cleaning and sterilisation instructions.",
			"Stainless steel surgical instruments need careful passivation to withstand steam sterilisation.",
		},
	},
	{ // machinery, work equipment
		frTitles: []string{
			"Sécurité des machines : le règlement (UE) 2023/1230 remplace la directive machines",
			"Équipements de travail : contrôles périodiques des presses et des machines-outils",
		},
		frSentences: []string{
			"Le règlement (UE) 2023/1230 sur les machines s'appliquera à partir du {date} et remplace la directive 2006/42/CE.",
			"Les presses mécaniques et hydrauliques doivent faire l'objet d'une vérification générale périodique tous les trois mois.",
			"Les machines-outils à commande numérique intégrant des fonctions d'apprentissage relèvent de nouvelles exigences de cybersécurité.",
			"L'évaluation des risques professionnels doit être mise à jour dans le document unique après toute modification des équipements de travail.",
		},
		enTitles: []string{
			"Machinery Regulation (EU) 2023/1230: what changes for machine builders",
			"Work equipment: periodic inspection of presses and machine tools",
		},
		enSentences: []string{
			"The Machinery Regulation (EU) 2023/1230 replaces the Machinery Directive 2006/42/EC from {date}.",
			"Mechanical and hydraulic presses must be inspected every three months.",
			"CNC machine tools with self-learning functions face new cybersecurity requirements.",
		},
	},
	{ // dust, noise, vibration in polishing
		frTitles: []string{
			"Polissage : valeurs limites d'exposition professionnelle aux poussières métalliques",
			"Silice cristalline : l'INRS publie un guide pour les ateliers de sablage",
		},
		frSentences: []string{
			"Les opérateurs de polissage et d'ébavurage sont exposés aux poussières métalliques, au bruit et aux vibrations main-bras.",
			"La valeur limite d'exposition professionnelle à la silice cristalline alvéolaire est abaissée à {n} microgrammes par mètre cube.",
			"Le grenaillage et le sablage doivent être réalisés en cabine ventilée avec captage à la source.",
			"Les maladies professionnelles liées aux vibrations représentent {n} cas reconnus en {year}.",
		},
		enTitles: []string{
			"Polishing: occupational exposure limits for metal dust",
			"Respirable crystalline silica: new guidance for blasting shops",
		},
		enSentences: []string{
			"Polishing and deburring operators are exposed to metal dust, noise and hand-arm vibration.",
			"The occupational exposure limit for respirable crystalline silica is lowered to {n} micrograms per cubic metre.",
			"Shot blasting must be done in ventilated booths with local exhaust.",
		},
	},
	{ // additive manufacturing, machining, innovation
		frTitles: []string{
			"Fabrication additive métallique : appel à projets France 2030",
			"Usinage : le CETIM présente ses essais sur les fluides de coupe sans bore",
			"Industrie du futur : {co} investit dans un jumeau numérique de son atelier d'usinage",
		},
		frSentences: []string{
			"L'appel à projets finance la fabrication additive de pièces en titane pour l'aéronautique et le médical.",
			"Le CETIM a comparé {n} fluides de coupe sur des opérations de tournage et de fraisage de l'inox.",
			"Les centres d'usinage cinq axes couplés à un jumeau numérique réduisent les temps de réglage de moitié.",
			"Bpifrance accompagne les sous-traitants de la mécanique dans leur projet d'industrie 4.0.",
			"La métallurgie des poudres permet de produire des pièces proches des cotes finales sans reprise d'usinage.",
		},
		enTitles: []string{
			"Metal additive manufacturing: Horizon Europe call for projects",
			"Machining: trials of boron-free metalworking fluids",
		},
		enSentences: []string{
			"The call funds additive manufacturing of titanium parts for aerospace and medical uses.",
			"{n} metalworking fluids were compared in turning and milling of stainless steel.",
			"Five-axis machining centres coupled with a digital twin halve set-up times.",
			"Powder metallurgy produces near-net-shape parts without further machining.",
		},
	},
	{ // forging, heat treatment
		frTitles: []string{
			"Forge et traitement thermique : aide à la décarbonation des fours",
			"Traitement thermique : prescriptions pour les bains de sels et les huiles de trempe",
		},
		frSentences: []string{
			"Les forges et les ateliers de traitement thermique peuvent obtenir une aide pour électrifier leurs fours de réchauffage.",
			"La trempe à l'huile et la cémentation gazeuse relèvent de la rubrique 2561 des installations classées.",
			"Le matriçage à chaud de pièces automobiles consomme {n} mégawattheures par an sur le site de {town}.",
			"Les fours de revenu et de nitruration doivent être équipés d'un dispositif de détection des fuites d'ammoniac.",
		},
		enTitles: []string{
			"Forging and heat treatment: support for furnace decarbonisation",
			"Heat treatment: rules for salt baths and quench oils",
		},
		enSentences: []string{
			"Forging shops and heat treatment plants can get support to electrify their reheating furnaces.",
			"Oil quenching and gas carburising plants must detect ammonia leaks from nitriding furnaces.",
			"Closed-die forging of automotive parts uses {n} megawatt hours a year at the {town} plant.",
		},
	},
	{ // automotive, aerospace, agriculture
		frTitles: []string{
			"Automobile : homologation des véhicules et nouvelles exigences Euro 7",
			"Aéronautique : l'AESA révise les exigences applicables aux fournisseurs de pièces",
		},
		frSentences: []string{
			"Les équipementiers automobiles certifiés IATF 16949 doivent intégrer les exigences Euro 7 dans leurs plans de contrôle.",
			"Les fournisseurs de pièces aéronautiques certifiés EN 9100 bénéficient d'une exemption REACH pour certains usages.",
			"Les pièces de machines agricoles forgées à {town} équipent {n} tracteurs par an.",
			"La directive sur les véhicules hors d'usage fixe un taux de réemploi et de recyclage de 85 %.",
		},
		enTitles: []string{
			"Automotive: vehicle type approval and Euro 7 requirements",
			"Aerospace: EASA revises rules for parts suppliers",
		},
		enSentences: []string{
			"Automotive suppliers certified to IATF 16949 must add Euro 7 requirements to their control plans.",
			"Aerospace parts suppliers certified to EN 9100 keep a REACH exemption for some uses.",
			"Agricultural machinery parts forged in {town} equip {n} tractors a year.",
		},
	},
}

// Fillers for the placeholders.
var (
	companies = []string{"Forges de Bologne", "Thermi Lorraine", "Polissage Chaumontais", "Ortho Précision",
		"Mécanique de l'Aube", "Chirurgie Instruments Nogent", "Aéro Usinage", "Traitements Haut-Marnais",
		"Coutellerie de Langres", "Implants Champagne", "Agri Pièces", "Auto Frappe"}
	towns = []string{"Nogent", "Chaumont", "Langres", "Saint-Dizier", "Bologne", "Biesles", "Troyes",
		"Besançon", "Thiers", "Vesoul", "Reims", "Dijon"}
)

// enGeneral are English sentences of our own on matters no member watches
// (finance, procurement, farming, trade), as real EU and US feeds carry
// many: they widen the small English bank of real text.
var enGeneral = []string{
	"The Council adopted its position on the proposal for a regulation on payment services in the internal market.",
	"The Commission opened a public consultation on the review of the rules on state aid for regional development.",
	"Member States will have until the end of next year to transpose the directive into national law.",
	"The agency received more than four hundred comments during the consultation period and published a summary of them.",
	"The committee voted on the draft report by a large majority, with a few abstentions.",
	"The new rules on public procurement simplify the procedures for contracts below the European thresholds.",
	"The proposal aims to reduce the administrative burden on small and medium-sized enterprises.",
	"The report assesses the implementation of the common agricultural policy in the last programming period.",
	"Fishing opportunities for the coming year were set after scientific advice on the state of the stocks.",
	"The department announced the closing date for applications to the grant programme.",
	"The final rule takes effect thirty days after its publication in the Federal Register.",
	"Comments must be received on or before the date indicated in the notice to be considered.",
	"The Court of Justice ruled that the national measure was compatible with the freedom to provide services.",
	"The interinstitutional negotiations reached a provisional agreement late in the night.",
	"The plenary will vote on the text at its next session in Strasbourg.",
	"The briefing describes the background of the proposal and the positions of the main stakeholders.",
	"Customs authorities will apply the new tariff classification from the first day of the quarter.",
	"The budget for the programme amounts to several billion euros over seven years.",
	"The regulation lays down the procedure for the designation of the competent authorities.",
	"Stakeholders asked for more time to adapt their information systems to the new reporting format.",
	"The study recommends closer cooperation between national supervisors and the European authority.",
	"An impact assessment accompanies the proposal and compares three policy options.",
	"The notice corrects a typographical error in the table published last month.",
	"The agency extended the comment period by sixty days at the request of several trade associations.",
	"The decision concerns the appointment of members of the advisory board for a term of three years.",
	"Animal health rules for the movement of livestock between Member States were updated.",
	"The trade agreement removes tariffs on most industrial goods over a transition period.",
	"The audit found weaknesses in the controls on the use of the recovery funds.",
	"The evaluation concludes that the objectives of the programme were partly met.",
	"The Parliament called on the Commission to present a legislative proposal before the end of the year.",
	"Banks will have to report their exposures under the new framework every quarter.",
	"The guidance clarifies how the exemption applies to cooperatives and mutual societies.",
	"Small farms can apply for a simplified payment scheme under the revised rules.",
	"The office published the list of approved bodies and their scope of activity.",
	"The measures apply without prejudice to the rules on the protection of personal data.",
	"Energy prices remained high during the winter, weighing on household budgets.",
	"The tax authority updated its guidance on the deduction of research expenses.",
	"The delegated act supplements the regulation with technical details on the reporting templates.",
	"The Commission will report on the application of the rules five years after their entry into force.",
	"Public comments on the information collection should address the accuracy of the burden estimate.",
}
