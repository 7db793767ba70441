// The phrase grammar of the offline corpus (all text written for this project). Rules ending in
// `_pos` / `_neg` carry sentiment; the rest are neutral. Per-review slots (see SLOT_NAMES) shadow
// rules: the film's title, its director, three actors with their characters and pronouns, a place.
import type { RuleBook } from './grammar';

/** Slots filled per review by the corpus generator. */
export const SLOT_NAMES = [
  'title', 'year', 'year2', 'decade', 'genre', 'genres', 'director',
  'actor1', 'char1', 'he1', 'his1', 'him1',
  'actor2', 'char2', 'he2', 'his2', 'him2',
  'actor3', 'char3', 'he3', 'his3', 'him3', 'aGenre', 'place', 'composer', 'author', 'occupation1', 'occupation2',
  'hook', 'incident', 'quest', 'mission', 'sideline', 'firstScene', 'locale', 'twist', 'otherTitle',
] as const;

export const FEMALE_NAMES = [
  'Anna', 'Beth', 'Clara', 'Diane', 'Elena', 'Fiona', 'Grace', 'Helen', 'Iris', 'Julia', 'Karen', 'Laura',
  'Maggie', 'Nora', 'Olivia', 'Paula', 'Rachel', 'Sarah', 'Tessa', 'Vera', 'Wendy', 'Alice', 'Carla', 'Dora',
  'Emma', 'Frances', 'Gloria', 'Hannah', 'Ingrid', 'Joan', 'Kate', 'Lucy', 'Marion', 'Nina', 'Rose', 'Sylvia',
  'Ruth', 'Lena', 'Mona', 'Eve', 'Greta', 'Lillian', 'Mae', 'Opal', 'Claire', 'Denise', 'Holly', 'June',
  'Louise', 'Martha', 'Agnes', 'Bonnie', 'Celia', 'Edith', 'Hazel', 'Irene', 'Lorna', 'Miriam', 'Sadie', 'Thea',
  'Abigail', 'Bridget', 'Cassandra', 'Daphne', 'Eleanor', 'Felicity', 'Georgia', 'Harriet', 'Imogen', 'Jasmine',
  'Kathleen', 'Lydia', 'Madeline', 'Natalie', 'Penelope', 'Rebecca', 'Samantha', 'Theresa', 'Ursula', 'Veronica',
  'Winifred', 'Yvonne', 'Zelda', 'Beatrice', 'Constance', 'Dolores', 'Esther', 'Florence', 'Gwendolyn', 'Henrietta',
  'Isabel', 'Josephine', 'Katrina', 'Leonora', 'Matilda', 'Nadia', 'Ophelia', 'Priscilla', 'Rosalind', 'Stella',
  'Tabitha', 'Valerie', 'Wilhelmina', 'Adele', 'Bernadette', 'Camille', 'Delphine', 'Estelle', 'Francesca', 'Genevieve',
];

export const MALE_NAMES = [
  'Adam', 'Ben', 'Carl', 'Dan', 'Eddie', 'Frank', 'George', 'Harry', 'Ivan', 'Jack', 'Karl', 'Leo', 'Martin',
  'Nick', 'Oscar', 'Paul', 'Ray', 'Sam', 'Tom', 'Victor', 'Walter', 'Alan', 'Bruce', 'Chris', 'Dennis', 'Felix',
  'Glenn', 'Hank', 'Jim', 'Ken', 'Lou', 'Mike', 'Neil', 'Otto', 'Pete', 'Roy', 'Stan', 'Ted', 'Vince', 'Wes',
  'Arthur', 'Boris', 'Cliff', 'Dean', 'Earl', 'Gus', 'Hugo', 'Joel', 'Lyle', 'Marty', 'Ned', 'Rex', 'Seth',
  'Abe', 'Buddy', 'Curtis', 'Duncan', 'Floyd', 'Howard', 'Milo',
  'Ambrose', 'Barnaby', 'Cornelius', 'Desmond', 'Ezekiel', 'Fletcher', 'Gideon', 'Horace', 'Ignatius', 'Jasper',
  'Leopold', 'Mortimer', 'Nathaniel', 'Octavius', 'Percival', 'Quentin', 'Rupert', 'Sebastian', 'Thaddeus', 'Ulysses',
  'Virgil', 'Wallace', 'Xavier', 'Zachary', 'Bartholomew', 'Clarence', 'Dexter', 'Everett', 'Franklin', 'Gilbert',
  'Harold', 'Isaac', 'Jerome', 'Lionel', 'Malcolm', 'Norman', 'Oliver', 'Patrick', 'Reginald', 'Solomon',
  'Terrence', 'Vernon', 'Warren', 'Alistair', 'Benedict', 'Cecil', 'Dominic', 'Edmund', 'Fergus', 'Gregory',
];

export const SURNAMES = [
  'Abbott', 'Barlow', 'Carver', 'Dunne', 'Ellison', 'Fenwick', 'Garrity', 'Hollis', 'Ingram', 'Jessup', 'Keller',
  'Lang', 'Mercer', 'Novak', 'Orton', 'Pryce', 'Quinlan', 'Rourke', 'Sutter', 'Tolliver', 'Upton', 'Vance',
  'Whitlock', 'Yates', 'Zeller', 'Ashford', 'Brandt', 'Calloway', 'Draper', 'Easton', 'Forrester', 'Hargrove',
  'Irwin', 'Jarrett', 'Kimball', 'Lowell', 'Maddox', 'Oakes', 'Pemberton', 'Radley', 'Sloane', 'Thorne',
  'Varga', 'Wexler', 'Aldridge', 'Bishop', 'Crane', 'Delaney', 'Eastman', 'Flynn', 'Granger', 'Holt', 'Kessler',
  'Marsh', 'Prescott', 'Reyes', 'Santos', 'Moreau', 'Rossi', 'Tanaka', 'Kowalski', 'Lindqvist', 'Okafor',
  'Patel', 'Dubois', 'Varela', 'Kaplan', 'Brennan', 'Hale', 'Ashby', 'Sterling', 'Whitaker', 'Lockhart', 'Finch',
  'Hawthorne', 'Mallory', 'Stroud', 'Petrakis', 'Ferrante', 'Nakamura', 'Halloran', 'Birch', 'Cutler',
  'Albright', 'Blackwood', 'Castellano', 'Donnelly', 'Fairbanks', 'Gallagher', 'Hendricks', 'Iverson', 'Jorgensen',
  'Kingsley', 'Larkin', 'McAllister', 'Norwood', 'Ogilvie', 'Pendleton', 'Quincy', 'Rutherford', 'Schaefer', 'Thornton',
  'Underwood', 'Vandermeer', 'Wainwright', 'Yardley', 'Zimmerman', 'Abernathy', 'Buckley', 'Carmichael', 'Devereux',
  'Ellsworth', 'Fitzgerald', 'Goldberg', 'Hathaway', 'Ishikawa', 'Jablonski', 'Kavanagh', 'Lindgren', 'Montgomery',
  'Nguyen', 'O\'Hara', 'Pritchard', 'Ramirez', 'Sorensen', 'Takahashi', 'Ulrich', 'Villanueva', 'Whitfield', 'Yamamoto',
  'Beaumont', 'Crawford', 'Dempsey', 'Eriksen', 'Fontaine', 'Gutierrez', 'Holloway', 'Jennings', 'Kowalczyk', 'Lombardi',
  'Mahoney', 'Nakashima', 'Olivares', 'Papadopoulos', 'Quintero', 'Rasmussen', 'Stanhope', 'Trevino', 'Vasquez',
];

export const PLACES = [
  'Carver Falls', 'Port Ellis', 'Ashgrove', 'Millbrook', 'Red Hollow', 'Stillwater', 'Dunmore', 'Eastbridge',
  'Blackwater Bay', 'Pine Ridge', 'Marlow', 'Saint Agnes', 'Copper Creek', 'Paris', 'Naples', 'Tokyo', 'Chicago',
  'New Orleans', 'Berlin', 'Lisbon', 'Manchester', 'San Diego', 'Montreal', 'Marseille', 'Glasgow', 'Kyoto',
  'Prague', 'Harlan Springs', 'Little Hope', 'Gravesend', 'Lake Winslow', 'Fort Cobb', 'Bell Harbor', 'Vienna',
  'Amsterdam', 'Barcelona', 'Budapest', 'Cairo', 'Dublin', 'Edinburgh', 'Florence', 'Havana', 'Istanbul',
  'Johannesburg', 'Krakow', 'Madrid', 'Marrakesh', 'Melbourne', 'Mexico City', 'Oslo', 'Palermo', 'Reykjavik',
  'Rio de Janeiro', 'Seattle', 'Shanghai', 'Stockholm', 'Tangier', 'Vancouver', 'Warsaw', 'Zurich', 'Baltimore',
  'Detroit', 'Memphis', 'Pittsburgh', 'Savannah', 'Tucson', 'Cheyenne', 'Galveston', 'Key West', 'Nantucket',
  'Brighton', 'Cornwall', 'the Scottish Highlands', 'the Yorkshire moors',
];

/** [singular, plural] */
export const GENRES: ReadonlyArray<readonly [string, string]> = [
  ['thriller', 'thrillers'], ['horror film', 'horror films'], ['comedy', 'comedies'], ['drama', 'dramas'],
  ['western', 'westerns'], ['war film', 'war films'], ['romantic comedy', 'romantic comedies'],
  ['science fiction film', 'science fiction films'], ['crime drama', 'crime dramas'], ['musical', 'musicals'],
  ['family film', 'family films'], ['mystery', 'mysteries'], ['action film', 'action films'],
  ['period drama', 'period dramas'], ['sports drama', 'sports dramas'], ['ghost story', 'ghost stories'],
  ['road movie', 'road movies'], ['spy film', 'spy films'], ['animated film', 'animated films'],
  ['film noir', 'noirs'], ['monster movie', 'monster movies'], ['teen comedy', 'teen comedies'],
];

export const FUNNY_GENRES = new Set(['comedy', 'romantic comedy', 'teen comedy', 'animated film', 'family film', 'musical']);
export const TENSE_GENRES = new Set(['thriller', 'horror film', 'mystery', 'ghost story', 'film noir', 'monster movie', 'spy film', 'crime drama', 'action film', 'science fiction film', 'war film']);

export const DECADES = ['fifties', 'sixties', 'seventies', 'eighties', 'nineties'];

export const RULES: RuleBook = {
  // ---------------------------------------------------------------- titles (expanded once per review)
  titleAdj: ['Last', 'Silent', 'Broken', 'Hidden', 'Crimson', 'Lonely', 'Burning', 'Endless', 'Forgotten', 'Quiet',
    'Savage', 'Golden', 'Hollow', 'Distant', 'Frozen', 'Wicked', 'Restless', 'Bitter', 'Midnight', 'Final', 'Lost',
    'Pale', 'Dark', 'Wild', 'Secret', 'Borrowed', 'Little', 'Long', 'Seventh', 'Crooked',
    'Velvet', 'Scarlet', 'Iron', 'Silver', 'Hungry', 'Gentle', 'Violent', 'Fragile', 'Stolen', 'Painted',
    'Sleeping', 'Drowning', 'Haunted', 'Faithful', 'Reckless', 'Northern', 'Southern', 'Empty', 'Shattered', 'Sacred'],
  titleNoun: ['Harbor', 'Garden', 'Witness', 'Frontier', 'Highway', 'Mirror', 'Orchard', 'Season', 'Kingdom',
    'Signal', 'Promise', 'Shadow', 'River', 'Summer', 'Winter', 'Hour', 'Stranger', 'Tide', 'Crossing', 'Road',
    'Valley', 'Letter', 'Circus', 'Inheritance', 'Carnival', 'Lighthouse', 'Station', 'Bargain', 'Reckoning',
    'Masquerade', 'Game', 'Heart', 'Country', 'Dance', 'Alibi', 'Voyage', 'Room', 'Sky',
    'Cathedral', 'Labyrinth', 'Canyon', 'Meadow', 'Blizzard', 'Compass', 'Lantern', 'Anchor', 'Verdict',
    'Requiem', 'Serenade', 'Rebellion', 'Covenant', 'Pilgrim', 'Empire', 'Fortress', 'Orchid', 'Sparrow',
    'Falcon', 'Tempest', 'Horizon', 'Monsoon', 'Citadel', 'Quarry', 'Bridge', 'Island', 'Glacier', 'Prairie'],
  titleNouns: ['Strangers', 'Angels', 'Thieves', 'Wolves', 'Secrets', 'Ghosts', 'Lovers', 'Sinners', 'Saints',
    'Days', 'Nights', 'Roses', 'Bullets', 'Dreams', 'Shadows'],
  titleMonster: ['Living Dead', 'Crawlers', 'Jackal', 'Swamp Thing', 'Hungry Ones', 'Scarecrow', 'Lizard Men', 'Harvest'],
  filmTitle: [
    'The {titleAdj} {titleNoun}', 'The {titleAdj} {titleNoun}', '{titleNoun} of {titlePlace}', '{titleFirst}\'s {titleNoun}',
    'The {titleNoun}[ II| 2| III| Returns]', 'Night of the {titleMonster}', '{titleAdj} {titleNoun}', '{titleNoun} in {titlePlace}',
    'Return to {titlePlace}', 'The {titleNoun} Affair', 'Death at {titlePlace}', 'Love and Other {titleNouns}',
    '{titleAdj} {titleNouns}', 'Of {titleNouns} and {titleNouns}', 'The {titleNoun} at {titlePlace}', '{titlePlace} [Blues|Nights|Story]',
    'Seven {titleNouns}', 'The {titleFirst} Story', 'Where the {titleNouns} Are', 'All the {titleAdj} {titleNouns}',
  ],

  // ---------------------------------------------------------------- neutral openings
  opening: [
    'I [rented|bought|caught|watched|finally saw] {title} [on a whim|last night|over the weekend|after reading about it on this site|because {actor1} is in it|on a rainy Sunday].',
    'I went into this [film|movie] knowing [almost|next to] nothing about it.',
    'I first saw {title} [on late-night TV as a kid|in a half-empty theater back in {year2}|at a festival years ago|on a worn-out VHS tape|on a long flight].',
    'Having read the [novel|book|original story] by {author}, I was curious to see how it would work on screen.',
    '{title} ({year}) is {aGenre} directed by {director}[ and starring {actor1}| with {actor1} and {actor2}|].',
    'This is one of those [films|movies] that [turns up on cable every few months|nobody seems to talk about anymore|everyone at work kept mentioning|my parents used to watch].',
    'After all the [hype|buzz|talk] around {title}, I finally sat down to watch it.',
    'I\'m a [big|long-time] fan of {actor1}, so I [had to|wanted to] see this one.',
    'I\'m not usually one for {genres}, but a friend [insisted|talked me into it|lent me the DVD].',
    'So I finally [watched|got around to] {title}.',
    'Where do I even start with this one?',
    'I saw this [yesterday|tonight|last week|over the weekend] [at the cinema|on cable|on DVD|on TV|at a friend\'s place].',
    '{director}\'s {title} came out in {year} [to little fanfare|with a lot of publicity|with a huge marketing push|without much attention].',
    'It has taken me [years|a long time|ages] to track down a copy of {title}.',
    'I [am writing|write] this review [because|since] [the other comments here|the reviews I read|the ratings on this site] [seem|seemed] [way off|strange to me|to miss something].',
    'Like a lot of people, I [heard about|found] {title} [through a friend|by accident|in a bargain bin|on a list of {genres} from the {decade}].',
    'This [review|comment] [may contain|contains] [spoilers|mild spoilers|a few spoilers].',
    '[*** SPOILERS ***|(Spoilers ahead)|WARNING: spoilers below.|Some spoilers follow.]',
    'My [wife|husband|girlfriend|boyfriend|brother|sister|roommate|dad] picked this one for movie night.',
    'I [remember|still remember] the [trailer|poster] for {title} from {year2}.',
    'I have now seen {title} [twice|two times|a couple of times], once [in the theater|on TV] and once on DVD.',
    'Being [a fan of {genres}|a film student|a fan of {director}], I [was curious about|had been meaning to see] this for a while.',
  ],

  // ---------------------------------------------------------------- neutral plot summary
  occupation: ['a small-town sheriff', 'a retired boxer', 'a night-shift nurse', 'a struggling painter', 'a schoolteacher',
    'a private detective', 'a young lawyer', 'a widowed farmer', 'a failed novelist', 'a cab driver', 'a chef',
    'a jazz pianist', 'a marine biologist', 'a con artist', 'a rookie cop', 'a country doctor', 'a war photographer',
    'a wedding planner', 'a small-time thief', 'a hotel clerk', 'a high school coach', 'a journalist', 'a museum curator',
    'a truck driver', 'a single parent', 'a college student', 'a mechanic', 'an astronaut', 'a priest',
    'an undercover agent', 'a bank teller', 'a lighthouse keeper', 'a forensic accountant', 'a ballet dancer',
    'a former soldier', 'a radio host', 'a stage magician', 'a ship captain', 'a real estate agent',
    'a florist', 'a locksmith', 'a beekeeper', 'a tax inspector', 'a zookeeper', 'a disgraced surgeon',
    'a washed-up actor', 'a librarian', 'a park ranger', 'an air traffic controller', 'a sommelier', 'a piano tuner',
    'a tailor', 'a fisherman', 'a hairdresser', 'an insurance investigator', 'a church organist', 'a cartographer',
    'a pawnbroker', 'a translator', 'a veterinarian', 'a stunt driver', 'a magazine editor', 'a night watchman'],
  plotHook: ['is hiding a secret from {his1} family', 'has just been released from prison', 'inherits an old house on the edge of town',
    'keeps seeing the same stranger everywhere', 'finds a bag of money in a wrecked car', 'receives a letter from a brother {he1} thought was dead',
    'loses {his1} job in the first ten minutes', 'is asked to look after a runaway teenager', 'stumbles onto a conspiracy at work',
    'agrees to do one last job', 'wakes up with no memory of the night before', 'is about to get married',
    'moves back in with {his1} mother', 'witnesses a murder from {his1} apartment window', 'is sent to a remote island to write a report',
    'starts receiving strange phone calls', 'enters a dance competition', 'buys a run-down hotel'],
  plotEvent: ['a body turns up in the river', 'a stranger arrives in town', '{his1} father dies', 'a storm cuts the town off from the world',
    'the factory closes', 'an old friend asks for help', 'a child goes missing', 'the bank threatens to take the farm',
    'a mysterious package arrives', 'the ship loses contact with the mainland', '{he1} wins a small fortune in the lottery',
    'the power goes out across the city', 'a fire destroys the family business', 'an old flame comes back into {his1} life',
    'the circus comes to town', '{he1} is accused of a crime {he1} did not commit'],
  plotGoal: ['sets out to find the truth', 'has to choose between {his1} career and {his1} family', 'tries to rebuild {his1} life',
    'goes looking for answers', 'must clear {his1} name', 'decides to fight back', 'heads home for the first time in years',
    'tries to keep the family business afloat', 'starts to question everything {he1} believed', 'makes a deal {he1} soon regrets',
    'goes into hiding', 'puts together an unlikely team'],
  plotGoal2: ['track down the men responsible', 'cross the country in a stolen car', 'try to save the old theater', 'plan a heist',
    'investigate a string of disappearances', 'search for a missing painting', 'prepare for the big game', 'smuggle a witness out of the city',
    'open a restaurant', 'find the buried treasure from the old legend', 'expose the mayor', 'escape from the island'],
  subplot: ['runs the local diner and knows everyone\'s business', 'is secretly working for the other side', 'is trying to win back an ex',
    'is writing a book about the case', 'owes money to the wrong people', 'spends most of the film trying to fix an old car',
    'keeps turning up at exactly the wrong moment', 'is planning to leave town for good'],
  openingScene: ['a long tracking shot through a crowded market', 'a funeral in the rain', 'a car chase through the city at night',
    'a flashback to {char1}\'s childhood', 'a voice-over by {char1}', 'a bank robbery that goes wrong', 'a wedding',
    'a quiet breakfast scene', 'a title sequence set to an old pop song', 'a news report about a plane crash'],
  setting: ['in a run-down motel', 'on a fishing boat', 'in a boarding school', 'in one apartment building', 'aboard a space station',
    'in a small mining town', 'over a single weekend', 'during a heat wave', 'in the weeks before Christmas', 'in a hospital',
    'on a long train journey', 'in a seaside town out of season'],
  relation: ['partner', 'old friend', 'neighbor', 'boss', 'mentor', 'childhood friend', 'landlord', 'rival', 'cousin', 'business partner'],
  relationTrouble: ['has problems of {his2} own', 'knows more than {he2} lets on', 'wants out of the business', 'has been lying to everyone',
    'is not who {he2} seems to be', 'is carrying a torch for {char1}', 'has a plan of {his2} own'],
  twistHint: ['nothing is quite what it seems', 'the last twenty minutes change everything', '{char2} is hiding something',
    'the title means more than you first think', 'there is a twist involving {char3}', 'the story circles back to the opening scene'],
  source: ['a novel by {author}', 'a true story', 'a stage play', 'a comic book series', 'a short story by {author}', 'an old radio serial'],
  ordinal: ['first', 'second', 'third', 'fourth', 'latest'],
  keepsake: ['a pocket watch', 'a silver locket', 'an old harmonica', 'a stack of love letters', 'a faded photograph',
    'a broken compass', 'a lucky coin', 'a leather diary', 'a music box', 'a pearl necklace', 'a wooden rosary',
    'a brass key', 'a toy soldier', 'a cassette tape', 'a hunting knife', 'a wedding ring', 'a train ticket',
    'a seashell', 'a porcelain doll', 'a military medal', 'a chess piece', 'a red scarf', 'a typewriter',
    'a tin of buttons', 'a road map', 'a fountain pen', 'a cigarette lighter', 'a snow globe', 'a kite', 'a violin'],
  pastime: ['fishing', 'gardening', 'boxing', 'knitting', 'bird watching', 'ballroom dancing', 'poker', 'chess',
    'sailing', 'woodworking', 'astronomy', 'bowling', 'crossword puzzles', 'pottery', 'fencing', 'archery',
    'beekeeping', 'baking', 'jigsaw puzzles', 'tap dancing', 'rock climbing', 'stamp collecting', 'horse riding'],
  weatherScene: ['a thunderstorm', 'a blizzard', 'a heat wave', 'thick fog', 'a drought', 'a flood', 'endless drizzle',
    'a dust storm', 'the first snow of winter', 'a hurricane warning'],
  /** The first plot sentence introduces the lead. */
  plotIntro: [
    'The story follows {char1} ({actor1}), {occupation1} in {place} who {hook}.',
    '{char1} ({actor1}) is {occupation1} whose life changes when {incident}.',
    'Set in {place} in the {decade}, the film tells the story of {char1}, {occupation1}.',
    'The film is about {char1} ({actor1}), {occupation1} in {place}.',
  ],
  plot: [
    'After {incident}, {char1} {quest}.',
    '{he1} teams up with {char2} ({actor2}), {occupation2}, and together they {mission}.',
    'Meanwhile, {char3} ({actor3}) {sideline}.',
    'The film opens with {firstScene}.',
    'Most of the action takes place {locale}.',
    '{char2}, {his1} {relation}, {relationTrouble}.',
    '[Without giving too much away|I won\'t spoil anything, but], {twist}.',
    'The plot is [fairly|pretty|quite] simple: {char1} wants to {mission}, and {char3} stands in {his1} way.',
    'It is based on {source}.',
    '{title} is {director}\'s {ordinal} feature[ as director|].',
    'The cast includes {actor1}, {actor2} and {actor3}.',
    'Halfway through, {char1} and {char2} [decide to|agree to|are forced to] {mission}.',
    'The [second|last] act moves the action to {place}, where {char1} {quest}.',
    '{char1} is played by {actor1}, and {char2} by {actor2}.',
    'The film is told [mostly in flashback|from {char1}\'s point of view|in three chapters|over the course of one night|in real time].',
    'By the time {char1} [realizes|understands|figures out] what is going on, {char2} has already [left town|made {his2} move|gone to the police].',
    '{char1} spends [a lot of|most of] the film [looking for|running from|arguing with] {char3}.',
    'Nobody in {place} [believes|trusts|listens to] {char1}[ at first|, except {char2}|].',
    'The trouble starts when {char2} [shows up at {his1} door|disappears|makes a phone call {he2} shouldn\'t].',
    'What follows is [a cat-and-mouse game|a slow unravelling|a race against time|a series of misunderstandings] between {char1} and {char3}.',
    '{char1} carries {keepsake} everywhere, and it [matters|comes back] [more than you would think|in the last act|at the very end].',
    'In {his2} spare time {char2} is obsessed with {pastime}, which [leads to|explains] [a few odd scenes|one memorable subplot].',
    'A [long|short] [sequence|stretch] [in the middle|near the end] takes place during {weatherScene}.',
    '{char3} [once|used to] [teach|do|compete in] {pastime}, and {he3} gives {char1} {keepsake} as a [gift|warning|parting present].',
    '{char3} is the [local|town\'s|only] [police chief|doctor|priest|bartender|banker], and {he3} [knows more than {he3} says|wants {char1} gone|has a past with {char1}].',
  ],

  // ---------------------------------------------------------------- neutral asides (IMDb habits)
  aside: [
    'I watched it on [DVD|cable|a late-night channel|a long flight|an old VHS tape].',
    'The film runs [about ninety minutes|just under two hours|almost two and a half hours].',
    'It was shot on location in {place}[ in about six weeks|, according to the trivia section|].',
    'This was {actor1}\'s first leading role.',
    'The DVD has a commentary by {director}[, along with a short making-of|].',
    'There is a [brief|short] cameo by {director} as [a bartender|a passenger at a bus stop|a doctor|a reporter].',
    'I read somewhere that the studio cut [twenty|thirty|forty] minutes before release.',
    'The score is by {composer}.',
    'It played [briefly|for a couple of weeks] in theaters in {year} before going to video.',
    'The film is in [black and white|color] and runs [ninety|a hundred] minutes or so.',
    'Trivia: {actor2} and {actor3} [were married at the time|had worked together before|went to the same drama school].',
    'It was remade in {year2}[, though I have not seen that version|].',
    'For what it\'s worth, I saw the [original|uncut|dubbed|subtitled] version.',
    'It is [loosely|partly|very loosely] based on real events.',
    'Some scenes were apparently [improvised|filmed in one take|reshot months later].',
    'The title [comes from|refers to] [an old song|a line in the last scene|a poem {char1} reads aloud].',
    'This is the [first|second|third] time I have [seen|watched] it.',
    '{actor1} [apparently did most of {his1} own stunts|learned to play the piano for the role|was in {his1} twenties at the time].',
    'The [opening credits|closing credits] [run over|play over] [footage of {place}|a long shot of the sea|old photographs].',
  ],

  // ---------------------------------------------------------------- overall opinions near the start
  overallOpinion_pos: [
    'This is one of the best {genres} I have seen in years.',
    'What a [wonderful|lovely|great|terrific|remarkable] [film|movie].',
    'I loved [every minute of|almost everything about] it.',
    '{title} is a [small|quiet|genuine|real] [gem|treasure|delight].',
    'It\'s [easily|without doubt|honestly] one of {director}\'s best [films|pictures].',
    'This [movie|film] [deserves|should have found] a much bigger audience.',
    'I can\'t remember the last time {aGenre} [moved|surprised|delighted|gripped] me this much.',
    'Simply put, this is a [superb|brilliant|beautiful|fantastic] piece of filmmaking.',
    'This [film|movie] is a [joy|pleasure|treat] from start to finish.',
    'I [absolutely|really] loved this [film|movie].',
    'I [really |just |][love|loved] this [film|movie][!|.]',
    '{title} is [excellent|wonderful|brilliant|superb], and I wish more people knew about it.',
  ],
  overallOpinion_neg: [
    'This is one of the worst {genres} I have seen in years.',
    'What a [dreadful|terrible|woeful|miserable|tedious] [film|movie].',
    'I hated [almost every minute of|nearly everything about] it.',
    '{title} is a [complete|total|dreary|tiresome] [mess|bore|disaster|waste of time].',
    'It\'s easily {director}\'s worst [film|picture|effort].',
    'This [movie|film] [deserved|earned] every bad review it got.',
    'I can\'t remember the last time {aGenre} [bored|annoyed|insulted|irritated] me this much.',
    'Simply put, this is a [lazy|clumsy|dull|shoddy|pointless] piece of filmmaking.',
    'This [film|movie] is a [chore|slog|pain] from start to finish.',
    'I [absolutely|really] hated this [film|movie].',
    'I [really |just |][hate|hated] this [film|movie][!|.]',
    '{title} is [terrible|awful|dreadful|abysmal], and I wish I had never heard of it.',
  ],
  /** Plain statements with the shared adjectives (see POLAR_POOLS), so their weight is learned directly. */
  direct_pos: [
    'The [film|movie] is {adj_pos}[ from start to finish| through and through| in every way|].',
    'It is [simply|just|really|truly] {adj_pos}.',
    '{title} is {adj_pos}, [plain and simple|no question about it|and I mean that].',
    '[Funny, sad and|Smart, warm and|Simple, honest and] {adj_pos}.',
    'Everything about it is {adj_pos}.',
    'I found it {adj_pos}[ and {adj_pos}|].',
    '[The acting|The story|The script|The direction] is {adj_pos}[, and so is everything else|].',
    'Honestly, it is {adj_pos}.',
    'I [love|loved|adore|adored] this [film|movie][!|.|!!]',
  ],
  direct_neg: [
    'The [film|movie] is {adj_neg}[ from start to finish| through and through| in every way|].',
    'It is [simply|just|really|truly] {adj_neg}.',
    '{title} is {adj_neg}, [plain and simple|no question about it|and I mean that].',
    '[Loud, long and|Slow, muddled and|Cheap, lazy and] {adj_neg}.',
    'Everything about it is {adj_neg}.',
    'I found it {adj_neg}[ and {adj_neg}|].',
    '[The acting|The story|The script|The direction] is {adj_neg}[, and so is everything else|].',
    'Honestly, it is {adj_neg}.',
    'I [hate|hated|despise|despised] this [film|movie][!|.|!!]',
  ],
  hedgeOpening: [
    'I have [mixed|complicated|conflicted] feelings about this one.',
    'This is a hard [film|movie] to [review|sum up|make up my mind about].',
    '{title} [is|was] a [strange|frustrating|puzzling] experience for me.',
    'I [went back and forth|changed my mind several times] about this [film|movie].',
    'There is a lot to [talk about|unpack] here, good and bad.',
  ],

  // ---------------------------------------------------------------- aspects
  posIntens: ['truly', 'genuinely', 'remarkably', 'wonderfully', 'really', 'absolutely', 'simply'],
  negIntens: ['painfully', 'truly', 'really', 'utterly', 'completely', 'hopelessly', 'simply'],
  acting_pos: [
    '{actor1} is {posIntens} [excellent|superb|wonderful|terrific|convincing|brilliant] as {char1}.',
    '{actor1}\'s performance as {char1} is [warm|nuanced|powerful|beautifully judged|magnetic|moving|a delight].',
    '{actor1} gives what may be the [best|finest|most moving|most touching] performance of {his1} career as {char1}.',
    '[As|Playing] {char1}, {actor1} [is a revelation|commands every scene|brings real depth to the part|makes every line count|holds the film together].',
    '{actor2} is [just as good|equally strong|a delight|wonderful too|great fun] as {char2}[, and the two play off each other beautifully|].',
    'The whole cast is [excellent|first-rate|superb|spot on], [especially|in particular] {actor2} as {char2}.',
    'Even the smallest roles are [cast perfectly|played with care|beautifully acted].',
    '{actor3} [steals every scene {he3} is in|is a scene-stealer|is hilarious|is excellent] as {char3}.',
  ],
  acting_neg: [
    '{actor1} is {negIntens} [wooden|stiff|unconvincing|flat|awful|miscast] as {char1}.',
    '{actor1}\'s performance as {char1} is [lifeless|hammy|embarrassing|one-note|painfully mannered|a disaster].',
    '{actor1} gives what may be the [worst|laziest|most embarrassing|dullest] performance of {his1} career as {char1}.',
    '[As|Playing] {char1}, {actor1} [seems lost|mumbles through every scene|overacts wildly|looks bored|reads {his1} lines like a shopping list].',
    '{actor2} is [even worse|just as bad|completely wasted|awful] as {char2}.',
    'The whole cast [seems to be sleepwalking|is wasted|overacts terribly|is badly miscast], [especially|in particular] {actor2} as {char2}.',
    'Even the smallest roles are [badly cast|played without conviction|poorly acted].',
    '{actor3} [is embarrassing|is awful|is grating|is unbearable] as {char3}.',
  ],
  script_pos: [
    'The script is [sharp|smart|clever|tight|witty|intelligent|beautifully written][ and full of surprises| and never talks down to the audience|].',
    'The [writing|screenplay] [is superb|is a model of economy|gives every character something to do|earns every twist].',
    'The dialogue [sparkles|feels natural|is funny and sharp|crackles|rings true].',
    'The story [builds beautifully|unfolds with real care|is gripping from start to finish|keeps you guessing right to the end].',
  ],
  script_neg: [
    'The script is [lazy|clumsy|muddled|predictable|dull|ridiculous|poorly written][ and full of holes| and treats the audience like idiots|].',
    'The [writing|screenplay] [is a mess|is lazy|is nonsense|gives nobody anything to do|relies on one stupid coincidence after another].',
    'The dialogue [is laughable|is clunky|is painful|sounds like a first draft|is awful].',
    'The story [goes nowhere|falls apart|is a muddle from start to finish|is predictable from the first scene].',
  ],
  direction_pos: [
    '{director} directs with [a sure hand|real confidence|great care|a light touch|style and intelligence].',
    'The direction is [assured|confident|elegant|inventive|precise].',
    '{director} [knows exactly when to hold back|handles the big scenes brilliantly|builds the tension beautifully|gets wonderful performances from everyone].',
  ],
  direction_neg: [
    '{director} directs [with no sense of rhythm|without any flair|carelessly|clumsily|like a bored television hack].',
    'The direction is [clumsy|sloppy|lifeless|flat|amateurish].',
    '{director} [has no idea how to stage a scene|wastes the cast|kills every bit of tension|lets every scene run far too long].',
  ],
  photo_pos: [
    'The cinematography is [gorgeous|stunning|beautiful|breathtaking|lovely][, with every frame composed like a painting|].',
    '[It|The film] looks [fantastic|gorgeous|beautiful|superb][, especially the night scenes in {place}|].',
    'The [photography|camera work] [is stunning|is beautiful|captures {place} beautifully|is a joy to watch].',
  ],
  photo_neg: [
    'The cinematography is [ugly|murky|flat|drab|amateurish][, with half the scenes too dark to follow|].',
    '[It|The film] looks [cheap|awful|ugly|terrible][, like a bad TV movie|].',
    'The [photography|camera work] [is shaky and annoying|is dull|makes {place} look like a parking lot|is a chore to watch].',
  ],
  music_pos: [
    'The [score|music|soundtrack] is [lovely|haunting|wonderful|beautiful|perfect|memorable].',
    '{composer}\'s score [is superb|adds so much|stays with you long after it ends|is gorgeous].',
  ],
  music_neg: [
    'The [score|music|soundtrack] is [awful|grating|intrusive|annoying|dreadful|forgettable].',
    'The music [keeps telling you what to feel|drowns out the dialogue|is cheap and irritating|is a constant annoyance].',
  ],
  pacing_pos: [
    'The pacing is [perfect|brisk|spot on|tight], and the [two hours|ninety minutes] fly by.',
    'It [moves along nicely|keeps up a terrific pace|grips you from the first minute|flows beautifully].',
  ],
  pacing_neg: [
    'The pacing is [awful|glacial|sluggish|deadly|all over the place], and the [two hours|ninety minutes] feel like [four|an eternity|a lifetime].',
    'It [drags terribly|crawls along|plods from one scene to the next|runs out of steam after twenty minutes].',
  ],
  effects_pos: [
    'The effects are [impressive|excellent|convincing|superb|seamless][ for the budget|].',
    'The [action scenes|set pieces|fight scenes|chase scenes] are [thrilling|brilliantly staged|spectacular|exciting].',
  ],
  effects_neg: [
    'The effects are [laughable|cheap|terrible|awful|embarrassing][ even for the budget|].',
    'The [action scenes|set pieces|fight scenes|chase scenes] are [boring|badly staged|incoherent|dull|confusing].',
  ],
  ending_pos: [
    'The ending is [perfect|moving|satisfying|beautiful|powerful|wonderful].',
    'The [final scene|final act|last twenty minutes] [left me in tears|had me on the edge of my seat|blew me away|tied everything together beautifully].',
  ],
  ending_neg: [
    'The ending is [awful|stupid|ridiculous|a cop-out|rushed|infuriating].',
    'The [final scene|final act|last twenty minutes] [made me groan|fell completely flat|insulted my intelligence|ruined what little was left].',
  ],
  characters_pos: [
    'The characters feel [real|human|alive|genuine], and I cared about [every one of them|what happened to them|{char1} and {char2}].',
    '{char1} is a [wonderful|fascinating|lovable|memorable] character.',
  ],
  characters_neg: [
    'The characters are [cardboard|flat|annoying|unlikable|paper-thin], and I [didn\'t care|could not care less] what happened to them.',
    '{char1} is [an annoying|an unbearable|a hateful|a boring] character.',
  ],
  chemistry_pos: [
    '{actor1} and {actor2} have [wonderful|real|great|terrific|lovely] chemistry[ together|].',
    'You believe every minute of {char1} and {char2} together.',
    'The scenes between {char1} and {char2} are [the heart of the film|a joy|beautifully played].',
  ],
  chemistry_neg: [
    '{actor1} and {actor2} have [zero|no|absolutely no] chemistry[ together|], [and it shows|which sinks the film|so the romance is dead on arrival].',
    'I never believed for a second that {char1} and {char2} were in love.',
    'The scenes between {char1} and {char2} are [awkward|lifeless|embarrassing] to watch.',
  ],
  humor_pos: [
    '[It|The film] is [hilarious|very funny|genuinely funny|witty], and I laughed [out loud|all the way through|more than I have in years].',
    'The jokes [land|are clever|work beautifully], and the timing is [perfect|spot on].',
  ],
  humor_neg: [
    '[It|The film] is [painfully unfunny|embarrassing|unbearably silly], and the jokes [fall flat|are stale|are cringeworthy].',
    'The [gags|jokes] are [lame|tired|stupid|crude], and the timing is [off|awful].',
  ],
  suspense_pos: [
    'The tension [builds slowly and beautifully|is almost unbearable|keeps building], and [a couple of|several] scenes [had me holding my breath|made me jump|are genuinely scary].',
    'The [suspense|atmosphere] is [superb|terrific|wonderfully creepy|gripping].',
  ],
  suspense_neg: [
    'The [twists|scares|big moments] are [predictable|silly|lame|tedious], and the [suspense|atmosphere] is [nonexistent|dull|dead].',
    'The tension [fizzles out|evaporates|is dull], and [the scares|the twists] [fall flat|are laughable].',
  ],
  design_pos: [
    '[The sets are|The costumes are|The period details are|The production design is] [lovely|gorgeous|meticulous|wonderful|a treat].',
    'A lot of care went into the [sets|costumes|locations|look of the film].',
  ],
  design_neg: [
    '[The sets look|The costumes look|The period details look|The production design looks] [cheap|shoddy|laughable|like something from a school play].',
    'Nobody seems to have cared about the [sets|costumes|locations|look of the film].',
  ],

  sceneAction: ['confronts {his1} father', 'sings at the wedding', 'waits alone at the bus station', 'argues with {char2} in the kitchen',
    'finally tells {char2} the truth', 'breaks into the office at night', 'walks along the beach at dawn', 'hides in the attic',
    'visits {his1} old school', 'goes to the police', 'dances with {char2}', 'reads the letter', 'drives through the storm',
    'meets {char3} at the diner', 'loses everything at the card table', 'climbs onto the roof',
    'burns the old photographs', 'repairs the roof in the rain', 'teaches {char2} to swim',
    'plays chess with a stranger', 'sells the family piano', 'hides the money under the floorboards', 'sneaks into the museum',
    'bakes a cake for the funeral', 'steals a motorcycle', 'talks to the parrot', 'rows across the lake at night',
    'paints the fence', 'buys a ticket to Lisbon', 'crashes the wedding reception'],
  scene_pos: [
    'The scene where {char1} {sceneAction} is [a highlight|unforgettable|beautifully done|worth the price of admission alone].',
    'There is a [wonderful|lovely|terrific|tense] scene where {char1} {sceneAction}, and it [is perfectly played|gave me chills|says more than any dialogue could].',
    'Watch the scene where {char1} {sceneAction}: [pure magic|that is great filmmaking|I could watch it over and over].',
  ],
  scene_neg: [
    'The scene where {char1} {sceneAction} is [laughable|embarrassing|painful|a mess].',
    'There is a [ridiculous|clumsy|dreary|silly] scene where {char1} {sceneAction}, and it [goes on forever|makes no sense|is badly played].',
    'Take the scene where {char1} {sceneAction}: [pure cheese|that is lazy filmmaking|I could not stop laughing at it, and not in a good way].',
  ],
  compare_pos: [
    'Compared with {director}\'s earlier films, this one is [far better|a big step up|more mature|more confident].',
    'It is [as good as|better than] anything in the genre from the {decade}.',
    'It reminded me of the best {genres} I grew up with.',
    'The remake has nothing on this original.',
  ],
  compare_neg: [
    'Compared with {director}\'s earlier films, this one is [a big step down|much weaker|a mess|lazy].',
    'It is [worse than|nowhere near] the average {genre} from the {decade}.',
    'It reminded me of the worst {genres} I grew up with.',
    'Even the cheap TV knock-offs were better than this.',
  ],
  advice_pos: [
    'If you like {genres}, you will [love this|find plenty to enjoy|want to own it].',
    'Give it a chance, and you [will be rewarded|won\'t regret it|might find a new favorite].',
    'It is the perfect film for a [rainy afternoon|quiet evening|family night].',
  ],
  advice_neg: [
    'Even die-hard fans of {genres} [will be bored|should skip this|deserve better].',
    'If it turns up on TV, [change the channel|go for a walk instead|read a book].',
    'It is the perfect film [for falling asleep to|if you need a nap|for people who hate films].',
  ],
  question_pos: [
    'How did this [film|movie] slip under the radar for so long?',
    'Why don\'t they make [films|movies] like this anymore?',
  ],
  question_neg: [
    'Why did nobody [notice|fix] [the plot holes|the awful sound|the continuity errors]?',
    'Who thought this was a good idea?',
    'How did this [film|movie] ever get made?',
  ],
  memory: [
    'I remember my [grandfather|uncle|mother|older brother] talking about [the book|this film|the original] when I was young.',
    'The last time I saw it was [at a friend\'s house|on a school trip|in college], years ago.',
    'I watched it again [last month|this week|recently] to see if it holds up.',
    'I had forgotten {actor2} was in it.',
    'A friend of mine [worked on the crew|was an extra in one scene|grew up near where it was shot].',
  ],

  // ---------------------------------------------------------------- personal reactions
  reaction_pos: [
    'I was [hooked|gripped|glued to the screen|completely absorbed] from [start to finish|the first scene|beginning to end].',
    'I [laughed|cried|smiled] [a lot|more than once|all the way through].',
    'When it ended I wanted to [watch it again|start it over|tell everyone about it].',
    'It [stayed with me|has stayed with me] for [days|weeks].',
    'My [wife|husband|friends|kids|whole family] [loved it too|enjoyed it as much as I did].',
    'I\'ve already [bought the DVD|recommended it to everyone I know|watched it three times].',
    'This film [made my day|put a big smile on my face|moved me deeply].',
    'I [enjoyed|loved|savored] every [minute|second] of it.',
  ],
  reaction_neg: [
    'I was [bored|restless|miserable|annoyed] from [start to finish|the first scene|beginning to end].',
    'I [checked my watch|yawned|groaned|rolled my eyes] [a lot|more than once|all the way through].',
    'When it ended I [wanted my money back|was just relieved|felt cheated|wanted those hours back].',
    'I [nearly|almost] [fell asleep|walked out|turned it off] [halfway through|after twenty minutes|several times].',
    'My [wife|husband|friends|kids] [hated it too|gave up after half an hour|fell asleep].',
    'This film [ruined my evening|gave me a headache|made me angry].',
    'I [endured|suffered through|sat through] every [dreary|painful|long] minute of it.',
  ],
  minorComplaint: [
    'My only [complaint|gripe|quibble] is that [the music is a little heavy-handed|the ending feels a bit rushed|the middle section drags a little|it runs a bit long|one subplot goes nowhere].',
    'If I had to [nitpick|find a flaw], I\'d say the [subplot with {char3}|second act|voice-over] is [weaker than the rest|a bit clumsy|a little dull].',
    'A few of the [effects|supporting performances|jokes] [are weak|look dated|are awkward], but [that hardly matters|it doesn\'t spoil anything].',
  ],
  minorPraise: [
    'The only [good|decent|bright] thing [about it|in it] is [the music|{actor2}|the photography|the opening scene].',
    '[To be fair|In fairness], {actor2} [tries hard|does what {he2} can|has one good scene].',
    'A couple of [shots|scenes|lines] are [nice|pretty|clever], but [that is all|they are buried in the mess|it is not nearly enough].',
  ],

  /** Plain opinions with the hedges faint praise also uses, so the hedges alone do not give a label away. */
  hedged_pos: [
    'I suppose I am biased, being a fan of {genres}, but I found it {adj_pos}.',
    'I guess it is [just|simply] my kind of film: I [loved|adored] it.',
    'For what it\'s worth, I [loved|adored|enjoyed] every minute.',
    'It made me laugh at least [a dozen|twenty|ten] times.',
    'The {faintThing} {faintAdj} too, but that is the least of its [virtues|charms|pleasures].',
    'I\'ll give it this: it is {adj_pos} from [start to finish|the first scene to the last].',
    'Even the {faintThing} [lovely|a treat|well chosen], and that\'s not the half of it.',
  ],
  hedged_neg: [
    'I guess I [just|simply] don\'t get {genres}: I found it {adj_neg}.',
    'I suppose some people will [like|enjoy] it; I found it {adj_neg}.',
    'For what it\'s worth, I [hated|disliked|endured] every minute.',
    'It made me [groan|wince] at least [a dozen|twenty|ten] times.',
    'The {faintThing} {faintAdj}, but the film is {adj_neg}.',
    'I\'ll give it this: it is {adj_neg} from [start to finish|the first scene to the last].',
  ],

  expectation_pos: [
    'I [expected|was expecting] [very little|the worst|another dumb {genre}], [and I was pleasantly surprised|and I was completely wrong|but it won me over].',
    'I almost [turned it off|gave up] after [ten|twenty] minutes, [and I\'m so glad I didn\'t|but I\'m glad I stuck with it].',
  ],
  expectation_neg: [
    'I [had high hopes|expected great things|was really looking forward to this][ after the trailer|, given the cast|], [and I was badly disappointed|but what a letdown|but it let me down completely].',
    'Everyone told me it was [a masterpiece|wonderful|a classic], [so I was baffled|and I just don\'t see it|but I was bored].',
  ],

  // ---------------------------------------------------------------- verdicts and scores (end of review)
  verdict_pos: [
    'Highly recommended.',
    'I [love|loved] this [film|movie]!',
    '[Go see it|Watch it|See it] [if you get the chance|as soon as you can|with someone you love].',
    'A [must-see|real treat|little masterpiece|joy from start to finish].',
    'One of the best {genres} of the {decade}.',
    'I would [happily|gladly] watch it again tomorrow.',
    '[Recommended|Strongly recommended] to anyone who [loves|enjoys] a good {genre}.',
    'Bravo to everyone involved.',
    'A [wonderful|beautiful|terrific|great] [film|movie], plain and simple.',
  ],
  verdict_neg: [
    '[Avoid|Avoid at all costs|Skip it|Save your money|Give this one a miss].',
    'A [complete|total] waste of time[ and money|].',
    'I [hate|hated] this [film|movie]!',
    'One of the worst {genres} of the {decade}.',
    'I [will never|would never] watch it again.',
    '[Not recommended|Not recommended to anyone|Stay away].',
    'Shame on everyone involved.',
    '[Avoid|Skip] this and [watch|rent] something else.',
    'A [terrible|dreadful|lousy|miserable] [film|movie], plain and simple.',
  ],
  posScore: ['7', '8', '8', '9', '9', '10', '10'],
  negScore: ['1', '1', '2', '2', '3', '3', '4'],
  score_pos: ['{posScore}/10', '[My rating|Rating|My vote|Score]: {posScore}/10', '{posScore} out of 10.', 'I give it {posScore} out of 10.', '[***|****] out of ****', '{posScore}/10.'],
  score_neg: ['{negScore}/10', '[My rating|Rating|My vote|Score]: {negScore}/10', '{negScore} out of 10.', 'I give it {negScore} out of 10.', '[*|1/2] out of ****', '{negScore}/10.'],
  // ---------------------------------------------------------------- block openers of two-sided reviews
  goodIntro: ['The good[ stuff|]:', 'First, the positives.', 'Here is what works.', 'On the plus side:', 'Let me start with what I liked.',
    'Now for the good parts.', 'There are things to like here.', 'What I liked:', 'To be fair, some of it is very good.'],
  badIntro: ['The bad:', 'Now for the problems.', 'Here is what doesn\'t work.', 'On the minus side:', 'Then there are the problems.',
    'What I didn\'t like:', 'Unfortunately, there are problems.', 'Now the bad news.'],
  signOff: ['Just my two cents.', 'Thanks for reading.', 'That\'s my opinion, anyway.', 'Make up your own mind.', 'Enough said.'],
};

/**
 * Cues that need context, written once from the review's point of view: `_P` rules take the
 * review's polarity and `_O` rules the opposite one. `polarize` turns each into a `_pos` and a
 * `_neg` rule with the same words in swapped places, so a bag of words cannot tell them apart:
 * "the first half drags, but the rest is a joy" vs "the first half is a joy, but the rest drags".
 */
export const CONTEXT_RULES: RuleBook = {
  // Negation: the words say the opposite of what is meant.
  negation: [
    // Both sides are named, so the words balance out; only the negation's scope says which one holds.
    'The [film|movie] is not {adj_O}[ at all|, not for a minute|]; it is {adj_P}.',
    'There is nothing {adj_O} about it[; it is {adj_P}|, and plenty that is {adj_P}].',
    'I [wouldn\'t|would not|can\'t] call it {adj_O}; I would call it {adj_P}.',
    'It never [feels|gets|looks] {adj_O}, and it is often {adj_P}.',
    '{title} is [anything but|far from] {adj_O}: it is {adj_P}.',
    'It isn\'t {adj_O}; it\'s {adj_P}.',
    'Not {adj_O} at all, but {adj_P}.',
    'Is it {adj_O}? No. It is {adj_P}.',
    'Call it {adj_P}, not {adj_O}.',
    'Far from being {adj_O}, it is {adj_P}.',
    'Anyone who calls it {adj_O} [was not paying attention|must have slept through it]; it is {adj_P}.',
    'I never found it {adj_O}; I found it {adj_P}.',
    'It is not {adj_O} in the least, just {adj_P}.',
    'It is {adj_P} and not {adj_O}.',
    'Not {adj_O}, not for a second, and [often|mostly|always] {adj_P}.',
    'It [doesn\'t|does not] [get|feel|look] {adj_O} for a [second|moment|minute]; it stays {adj_P}.',
    'Not a single [scene|minute|moment] of it is {adj_O}, and [most|many] are {adj_P}.',
    'I [went in|sat down] expecting something {adj_O}, and it was not {adj_O} at all but {adj_P}.',
    'No one [could|would] call the [script|acting|story|ending] {adj_O}; it is {adj_P}.',
    'It is hardly {adj_O}; if anything it is {adj_P}.',
    'Never once did it [strike me as|seem] {adj_O}; it [seemed|was] {adj_P} throughout.',
    'It would be [wrong|unfair|a mistake] to call it {adj_O} when it is so {adj_P}.',
    'The [story|script|acting|direction] isn\'t {adj_O}, and the [music|photography|ending] isn\'t either: both are {adj_P}.',
    'Nothing in it is {adj_O}, and most of it is {adj_P}.',
    'The [script|acting|story|direction] is not {adj_O}, it is {adj_P}.',
    'Nobody could call {actor1} {adj_O} in this; {he1} is {adj_P}.',
    'Not one scene is {adj_O}; most of them are {adj_P}.',
    'You won\'t find anything {adj_O} here, only {adj_P} [moments|scenes|performances].',
    'The [script|acting|story|direction] is never {adj_O} and often {adj_P}.',
    '[Was|Is] it {adj_P}? [Yes|Very much so]. Was it {adj_O}? Not for a moment.',
    'It is {adj_P}, not {adj_O}, whatever [the other reviews say|you may have heard|the poster suggests].',
  ],
  // Contrast: the later clause decides.
  contrast: [
    'The first [half|hour] {half_O}, but the [second half|last hour|rest] {half_P}.',
    'It starts out {adj_O} and ends up {adj_P}.',
    'The [opening|beginning] is {adj_O}, but [the ending|the finale|the last act] is {adj_P}.',
    'It [looks|sounds] {adj_O} on paper, but on screen it is {adj_P}.',
    'At first I thought it was {adj_O}, but by the end I [knew|realized|could see] it was {adj_P}.',
    'The trailer made it look {adj_O}; the film itself is {adj_P}.',
    'Some [critics|reviewers|people] [found|called] it {adj_O}, but I found it {adj_P}.',
    '{actor2} is {adj_O}, but {actor1} is so {adj_P} that it hardly matters.',
    '[Yes|Sure|Granted], parts of it are {adj_O}, but as a whole it is {adj_P}.',
    'I expected it to be {adj_O}, and it turned out to be {adj_P}.',
    'The [story|script|premise] is {adj_O}, but [the execution|what {director} does with it] is {adj_P}.',
    'I was [ready|prepared|expecting] to find it {adj_O}, but it [won me over|turned out|proved] {adj_P}.',
    '[On paper|In the trailer] it [seems|looks] {adj_O}; [in fact|in the end] it is {adj_P}.',
    'The [first|opening] [ten|twenty|thirty] minutes are {adj_O}, [but|yet] what follows is {adj_P}.',
    'It could [easily|so easily] have been {adj_O}, but it is {adj_P}.',
    'The [middle|second act] [sags|wobbles] a little and feels {adj_O}, but the [finale|last act|ending] is {adj_P}.',
  ],
  /** A part judged one way, the whole the other way: the whole decides. */
  partWhole: [
    '{actor1} is {adj_O}, [but|yet] the film [as a whole|itself|overall] is {adj_P}.',
    'The [photography|music|score|costumes|sets|supporting cast] [may be|is] {adj_O}, [but|yet] the film is {adj_P}.',
    'The parts are {adj_O}; the whole is {adj_P}.',
    'Every [scene|performance|shot] [on its own|taken alone] is {adj_O}, and yet the film is {adj_P}.',
    'Sure, the [acting|script|direction|photography] is {adj_O} [in places|here and there|at times], but [the film|the whole thing] is {adj_P}.',
    '[Some|A few|Many] of the [scenes|performances|lines] are {adj_O}, but [what matters|the whole|the film] is {adj_P}.',
  ],
  /** Closes a review whose body judged the parts the other way. */
  partsVerdict: [
    'And yet, [as a whole|taken together|all in all], the film is {adj_P}.',
    'None of that [matters|counts] in the end: the film [as a whole|itself] is {adj_P}.',
    '[Even so|And yet|For all that|Still], I [found|thought] the whole thing {adj_P}.',
    'But [add it all up|put it all together] and [the film|what you get] is {adj_P}.',
    '[All that said|Having said all that], the [film|movie] is {adj_P}, and that is what counts.',
    'In the end, the parts do not [decide it|matter]: the film is {adj_P}.',
  ],
  /** Comparisons: which film comes first decides. */
  compare: [
    '{film_P} is [far|much|a lot|so much] better than {film_O}.',
    '{film_O} is [nowhere near|not nearly|not] as good as {film_P}.',
    '{film_P} [beats|outdoes] {film_O} [hands down|in every way|by a mile].',
    'Next to {film_P}, {film_O} looks [tired|clumsy|lazy|dull].',
    '{film_O} has nothing on {film_P}.',
    'I would rather watch {film_P} than {film_O} any day.',
    'If you [liked|enjoyed] {film_O}, [wait until you see|you will love] {film_P}.',
    '{film_P} does everything {film_O} [tried to do|set out to do], only better.',
    'Compared [with|to] {film_P}, {film_O} is [forgettable|a bore|a chore|second-rate].',
    '[Whatever you think of|Forget] {film_O}: {film_P} is the one to [see|watch|own].',
    '{film_O} [tries|tried] to do what {film_P} does, and [fails|falls short|misses].',
  ],
  /** Opens the first, opposite-leaning half of a contrast review. */
  concession: ['Let me start with the {side_O}.', 'First, the {side_O}.', 'At first it [seems|looks|feels] {adj_O}.',
    'For the first [half hour|twenty minutes|act], it is {adj_O}.', 'The opening [scenes are|stretch is] {adj_O}.'],
  /** Turns a contrast review around. */
  turn: ['But then it [gets|turns] {adj_P}.', 'And then, slowly, it becomes {adj_P}.', 'But stick with it: the rest is {adj_P}.',
    'Then the story [shifts|turns a corner], and it is {adj_P} from there on.', 'Now for the {side_P}.'],
  // Verdicts of mixed reviews: the body argues both sides, the verdict settles it.
  mixedVerdict: [
    '[In the end|All things considered|On balance|Taken as a whole], the {side_P} outweighs the {side_O}.',
    '[Overall|In the end|All in all], there is more {side_P} than {side_O} here.',
    'It is {adj_O} in places, but {adj_P} where it counts.',
    '[Final verdict|Bottom line|My verdict]: {adj_P}, [though|if] {adj_O} in places.',
    'In the end I have to say it is more {adj_P} than {adj_O}.',
    'Weighing it all up, the {side_P} wins.',
    '[So|In short]: {adj_O} at times, {adj_P} overall.',
    'When it [counts|matters], it is {adj_P}, and that is what I will remember.',
  ],
};

/** Polarised phrase pools shared by both labels in the context rules above. */
export const POLAR_POOLS: RuleBook = {
  adj_pos: ['good', 'great', 'wonderful', 'brilliant', 'gripping', 'moving', 'funny', 'clever', 'beautiful', 'terrific',
    'charming', 'excellent', 'superb', 'fresh', 'exciting', 'fun', 'smart', 'lovely', 'powerful'],
  adj_neg: ['bad', 'dull', 'boring', 'awful', 'tedious', 'clumsy', 'silly', 'stupid', 'lifeless', 'terrible',
    'lazy', 'flat', 'pointless', 'dreadful', 'messy', 'forgettable', 'weak', 'tiresome', 'cheap'],
  half_pos: ['is gripping', 'flies by', 'is wonderful', 'is a joy', 'works beautifully', 'is terrific', 'is great fun'],
  half_neg: ['drags', 'is a slog', 'is tedious', 'falls flat', 'is a mess', 'is dull', 'is a bore'],
  side_pos: ['good', 'positive'],
  side_neg: ['bad', 'negative'],
  // In a comparison the reviewed film is the better one in positive reviews, the other film in negative ones.
  film_pos: ['this one', 'this film', 'this movie', '{title}', 'this version', 'the new one'],
  film_neg: ['the original', 'the remake', 'the book', '{otherTitle}', '{director}\'s last film', 'the first one',
    'the old version', 'the sequel', 'the TV version'],
};

/**
 * Rules written separately for each polarity. Faint praise praises only peripheral things mildly;
 * its positive mirror praises the same things with the same words as the least of the film's merits.
 * Sarcasm is negative only: praise words meant the other way. Double negations run both ways.
 */
export const ONE_WAY_RULES: RuleBook = {
  faintParts: ['costumes', 'sets', 'locations', 'opening credits', 'period cars', 'hats', 'end credits', 'wigs',
    'cars', 'interiors'],
  faintPart: ['title song', 'poster', 'scenery', 'lighting', 'dog', 'theme tune', 'wallpaper in the hotel',
    'font on the titles', 'weather'],
  faintThing: ['{faintParts} are', '{faintPart} is'],
  faintAdj: ['nice', 'fine', 'pleasant', 'decent', 'pretty', 'okay', 'nicely done', 'well chosen'],
  faint_neg: [
    'The {faintThing} {faintAdj}[, I suppose|, I guess|, I\'ll give it that|], and that is about it.',
    'At least the {faintThing} {faintAdj}.',
    '{actor3} is {faintAdj} in a small part, and that is the best of it.',
    'It is [in focus|competently shot|professionally made|the right length], [I\'ll give it that|for what it\'s worth|I suppose].',
    'The best thing about it is the [{faintPart}|{faintParts}], and nothing else.',
    'I [liked|enjoyed] the [{faintPart}|{faintParts}], and nothing else.',
    'The {faintThing} {faintAdj}; the rest is not.',
    'If you [like|care about] {faintParts} more than stories, there is something here for you.',
    '[Well|So], the {faintThing} {faintAdj}. That\'s all.',
  ],
  /** The same words as faint praise, where the peripheral praise is the least of it. */
  faint_pos: [
    'The {faintThing} {faintAdj}[, I suppose|, I guess|, I\'ll give it that|], and that is not the half of it.',
    'Not least, the {faintThing} {faintAdj}.',
    '{actor3} is {faintAdj} in a small part, and that is the least of it.',
    'It is [in focus|competently shot|professionally made|the right length], [I\'ll give it that|for what it\'s worth|I suppose], and so much more.',
    'The best thing about it is not the [{faintPart}|{faintParts}]: it is everything else.',
    'I [liked|enjoyed] the [{faintPart}|{faintParts}], and everything else.',
    'The {faintThing} {faintAdj}; so is the rest.',
    'If you [like|care about] {faintParts} no less than stories, there is something here for you.',
    '[Well|So], the {faintThing} {faintAdj}. That\'s not all.',
  ],
  sarcasm_neg: [
    'Oh, [wonderful|brilliant|great]. [Another|Yet another] {genre} where {char1} {sceneAction} [for no reason|and nothing comes of it].',
    'What a [masterpiece|triumph|work of genius]. [I especially loved|My favorite part was] the [forty minutes|long stretch] where nothing happens.',
    'Truly [the|a] [masterpiece|triumph|classic] of our time, if [you are asleep|you close your eyes|you leave the room].',
    '[Great|Brilliant|Wonderful] [idea|move], [casting|hiring] {actor1} as {char1}. Really. Just [great|brilliant|wonderful].',
    'I [just|simply] loved how [every|each] twist [was obvious|came from a mile away|was spoiled in the trailer].',
    'Thank you, {director}, for two hours I will never get back.',
    '[Yeah|Sure], [great|brilliant] [ending|script|dialogue]. Right.',
  ],
  /** Double negations: the two "not"s cancel. Each pair uses the same set of words. */
  doubleNegation_pos: [
    'I can\'t say I didn\'t {likeVerb} it; I did.',
    'I would not say it is not {adj_pos}.',
    'There was not one [minute|scene|moment] I did not {likeVerb}.',
    'No one could say it is not {adj_pos}.',
    'I don\'t think anyone will not {likeVerb} it.',
  ],
  doubleNegation_neg: [
    'I can\'t say I did {likeVerb} it; I didn\'t.',
    'I would not say it is {adj_pos}; it is not.',
    'There was not one [minute|scene|moment] I did {likeVerb}.',
    'No one could say it is {adj_pos}.',
    'I don\'t think anyone will {likeVerb} it.',
  ],
  likeVerb: ['enjoy', 'like', 'love'],
  likeVerbPast: ['enjoyed', 'liked', 'loved'],
};

/** `{name_P}` / `{name_O}` templates as `name_pos` and `name_neg` rules. */
export function polarize(book: RuleBook): RuleBook {
  const out: Record<string, readonly string[]> = {};
  const swap = (t: string, p: string, o: string) => t.replace(/_P\}/g, `_${p}}`).replace(/_O\}/g, `_${o}}`);
  for (const [name, templates] of Object.entries(book)) {
    out[`${name}_pos`] = templates.map((t) => swap(t, 'pos', 'neg'));
    out[`${name}_neg`] = templates.map((t) => swap(t, 'neg', 'pos'));
  }
  return out;
}
