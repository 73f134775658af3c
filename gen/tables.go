package gen

// The tables the generator draws from: metros, the synthetic AIRS-style
// taxonomy with its name and description templates, eligibility profiles,
// schedules, languages and words. Templates may hold {City} (the metro's
// main city), {Place} (a part of town, or the city), {Org} (the
// organization's short name), {Area} (the metro's county) and {Topic} (the
// term's topic, in helpline names).

// metro is a US city centre that sites cluster around.
type metro struct {
	city   string
	state  string // postal code; it gives the time zone
	area   string // the county, as "Residents of {Area}." says it
	weight int    // metro population, in hundreds of thousands (2020, rounded)
	// zips are real ZIP codes of the metro with the city that the postal
	// service gives them, the main (downtown) one first: "33130 Miami|…".
	zips      string
	areaCodes string  // telephone area codes, space-separated
	spanish   float64 // share of services that offer Spanish
	// others are further languages by code with the share of services
	// offering each: "ht:0.35 pt:0.05".
	others string
}

// metros are 43 large US metros. The centre of each is its first ZIP's
// centroid (data.Centroid); every ZIP is checked against that table.
var metros = []metro{
	{"New York", "NY", "New York City", 198, "10001 New York|10027 New York|11201 Brooklyn|11373 Elmhurst|10451 Bronx|10301 Staten Island|11226 Brooklyn|10456 Bronx|11212 Brooklyn", "212 718 347 917 646", 0.65, "zh:0.15 ru:0.08 ht:0.06 bn:0.05 ko:0.04"},
	{"Los Angeles", "CA", "Los Angeles County", 130, "90012 Los Angeles|90011 Los Angeles|90026 Los Angeles|90044 Los Angeles|91331 Pacoima|90805 Long Beach|90255 Huntington Park|90022 East Los Angeles|90019 Los Angeles", "213 323 310 818 562", 0.8, "ko:0.10 zh:0.10 tl:0.08 hy:0.06 vi:0.05"},
	{"Chicago", "IL", "Cook County", 94, "60601 Chicago|60608 Chicago|60623 Chicago|60629 Chicago|60640 Chicago|60644 Chicago|60651 Chicago|60617 Chicago", "312 773 872", 0.65, "pl:0.08 zh:0.06 ar:0.05"},
	{"Dallas", "TX", "Dallas County", 76, "75201 Dallas|75211 Dallas|75217 Dallas|75228 Dallas|75243 Dallas|75216 Dallas", "214 469 972", 0.7, "vi:0.06"},
	{"Houston", "TX", "Harris County", 71, "77002 Houston|77036 Houston|77072 Houston|77081 Houston|77093 Houston|77506 Pasadena|77033 Houston", "713 832 281", 0.75, "vi:0.10 zh:0.05 ar:0.04"},
	{"Washington", "DC", "the District of Columbia", 63, "20001 Washington|20002 Washington|20011 Washington|20019 Washington|20032 Washington|20009 Washington", "202", 0.55, "am:0.08 fr:0.05"},
	{"Philadelphia", "PA", "Philadelphia County", 62, "19107 Philadelphia|19121 Philadelphia|19124 Philadelphia|19134 Philadelphia|19140 Philadelphia|19143 Philadelphia", "215 267", 0.55, "zh:0.05 vi:0.04"},
	{"Miami", "FL", "Miami-Dade County", 61, "33130 Miami|33125 Miami|33142 Miami|33147 Miami|33157 Miami|33010 Hialeah|33033 Homestead|33161 North Miami|33165 Miami", "305 786", 0.8, "ht:0.35 pt:0.05 fr:0.05"},
	{"Atlanta", "GA", "Fulton County", 61, "30303 Atlanta|30310 Atlanta|30315 Atlanta|30318 Atlanta|30344 East Point|30349 Atlanta", "404 470 678", 0.45, "vi:0.04 ko:0.03"},
	{"Boston", "MA", "Suffolk County", 49, "02108 Boston|02119 Boston|02124 Boston|02128 Boston|02150 Chelsea|02139 Cambridge", "617 857", 0.55, "ht:0.10 pt:0.08 zh:0.06 vi:0.05"},
	{"Phoenix", "AZ", "Maricopa County", 48, "85004 Phoenix|85009 Phoenix|85021 Phoenix|85035 Phoenix|85041 Phoenix|85201 Mesa", "602 480 623", 0.7, "nv:0.03 ar:0.03"},
	{"San Francisco", "CA", "San Francisco County", 47, "94103 San Francisco|94110 San Francisco|94112 San Francisco|94124 San Francisco|94601 Oakland|94606 Oakland", "415 628 510", 0.6, "zh:0.25 tl:0.10 vi:0.06 ru:0.04"},
	{"Riverside", "CA", "Riverside County", 46, "92501 Riverside|92503 Riverside|92507 Riverside|92509 Jurupa Valley|92504 Riverside", "951", 0.75, ""},
	{"Detroit", "MI", "Wayne County", 44, "48226 Detroit|48201 Detroit|48205 Detroit|48209 Detroit|48228 Detroit|48126 Dearborn", "313", 0.35, "ar:0.15 bn:0.03"},
	{"Seattle", "WA", "King County", 40, "98101 Seattle|98104 Seattle|98108 Seattle|98118 Seattle|98125 Seattle|98188 Tukwila", "206 425 253", 0.45, "vi:0.10 so:0.08 zh:0.08 am:0.05 tl:0.05"},
	{"Minneapolis", "MN", "Hennepin County", 37, "55401 Minneapolis|55404 Minneapolis|55407 Minneapolis|55411 Minneapolis|55106 Saint Paul", "612 651", 0.45, "so:0.15 hmn:0.10"},
	{"San Diego", "CA", "San Diego County", 33, "92101 San Diego|92105 San Diego|92113 San Diego|92115 San Diego|91910 Chula Vista", "619 858", 0.7, "tl:0.10 vi:0.06 ar:0.04"},
	{"Tampa", "FL", "Hillsborough County", 32, "33602 Tampa|33603 Tampa|33604 Tampa|33610 Tampa|33612 Tampa|33614 Tampa", "813", 0.6, ""},
	{"Denver", "CO", "Denver County", 30, "80202 Denver|80204 Denver|80205 Denver|80219 Denver|80220 Denver|80010 Aurora", "303 720", 0.55, "vi:0.04 am:0.04"},
	{"Baltimore", "MD", "Baltimore City", 28, "21202 Baltimore|21213 Baltimore|21215 Baltimore|21217 Baltimore|21224 Baltimore|21229 Baltimore", "410 443", 0.4, ""},
	{"St. Louis", "MO", "the City of St. Louis", 28, "63101 Saint Louis|63106 Saint Louis|63111 Saint Louis|63116 Saint Louis|63136 Saint Louis", "314", 0.35, "bs:0.05"},
	{"Orlando", "FL", "Orange County", 27, "32801 Orlando|32805 Orlando|32807 Orlando|32808 Orlando|32822 Orlando|32839 Orlando", "407 321", 0.65, "ht:0.10 pt:0.06"},
	{"Charlotte", "NC", "Mecklenburg County", 27, "28202 Charlotte|28205 Charlotte|28208 Charlotte|28212 Charlotte|28216 Charlotte|28217 Charlotte", "704 980", 0.5, "vi:0.04"},
	{"San Antonio", "TX", "Bexar County", 26, "78205 San Antonio|78207 San Antonio|78210 San Antonio|78211 San Antonio|78228 San Antonio|78237 San Antonio", "210", 0.85, ""},
	{"Portland", "OR", "Multnomah County", 25, "97204 Portland|97206 Portland|97211 Portland|97220 Portland|97230 Portland|97266 Portland", "503 971", 0.45, "vi:0.06 ru:0.05 zh:0.04"},
	{"Sacramento", "CA", "Sacramento County", 24, "95814 Sacramento|95815 Sacramento|95817 Sacramento|95820 Sacramento|95823 Sacramento|95838 Sacramento", "916", 0.6, "hmn:0.06 ru:0.05 zh:0.04"},
	{"Pittsburgh", "PA", "Allegheny County", 24, "15222 Pittsburgh|15206 Pittsburgh|15210 Pittsburgh|15212 Pittsburgh|15219 Pittsburgh", "412", 0.3, "ne:0.04"},
	{"Austin", "TX", "Travis County", 23, "78701 Austin|78702 Austin|78741 Austin|78744 Austin|78753 Austin|78758 Austin", "512 737", 0.7, "vi:0.04"},
	{"Las Vegas", "NV", "Clark County", 23, "89101 Las Vegas|89104 Las Vegas|89108 Las Vegas|89115 Las Vegas|89121 Las Vegas|89030 North Las Vegas", "702 725", 0.65, "tl:0.08"},
	{"Cincinnati", "OH", "Hamilton County", 23, "45202 Cincinnati|45205 Cincinnati|45211 Cincinnati|45214 Cincinnati|45229 Cincinnati", "513", 0.35, ""},
	{"Kansas City", "MO", "Jackson County", 22, "64106 Kansas City|64109 Kansas City|64124 Kansas City|64127 Kansas City|64130 Kansas City", "816", 0.45, "so:0.04"},
	{"Columbus", "OH", "Franklin County", 21, "43215 Columbus|43205 Columbus|43207 Columbus|43211 Columbus|43224 Columbus|43229 Columbus", "614", 0.4, "so:0.08 ne:0.04"},
	{"Indianapolis", "IN", "Marion County", 21, "46204 Indianapolis|46201 Indianapolis|46205 Indianapolis|46218 Indianapolis|46222 Indianapolis|46241 Indianapolis", "317", 0.45, "my:0.05"},
	{"Cleveland", "OH", "Cuyahoga County", 21, "44113 Cleveland|44102 Cleveland|44105 Cleveland|44108 Cleveland|44109 Cleveland|44120 Cleveland", "216", 0.45, "ar:0.03"},
	{"San Jose", "CA", "Santa Clara County", 20, "95113 San Jose|95111 San Jose|95116 San Jose|95122 San Jose|95127 San Jose|95050 Santa Clara", "408 669", 0.6, "vi:0.15 zh:0.10 tl:0.06"},
	{"Nashville", "TN", "Davidson County", 20, "37201 Nashville|37207 Nashville|37208 Nashville|37211 Nashville|37013 Antioch", "615 629", 0.5, "ar:0.05"},
	{"Jacksonville", "FL", "Duval County", 16, "32202 Jacksonville|32204 Jacksonville|32206 Jacksonville|32209 Jacksonville|32210 Jacksonville|32211 Jacksonville", "904", 0.4, ""},
	{"Milwaukee", "WI", "Milwaukee County", 16, "53202 Milwaukee|53204 Milwaukee|53206 Milwaukee|53208 Milwaukee|53215 Milwaukee|53218 Milwaukee", "414", 0.5, "hmn:0.06"},
	{"Oklahoma City", "OK", "Oklahoma County", 14, "73102 Oklahoma City|73106 Oklahoma City|73109 Oklahoma City|73111 Oklahoma City|73119 Oklahoma City|73129 Oklahoma City", "405", 0.5, "vi:0.05"},
	{"Memphis", "TN", "Shelby County", 13, "38103 Memphis|38106 Memphis|38109 Memphis|38114 Memphis|38118 Memphis|38127 Memphis", "901", 0.35, ""},
	{"New Orleans", "LA", "Orleans Parish", 13, "70112 New Orleans|70113 New Orleans|70117 New Orleans|70119 New Orleans|70126 New Orleans", "504", 0.4, "vi:0.06"},
	{"Albuquerque", "NM", "Bernalillo County", 9, "87102 Albuquerque|87105 Albuquerque|87108 Albuquerque|87110 Albuquerque|87121 Albuquerque", "505", 0.65, "nv:0.05 vi:0.03"},
	{"El Paso", "TX", "El Paso County", 9, "79901 El Paso|79903 El Paso|79905 El Paso|79915 El Paso|79924 El Paso", "915", 0.9, ""},
}

// language is a name and its ISO 639 code.
type language struct{ name, code string }

var (
	english = language{"English", "en"}
	spanish = language{"Spanish", "es"}
	// asl is offered here and there, in every metro.
	asl = language{"American Sign Language", "ase"}
)

// otherLanguages are the languages metros may name in others.
var otherLanguages = []language{
	{"Haitian Creole", "ht"}, {"Portuguese", "pt"}, {"French", "fr"}, {"Chinese", "zh"},
	{"Vietnamese", "vi"}, {"Tagalog", "tl"}, {"Korean", "ko"}, {"Russian", "ru"},
	{"Arabic", "ar"}, {"Polish", "pl"}, {"Somali", "so"}, {"Hmong", "hmn"},
	{"Amharic", "am"}, {"Bengali", "bn"}, {"Armenian", "hy"}, {"Nepali", "ne"},
	{"Bosnian", "bs"}, {"Burmese", "my"}, {"Navajo", "nv"},
}

// categoryWeights is the share of services whose main category has each
// AIRS two-letter prefix, from the Miami 211 HSDS 1.1 export
// (github.com/openreferral/open211-miami-data-api,
// lib/datapackage/datapackage-1566177582.zip, services_taxonomy.csv, 2019):
// for each of its 3,589 services with taxonomy rows, the prefix that occurs
// most often among its non-Y codes; the numbers are counts of services.
// Prefixes refer does not model (TD, JR, PS, FL, PX, FC, DD, FP, TH, DF, …:
// 17% of those services) are left out; the weights are relative. Only these
// proportions come from that data, whose licence is unknown; none of its
// records, names or texts are copied.
var categoryWeights = []struct {
	prefix string
	weight int
	group  string // which kind of organization runs such services
}{
	{"PH", 593, "family"}, {"PL", 257, "education"}, {"LH", 161, "health"},
	{"RP", 149, "mental"}, {"PN", 128, "mental"}, {"TJ", 122, "info"},
	{"RX", 118, "mental"}, {"BD", 116, "food"}, {"BH", 113, "housing"},
	{"HD", 101, "education"}, {"ND", 96, "work"}, {"RF", 82, "mental"},
	{"FT", 77, "legal"}, {"BT", 77, "basic"}, {"HH", 76, "education"},
	{"LV", 72, "health"}, {"LF", 66, "health"}, {"LT", 63, "health"},
	{"HL", 63, "education"}, {"FN", 59, "legal"}, {"LJ", 53, "health"},
	{"LR", 45, "health"}, {"DT", 38, "work"}, {"BV", 31, "basic"},
	{"FF", 31, "legal"}, {"DM", 27, "work"}, {"NL", 26, "work"},
	{"RM", 26, "mental"}, {"BM", 25, "basic"}, {"NS", 18, "work"},
	{"LN", 15, "health"},
}

// orgSizes is how many services organizations run, from the same Miami
// export (services.csv by organization_id: 1,156 organizations, 4,089
// services; 509 run one service, two run more than 60): buckets of sizes
// min..max with the number of organizations in each.
var orgSizes = []struct{ min, max, count int }{
	{1, 1, 509}, {2, 2, 220}, {3, 3, 115}, {4, 4, 101}, {5, 6, 69}, {7, 9, 61},
	{10, 14, 40}, {15, 19, 18}, {20, 29, 13}, {30, 49, 8}, {50, 75, 2},
}

// hours says which schedules suit a kind of service.
type hours int

const (
	officeHours hours = iota
	pantryHours
	mealHours
	residentialHours // shelters, detox: mostly around the clock
	crisisHours      // hotlines: always around the clock
	eveningHours     // classes and groups
	dayCareHours
	clinicHours
	schoolHours // after school
)

// fees says how services of a kind charge.
type fees int

const (
	free fees = iota
	mixed
	paid
)

// termDef is one service category term with the templates for services
// that it is the main category of.
type termDef struct {
	code, name, desc string
	topic            string // for helpline names: "{Topic} Helpline"
	weight           int    // within its two-letter category
	hours            hours
	fees             fees
	// who weights eligibility profiles by key, "older:6 open:2"; empty
	// means generalWho.
	who   string
	names []string
	about []string // the first sentence of a description
	more  []string // the second
}

// terms are the service categories, with AIRS-style codes: the codes and
// prefixes that the needs crosswalk (data/needs/needs.json) uses where it
// has them, otherwise made up in AIRS's shape. The names are refer's own;
// the taxonomy is "AIRS (synthetic)", not AIRS.
var terms = []termDef{
	{"BD-1800.2000", "Food Pantries", "Free groceries for people to prepare at home.", "Food Assistance", 5, pantryHours, free, "",
		[]string{"{Place} Community Food Pantry", "{Org} Food Pantry", "Emergency Food Pantry", "{Place} Food Distribution", "{Org} Mobile Food Pantry", "Weekend Food Box Program", "{City} Community Food Pantry"},
		[]string{"Gives free groceries to families and individuals who need food.", "Offers bags of groceries, canned goods, fresh produce and bread to people in need.", "Hands out emergency food boxes with enough groceries for several days."},
		[]string{"Clients can visit once a month and may receive fresh fruit, vegetables, meat and dairy when available.", "Diapers, baby formula and personal care items are sometimes available.", "Volunteers help clients choose food, and staff can help with SNAP (food stamps) applications."}},
	{"BD-5000.1500", "Congregate Meals", "Free hot meals served in a group setting.", "Meals", 2, mealHours, free, "older:5 open:3 homeless:2 none:1",
		[]string{"{Place} Senior Lunch Program", "{Org} Community Kitchen", "Hot Meals Program", "{Place} Soup Kitchen", "{Org} Community Dinner"},
		[]string{"Serves free hot meals in a group setting.", "Offers a nutritious hot lunch and a place to meet neighbors.", "Serves breakfast and dinner to anyone who is hungry, no questions asked."},
		[]string{"Meals are served in the dining hall; no reservation is needed.", "Seniors can also join activities and get help with benefits after lunch.", "Take-away meals are available for people who cannot stay."}},
	{"BD-5000.8300", "Home Delivered Meals", "Meals brought to the homes of people who cannot shop or cook.", "Meal Delivery", 1, officeHours, free, "older:6 disabled:3 none:1",
		[]string{"Meals on Wheels of {City}", "{Org} Home Delivered Meals", "{Place} Meals on Wheels"},
		[]string{"Delivers hot or frozen meals to the homes of older adults and people who cannot shop or cook.", "Brings a nutritious meal each weekday to homebound seniors."},
		[]string{"Drivers also check on clients' wellbeing during each visit.", "Special diets such as diabetic or low-sodium meals can be arranged."}},
	{"BH-1800.8500", "Homeless Shelter", "Emergency beds for people with nowhere to sleep.", "Shelter", 3, residentialHours, free, "homeless:5 adults:3 open:1 women:1",
		[]string{"{Place} Emergency Shelter", "{Org} Homeless Shelter", "{City} Rescue Mission", "{Org} Night Shelter", "{Place} Family Shelter"},
		[]string{"Provides emergency shelter beds, showers and meals for people experiencing homelessness.", "Offers a safe place to sleep for single adults and families who have nowhere else to stay."},
		[]string{"Case managers help residents find permanent housing, jobs and benefits.", "Beds are given first come, first served; call in the morning to check availability.", "Laundry, lockers and mail service are available to guests."}},
	{"BH-1800.1500-100", "Domestic Violence Shelters", "Confidential emergency shelter for people fleeing abuse.", "Domestic Violence Shelter", 1, residentialHours, free, "women:6 open:2",
		[]string{"{Org} Safe House", "{Place} Domestic Violence Shelter", "Safe Haven Shelter"},
		[]string{"Provides confidential emergency shelter for survivors of domestic violence and their children.", "Offers a safe, secret place to stay for people fleeing abuse."},
		[]string{"Advocates help with safety planning, protective orders and counseling.", "The shelter address is confidential; call the hotline to arrange a stay."}},
	{"BH-3800.7000", "Rent Payment Assistance", "Help paying rent to prevent an eviction.", "Rent Assistance", 4, officeHours, free, "income:5 residents-income:4 residents:2 none:1 veterans:1",
		[]string{"Emergency Rent Assistance Program", "{Org} Rental Assistance", "{City} Eviction Prevention Program", "{Place} Rent Relief Fund", "Homelessness Prevention Program"},
		[]string{"Helps pay past-due rent for households facing eviction.", "Provides one-time financial help with rent to keep families in their homes.", "Pays a month of rent or a security deposit for tenants in a housing crisis."},
		[]string{"Applicants need an eviction notice or a letter from the landlord, a lease, and proof of income.", "Funds are paid directly to the landlord; help depends on available funding.", "Staff also help with budgeting and can connect tenants to legal help for eviction court."}},
	{"BH-3800.5100", "Mortgage Payment Assistance", "Help for homeowners behind on mortgage payments.", "Foreclosure Prevention", 1, officeHours, free, "income:3 residents:2 none:1",
		[]string{"{Org} Foreclosure Prevention Program", "Mortgage Assistance Program", "{City} Homeowner Help Program"},
		[]string{"Helps homeowners who are behind on mortgage payments avoid foreclosure.", "Offers housing counseling and one-time help with a late mortgage payment."},
		[]string{"A HUD-approved counselor can talk to the lender on the homeowner's behalf.", "Bring the mortgage statement, proof of income and any notices from the lender."}},
	{"BH-8600", "Transitional Housing", "Temporary housing with support on the way to a permanent home.", "Housing", 2, officeHours, free, "homeless:4 veterans:2 women:2 adults:1",
		[]string{"{Org} Transitional Housing Program", "{Place} Bridge Housing", "Next Step Transitional Housing"},
		[]string{"Offers temporary housing for up to two years while residents work toward a permanent home.", "Provides furnished apartments and support services for people leaving homelessness."},
		[]string{"Residents meet weekly with a case manager and set goals for work, savings and housing.", "Rent is based on income, and help with job search and budgeting is included."}},
	{"BH-3700", "Housing Search Assistance", "Help finding and applying for affordable housing.", "Housing Search", 2, officeHours, free, "",
		[]string{"{Org} Housing Navigation", "Affordable Housing Search Help", "{Place} Housing Counseling"},
		[]string{"Helps people find affordable apartments and fill out housing applications.", "Gives lists of affordable housing, Section 8 landlords and public housing waitlists."},
		[]string{"Housing navigators can help with rental applications, deposits and moving.", "Workshops cover tenant rights, budgeting and how to apply for housing vouchers."}},
	{"BH-3000", "Home Repair Programs", "Repairs and accessibility changes for unsafe homes.", "Home Repair", 1, officeHours, free, "older:3 income:3 disabled:2 none:1",
		[]string{"{Org} Home Repair Program", "Safe at Home Repairs", "{Place} Housing Rehabilitation"},
		[]string{"Makes free repairs to the homes of low-income homeowners, such as roofs, plumbing, heating and wiring.", "Fixes unsafe housing conditions, including mold, lead paint and broken heating."},
		[]string{"Ramps, grab bars and other accessibility changes are available for older adults and people with disabilities.", "Homeowners must own and live in the home."}},
	{"BM-6500.1500", "Clothing", "Free clothing, shoes and coats.", "Clothing", 3, pantryHours, free, "",
		[]string{"{Org} Clothing Closet", "{Place} Free Clothing Bank", "Coats for Kids", "{Org} Thrift and Clothing Program"},
		[]string{"Gives free clothing, shoes and coats to people in need.", "Offers gently used clothes for adults and children, including work clothes and school uniforms."},
		[]string{"Winter coats, blankets and hygiene kits are available in season.", "Clients may pick out a set number of items each month."}},
	{"BM-3000", "Household Goods", "Furniture, beds and kitchen items for people setting up a home.", "Furniture", 1, officeHours, free, "",
		[]string{"{Org} Furniture Bank", "{Place} Home Start Furniture Program", "Household Goods Assistance"},
		[]string{"Provides free furniture, beds and kitchen items to families moving into a home.", "Gives beds, cribs, tables, pots and pans to people setting up a home after homelessness or a disaster."},
		[]string{"A referral from a case manager or agency is usually needed.", "Delivery may be available for a small fee."}},
	{"BM-6000.1500", "Low Cost Computers", "Free or low-cost computers and tablets.", "Computer", 1, officeHours, mixed, "income:3 open:1 none:1",
		[]string{"{Org} Computers for Families", "Digital Inclusion Program", "Free Laptop Program"},
		[]string{"Gives refurbished computers and tablets to low-income families and students.", "Provides low-cost laptops and help signing up for affordable internet service."},
		[]string{"Staff help set up the computer and sign up for low-cost home internet.", "Basic computer training is included with each device."}},
	{"BT-4500.6500-500", "Medical Appointments Transportation", "Rides to medical appointments.", "Medical Transportation", 3, officeHours, free, "older:3 disabled:3 open:1 none:1",
		[]string{"{Org} Medical Rides", "Rides to Medical Appointments", "{Place} Senior Transportation"},
		[]string{"Provides free rides to doctor visits, dialysis and other medical appointments.", "Offers door-to-door transportation to medical appointments for people without a car."},
		[]string{"Rides must be booked at least two business days ahead.", "Wheelchair-accessible vans are available; Medicaid members may qualify for rides at no cost."}},
	{"BT-8300.1000", "Bus Fare Assistance", "Free or reduced-fare transit passes.", "Transportation", 2, officeHours, free, "income:3 open:1 none:1 homeless:1",
		[]string{"{Org} Bus Pass Program", "Transit Fare Assistance", "{City} Reduced Fare Program"},
		[]string{"Gives free or reduced-fare bus passes to people who need transportation to work, school or appointments.", "Provides transit tokens and gas cards for job seekers and clients going to appointments."},
		[]string{"Passes are limited and given out with a case manager's referral.", "Bring a photo ID and proof of income to apply for reduced fares."}},
	{"BV-8900.9300-180", "Electric Service Payment Assistance", "Help paying electric bills to prevent a disconnection.", "Utility Assistance", 3, officeHours, free, "income:5 residents-income:3 older:1 none:1",
		[]string{"Emergency Electric Bill Assistance", "{Org} Energy Assistance Program", "Keep the Lights On Program", "{City} Utility Assistance Program (LIHEAP)"},
		[]string{"Helps low-income households pay an overdue electric bill and avoid a shut-off.", "Provides one-time payments toward electric bills for families facing disconnection."},
		[]string{"Bring the past-due electric bill or shut-off notice, a photo ID and proof of income.", "Applicants may also qualify for cooling or heating help through LIHEAP and for weatherization."}},
	{"BV-8900.9300-250", "Gas Service Payment Assistance", "Help paying gas and heating bills.", "Heating Assistance", 1, officeHours, free, "income:4 older:1 none:1",
		[]string{"Heating Bill Assistance", "{Org} Gas Bill Help", "Winter Heating Assistance"},
		[]string{"Helps pay gas and heating bills for households that are behind or have a disconnection notice.", "Provides emergency help with heating costs in the winter months."},
		[]string{"Bring the gas bill, a photo ID and proof of household income.", "Help is given once per season while funds last."}},
	{"BV-8900.9300-950", "Water Service Payment Assistance", "Help paying water and sewer bills.", "Water Bill Assistance", 1, officeHours, free, "income:4 none:1",
		[]string{"Water Bill Assistance Program", "{Org} Water Bill Help"},
		[]string{"Helps pay overdue water and sewer bills to prevent a shut-off.", "Offers a one-time credit on water bills for low-income households."},
		[]string{"Bring the water bill and proof of income.", "Payment plans can also be arranged with the utility."}},
	{"DM-1500", "Financial Coaching", "Budgeting, credit and debt counseling.", "Financial Coaching", 1, officeHours, free, "",
		[]string{"{Org} Financial Coaching", "Money Management Classes", "{Place} Credit Counseling"},
		[]string{"Offers free one-on-one coaching on budgeting, credit, debt and savings.", "Teaches money management, how to build credit and how to avoid predatory loans."},
		[]string{"Coaches help clients make a budget, read their credit report and plan to pay down debt.", "Group classes and individual appointments are available."}},
	{"DT-8900", "Tax Preparation Assistance", "Free help filing tax returns.", "Tax Help", 1, officeHours, free, "income:4 open:1 older:1",
		[]string{"Free Tax Preparation (VITA)", "{Org} Free Tax Help", "{Place} Tax Assistance Site"},
		[]string{"Prepares and files federal and state tax returns for free for low- and moderate-income workers.", "IRS-certified volunteers help with tax returns and the Earned Income Tax Credit."},
		[]string{"Bring a photo ID, Social Security cards for everyone on the return, W-2s and 1099s.", "Help is available from late January through April 15."}},
	{"FF-0500", "Ex-Offender Reentry Programs", "Support for people returning from jail or prison.", "Reentry", 1, officeHours, free, "adults:4 none:1",
		[]string{"{Org} Reentry Program", "Second Chance Reentry Services", "{Place} Reentry Center"},
		[]string{"Helps people returning from jail or prison find housing, jobs and identification.", "Offers reentry support for people with a criminal record, including job readiness and mentoring."},
		[]string{"Staff help get a state ID, birth certificate and Social Security card.", "Clients can get help with record sealing, expungement and applying for benefits."}},
	{"FN-1500.9100-180", "Domestic Violence Victim Advocacy", "Advocates for survivors of domestic violence.", "Victim Advocacy", 1, officeHours, free, "women:3 open:2 none:1",
		[]string{"{Org} Victim Advocacy Program", "Domestic Violence Advocacy Services", "{Place} Survivor Services"},
		[]string{"Advocates support survivors of domestic violence and sexual assault through the legal process.", "Helps victims of crime with safety planning, protective orders and court accompaniment."},
		[]string{"All services are free and confidential.", "Advocates can connect survivors to emergency shelter, counseling and victim compensation."}},
	{"FT-3200", "General Legal Aid", "Free civil legal help.", "Legal Aid", 3, officeHours, free, "income:5 residents-income:2 older:1 none:1",
		[]string{"{Org} Legal Aid Clinic", "Free Legal Help Line", "{City} Legal Aid", "{Place} Legal Clinic"},
		[]string{"Provides free civil legal help to low-income residents.", "Lawyers give free advice and representation in family, housing, benefits and consumer cases."},
		[]string{"Common issues include eviction, divorce and custody, debt collection and denied benefits.", "Call for an intake screening; walk-in advice clinics are held monthly."}},
	{"FT-3600", "Immigration Legal Services", "Legal help with immigration matters.", "Immigration Legal", 2, officeHours, mixed, "immigrants:6 open:2 none:1",
		[]string{"{Org} Immigration Legal Services", "Immigrant Legal Assistance Project", "{Place} Citizenship Clinic"},
		[]string{"Offers free or low-cost immigration legal help, including citizenship, green cards, DACA and asylum.", "Accredited representatives help immigrants with visas, work permits, family petitions and deportation defense."},
		[]string{"Consultations are confidential.", "Bring any immigration papers, notices and a photo ID to the first appointment."}},
	{"FT-4500", "Landlord/Tenant Assistance", "Legal help for tenants.", "Tenant Rights", 2, officeHours, free, "income:3 residents:2 open:2 none:1",
		[]string{"Tenant Rights Hotline", "{Org} Eviction Defense Project", "{Place} Tenant Legal Clinic"},
		[]string{"Gives free legal advice to tenants facing eviction, lockouts or unsafe living conditions.", "Helps renters understand their rights and defends tenants in eviction court."},
		[]string{"Bring the eviction notice, the lease and any letters from the landlord.", "Staff can also help with repairs, security deposit disputes and housing discrimination."}},
	{"HD-1800", "Early Childhood Education", "Preschool and early learning, including Head Start.", "Early Learning", 2, dayCareHours, free, "young:6 parents:2 income:2",
		[]string{"{Place} Head Start", "{Org} Early Learning Center", "{Org} Pre-K Program"},
		[]string{"Offers free preschool for young children from low-income families, including Head Start and Pre-K.", "Provides early learning, meals and health screenings for children from birth to age five."},
		[]string{"Children get breakfast, lunch and snacks, and parents can join family activities.", "Apply with the child's birth certificate, immunization record and proof of income."}},
	{"HH-0500.8000", "English as a Second Language", "English classes for speakers of other languages.", "ESL", 2, eveningHours, free, "adults:3 immigrants:3 open:2",
		[]string{"ESL Classes", "{Org} English Classes for Adults", "{Place} English Language Program"},
		[]string{"Offers free English as a Second Language (ESL) classes for adults.", "Teaches English reading, writing and conversation to immigrants at all levels."},
		[]string{"Morning and evening classes are available; register in person.", "Classes also cover citizenship test preparation and job vocabulary."}},
	{"HH-0500.2500", "High School Equivalency", "GED and adult basic education classes.", "GED", 1, eveningHours, free, "adults:4 open:1",
		[]string{"GED Preparation Classes", "{Org} Adult Education", "{Place} High School Equivalency Program"},
		[]string{"Helps adults prepare for the GED or another high school equivalency exam.", "Offers free adult basic education, reading and math classes, and GED test prep."},
		[]string{"Testing vouchers may be available for students who complete the course.", "Classes meet in the evening to fit work schedules."}},
	{"HL-8700", "Tutoring Services", "Tutoring and homework help for students.", "Tutoring", 2, schoolHours, free, "youth:6 open:1",
		[]string{"{Org} Homework Help", "{Place} After School Tutoring", "Reading Buddies Tutoring Program"},
		[]string{"Provides free tutoring and homework help for students in grades K-12.", "Volunteer tutors help children improve reading and math skills after school."},
		[]string{"Snacks are provided, and parents can meet with tutors to track progress.", "Sessions are held after school at the learning center and at the library."}},
	{"LF-4900", "Health Screening", "Free checks for common health problems.", "Health Screening", 2, clinicHours, free, "",
		[]string{"Free Health Screenings", "{Org} Community Health Fair", "{Place} Wellness Screening Program"},
		[]string{"Offers free screenings for blood pressure, diabetes, cholesterol and HIV.", "Provides free health checks, mammograms and cancer screenings for people without insurance."},
		[]string{"Results are explained on the spot and staff help arrange follow-up care.", "No insurance is needed."}},
	{"LH-3500", "Health Insurance Enrollment", "Help signing up for health insurance.", "Health Insurance", 2, officeHours, free, "",
		[]string{"Health Insurance Enrollment Assistance", "{Org} Medicaid and Marketplace Help", "{Place} Health Coverage Navigators"},
		[]string{"Helps people sign up for Medicaid, CHIP, Medicare and Marketplace health insurance.", "Navigators explain health insurance options and help with enrollment and renewals."},
		[]string{"Bring proof of income, identification and Social Security numbers for the household.", "Help is free and available in person or by phone."}},
	{"LH-6700", "Prescription Expense Assistance", "Help paying for prescription medicines.", "Prescription", 1, officeHours, free, "income:3 older:2 none:1",
		[]string{"Prescription Assistance Program", "{Org} Medication Help", "{Place} Free Pharmacy"},
		[]string{"Helps people without insurance get free or low-cost prescription medicines.", "Provides help paying for prescriptions and applying to drug company assistance programs."},
		[]string{"Bring a list of current medications and proof of income.", "Pharmacists can review medications and suggest lower-cost options."}},
	{"LJ-6500", "Prenatal Care", "Care during pregnancy.", "Prenatal Care", 2, clinicHours, mixed, "women:4 open:1 none:1",
		[]string{"{Org} Prenatal Clinic", "Healthy Start Prenatal Program", "{Place} Maternity Care"},
		[]string{"Offers prenatal checkups, ultrasounds and childbirth classes for pregnant women.", "Provides pregnancy care, nutrition support and home visits for new mothers."},
		[]string{"Medicaid is accepted; uninsured patients pay on a sliding scale.", "WIC enrollment and breastfeeding support are available on site."}},
	{"LN-1500", "Community Clinics", "Primary medical care at low cost.", "Health Care", 1, clinicHours, mixed, "open:5 none:3 income:2",
		[]string{"{Place} Community Health Center", "{Org} Family Health Clinic", "{Place} Free Clinic", "{City} Community Clinic"},
		[]string{"Provides primary medical care for children and adults, including checkups, sick visits and vaccines.", "A community health center offering affordable medical care for people with or without insurance."},
		[]string{"Medicaid, Medicare and most insurance are accepted; uninsured patients pay on a sliding scale.", "Services include immunizations, chronic disease care, women's health and lab tests."}},
	{"LR-6500", "Rehabilitation Services", "Physical, occupational and speech therapy.", "Rehabilitation", 1, clinicHours, mixed, "disabled:4 older:2 none:1",
		[]string{"{Org} Rehabilitation Services", "Outpatient Physical Therapy", "{Place} Rehab Center"},
		[]string{"Provides physical, occupational and speech therapy for people recovering from injury, stroke or surgery.", "Offers rehabilitation and therapy for children and adults with disabilities."},
		[]string{"A doctor's referral is required.", "Medicaid and Medicare are accepted."}},
	{"LT-1750", "Chronic Disease Management", "Education and coaching for chronic conditions.", "Healthy Living", 1, clinicHours, free, "adults:3 older:2 open:1",
		[]string{"Diabetes Self-Management Program", "{Org} Healthy Living Program", "{Place} Chronic Disease Education"},
		[]string{"Teaches people with diabetes, high blood pressure and heart disease how to manage their health.", "Offers classes and nurse coaching for people living with chronic conditions."},
		[]string{"Participants learn about healthy eating, exercise and medications.", "Free glucose meters and blood pressure cuffs may be available."}},
	{"LV-1600", "Dental Care", "Dental exams, cleanings and treatment.", "Dental", 2, clinicHours, paid, "open:4 none:2 income:2 youth:1",
		[]string{"{Place} Community Dental Clinic", "{Org} Dental Services", "Low Cost Dental Care", "Children's Dental Clinic"},
		[]string{"Offers affordable dental care, including exams, cleanings, fillings and extractions.", "Provides low-cost dental services for adults and children without dental insurance."},
		[]string{"Emergency dental appointments are available for tooth pain.", "Medicaid is accepted; fees for others are on a sliding scale based on income."}},
	{"ND-6500", "Employment Programs", "Job training, job search and placement.", "Employment", 3, officeHours, free, "adults:4 open:2 none:2 income:1",
		[]string{"{Org} Job Training Program", "{City} Workforce Center", "{Place} Employment Services", "Career Pathways Program"},
		[]string{"Helps job seekers find work through job training, resume help and job placement.", "Offers free job readiness classes, career counseling and connections to local employers."},
		[]string{"Clients can use computers, printers and phones for their job search.", "Training in fields such as health care, construction and customer service is available."}},
	{"ND-6500.9200", "Veteran Employment Programs", "Job help for veterans.", "Veteran Employment", 1, officeHours, free, "veterans:8 none:1",
		[]string{"Veterans Employment Program", "{Org} Veterans Career Services"},
		[]string{"Helps veterans find jobs and use their military skills in civilian careers.", "Offers job search help, training and employer connections for veterans and military spouses."},
		[]string{"Bring a DD-214 to the first appointment.", "Veterans can also get help with VA benefits and housing."}},
	{"NL-6000", "SNAP Application Assistance", "Help applying for SNAP (food stamps) and other benefits.", "Benefits", 1, officeHours, free, "income:3 open:2 none:1",
		[]string{"SNAP (Food Stamps) Application Help", "{Org} Benefits Enrollment", "{Place} Food Stamp Outreach"},
		[]string{"Helps people apply for SNAP food stamps and other public benefits.", "Staff screen families for SNAP, WIC and other food and cash assistance."},
		[]string{"Bring proof of identity, income and address for everyone in the household.", "Applications can be done in person or over the phone."}},
	{"NS-1800.9000", "Veteran Benefits Assistance", "Help with VA benefit claims.", "Veteran Benefits", 1, officeHours, free, "veterans:8 none:1",
		[]string{"{City} Veterans Service Office", "{Org} VA Benefits Assistance"},
		[]string{"Helps veterans and their families apply for VA disability, pension and health care benefits.", "Accredited veteran service officers file VA claims and appeals for free."},
		[]string{"Bring a DD-214 and any VA letters.", "Surviving spouses can also get help with survivor benefits."}},
	{"PH-1000", "Case Management", "Help making a plan and connecting to services.", "Family Support", 4, officeHours, free, "",
		[]string{"{Org} Case Management", "{Place} Family Support Services", "{Org} Community Services", "Family Stabilization Program"},
		[]string{"Case managers help individuals and families make a plan and connect to food, housing, health care and benefits.", "Provides family support and case management to households in crisis."},
		[]string{"Staff can help with applications for SNAP, Medicaid, rent assistance and utility assistance.", "Services include crisis counseling, referrals and follow-up visits."}},
	{"PH-1250", "Child Care Providers", "Licensed child care.", "Child Care", 3, dayCareHours, paid, "young:4 parents:3 youth:1",
		[]string{"{Place} Child Care Center", "{Org} Early Learning and Child Care", "{Org} Day Care", "Little Stars Child Development Center"},
		[]string{"Licensed child care for infants, toddlers and preschoolers.", "Provides full-day child care and early learning for children ages 6 weeks to 5 years."},
		[]string{"Child care subsidies and vouchers are accepted.", "Meals and snacks are included, and before- and after-school care is available for school-age children."}},
	{"PH-0320", "Adult Day Programs", "Supervised day programs for adults who need care.", "Adult Day Care", 1, dayCareHours, paid, "older:5 disabled:3",
		[]string{"{Org} Adult Day Center", "{Place} Adult Day Care", "Senior Day Program"},
		[]string{"Offers a safe, supervised day program for older adults and adults with disabilities.", "Provides activities, meals and health monitoring during the day for seniors who need care."},
		[]string{"Caregivers get a break while loved ones take part in exercise, games and social activities.", "Transportation to and from the center may be available."}},
	{"PH-1400", "Friendly Visiting", "Visits and calls for isolated older adults.", "Senior Companion", 1, officeHours, free, "older:6 disabled:2",
		[]string{"Senior Companion Program", "{Org} Friendly Visitors", "Telephone Reassurance Program"},
		[]string{"Volunteers visit or call homebound older adults to reduce loneliness and isolation.", "Matches isolated seniors with a friendly volunteer for weekly visits and phone calls."},
		[]string{"Volunteers can also help with errands and grocery shopping.", "Call to request a visitor or to volunteer."}},
	{"PH-6500.0500", "Adult Protective Services", "Protection of vulnerable adults from abuse and neglect.", "Elder Abuse", 1, officeHours, free, "older:5 disabled:4",
		[]string{"Adult Protective Services", "{Org} Elder Abuse Prevention Program"},
		[]string{"Investigates reports of abuse, neglect and financial exploitation of older adults and adults with disabilities.", "Helps protect vulnerable adults from abuse, neglect and scams."},
		[]string{"Reports can be made anonymously.", "Caseworkers arrange home care, legal help and emergency placement when needed."}},
	{"PH-3500", "Interpretation/Translation", "Interpreters and document translation.", "Interpretation", 1, officeHours, mixed, "immigrants:3 open:3 none:1",
		[]string{"{Org} Interpretation Services", "Language Access Program", "Community Interpreter Services"},
		[]string{"Provides interpreters and document translation for people with limited English.", "Trained interpreters help clients at medical, school and court appointments."},
		[]string{"Interpreters are available in person, by phone and by video.", "Translation of birth certificates and other documents is available for a small fee."}},
	{"PH-2360", "Parenting Education", "Classes and support for parents.", "Parenting", 2, eveningHours, free, "parents:5 open:2 none:1",
		[]string{"{Org} Parenting Classes", "Nurturing Parenting Program", "{Place} Family Resource Center"},
		[]string{"Offers parenting classes and support groups for parents and caregivers of children of all ages.", "Teaches positive discipline, child development and stress management for parents."},
		[]string{"Child care is provided during classes.", "Home visits are available for new parents."}},
	{"PL-7000", "Recreation Programs", "Sports, fitness, arts and social activities.", "Recreation", 3, officeHours, free, "youth:3 older:2 open:3",
		[]string{"{Place} Community Center Recreation", "{Org} Senior Activities", "{Org} Youth Sports League", "{Place} Recreation Program"},
		[]string{"Offers sports, fitness, arts and social activities for all ages at the community center.", "Provides recreation, exercise classes and trips for youth and seniors."},
		[]string{"Most activities are free; some classes have a small fee.", "A gym, computer lab and meeting rooms are open to the public."}},
	{"PL-7400.1500", "Computer Classes", "Basic computer and internet skills.", "Computer Classes", 1, eveningHours, free, "adults:2 older:2 open:3",
		[]string{"Free Computer Classes", "{Org} Digital Skills Program", "{Place} Tech Help"},
		[]string{"Teaches basic computer skills, email, internet safety and how to use a smartphone.", "Offers free digital literacy classes for adults and seniors."},
		[]string{"No experience is needed; computers are provided.", "Classes cover online job applications, telehealth and video calls."}},
	{"PL-6400", "Youth Enrichment Programs", "After-school and summer activities for young people.", "Youth Programs", 2, schoolHours, free, "youth:7 open:1",
		[]string{"{Org} Youth Program", "{Place} Boys and Girls Club", "{Org} Summer Camp", "Teen Leadership Program"},
		[]string{"Offers after-school and summer programs with homework help, sports, arts and mentoring.", "Provides a safe place for youth after school with activities and snacks."},
		[]string{"Summer camp scholarships are available for families with low income.", "Teens can join leadership, job readiness and college prep activities."}},
	{"PN-8100", "Support Groups", "Peer support groups.", "Support Group", 2, eveningHours, free, "open:4 none:2",
		[]string{"{Org} Support Groups", "Grief Support Group", "Caregiver Support Group", "{Place} Peer Support Group"},
		[]string{"Peer support groups for people coping with grief, illness, caregiving or life changes.", "Offers free support groups led by trained facilitators."},
		[]string{"Groups meet weekly; new members are welcome at any time.", "Online meetings are also available."}},
	{"PN-8100.0500", "Substance Use Disorder Support Groups", "Peer recovery meetings.", "Recovery Support", 1, eveningHours, free, "adults:3 open:3",
		[]string{"{Place} Recovery Support Group", "{Org} Recovery Meetings", "Family Recovery Support Group"},
		[]string{"Offers peer recovery meetings for people recovering from alcohol and drug use.", "Support groups for people in recovery and their families."},
		[]string{"Meetings are free and confidential; no sign-up is needed.", "Peer recovery coaches can help members connect to treatment."}},
	{"PN-8100.0200-180", "Domestic Violence Support Groups", "Support groups for survivors of abuse.", "Survivor Support", 1, eveningHours, free, "women:4 open:2",
		[]string{"Domestic Violence Survivors Support Group", "{Org} Survivor Support Circle"},
		[]string{"Support groups for survivors of domestic violence and abusive relationships.", "Offers a confidential group where survivors can share and heal."},
		[]string{"Child care can be arranged during meetings.", "Call ahead; the meeting location is shared after a phone screening."}},
	{"RF-1500", "Counseling Services", "Counseling for individuals, couples and families.", "Counseling", 3, clinicHours, paid, "open:3 none:2 adults:2 youth:1",
		[]string{"{Org} Counseling Center", "Individual and Family Counseling", "{Place} Counseling Services"},
		[]string{"Licensed therapists provide counseling for depression, anxiety, grief, trauma and family conflict.", "Offers individual, couples and family counseling for children and adults."},
		[]string{"Fees are on a sliding scale; Medicaid and most insurance are accepted.", "Telehealth sessions are available."}},
	{"RM-6500", "Outpatient Mental Health Treatment", "Psychiatric care and therapy.", "Mental Health", 1, clinicHours, mixed, "adults:3 open:2 none:1 youth:1",
		[]string{"{Org} Behavioral Health Clinic", "Outpatient Mental Health Services", "{Place} Community Mental Health Center"},
		[]string{"Provides psychiatric evaluation, medication management and therapy for mental illness.", "Outpatient mental health treatment for adults and children with serious mental illness."},
		[]string{"Walk-in assessments are available on weekday mornings.", "Services include case management, peer support and crisis care."}},
	{"RP-1500.1400-250", "Crisis Hotlines", "Telephone help for people in crisis.", "Crisis", 2, crisisHours, free, "open:5 none:3",
		[]string{"{City} Crisis Line", "24-Hour Crisis Hotline", "{Org} Crisis and Suicide Prevention Line", "Teen Crisis Line"},
		[]string{"Trained counselors answer calls 24 hours a day for people in crisis or thinking about suicide.", "A free, confidential crisis line for anyone in emotional distress."},
		[]string{"Counselors listen, help callers stay safe and connect them to local services.", "Callers can also get information about mental health and substance use treatment."}},
	{"RP-1500.1400-200", "Domestic Violence Hotlines", "Telephone help for people experiencing abuse.", "Domestic Violence", 1, crisisHours, free, "open:4 women:2",
		[]string{"Domestic Violence Hotline", "{Org} 24-Hour Abuse Hotline"},
		[]string{"A 24-hour hotline for people experiencing domestic violence, dating violence or abuse.", "Advocates answer calls day and night and help callers plan for safety."},
		[]string{"Advocates can arrange emergency shelter and explain legal options.", "All calls are confidential."}},
	{"RP-8000", "Peer Support Services", "Support from peers with lived experience of mental illness.", "Peer Support", 1, officeHours, free, "adults:3 open:2",
		[]string{"{Org} Peer Support Program", "Mental Health Peer Support", "{Place} Wellness Center"},
		[]string{"Peer specialists with their own experience of mental illness offer support and hope.", "Provides peer support, wellness classes and a drop-in center for adults living with mental illness."},
		[]string{"Drop in for coffee, classes or a talk with a peer specialist.", "Members can get help with housing, benefits and recovery goals."}},
	{"RX-8450", "Substance Use Disorder Treatment", "Treatment for alcohol and drug use.", "Addiction Treatment", 3, clinicHours, mixed, "adults:4 open:2 none:1",
		[]string{"{Org} Addiction Treatment Center", "Outpatient Substance Use Treatment", "{Place} Recovery Center", "{Org} Residential Treatment Program"},
		[]string{"Provides outpatient and residential treatment for alcohol and drug addiction.", "Offers substance use disorder assessment, counseling and recovery support."},
		[]string{"Medication-assisted treatment for opioid use disorder, including buprenorphine, is available.", "Medicaid is accepted, and no one is turned away for inability to pay."}},
	{"RX-1700", "Detoxification", "Medically supervised withdrawal.", "Detox", 1, residentialHours, mixed, "adults:5 none:1",
		[]string{"{Org} Detox Center", "Medical Detox Unit", "{Place} Withdrawal Management"},
		[]string{"Medically supervised detox for people withdrawing from alcohol, opioids and other drugs.", "Offers 24-hour withdrawal management and referral to ongoing treatment."},
		[]string{"Admission is by phone screening or walk-in, depending on bed availability.", "Staff arrange the next step in treatment before discharge."}},
	{"TJ-3000", "Information and Referral", "Help finding community resources.", "Resource", 3, officeHours, free, "open:5 none:3",
		[]string{"{City} 211 Information and Referral", "{Org} Resource Line", "{Place} Community Resource Center", "Help Desk and Referral Services"},
		[]string{"Connects people to local help for food, housing, utilities, health care and other needs.", "Information and referral specialists help callers find community resources."},
		[]string{"Specialists can check eligibility and give names and phone numbers of nearby services.", "Help is available by phone, text and in person."}},
	{"TJ-4500", "Public Internet Access", "Free computers and internet.", "Internet Access", 1, officeHours, free, "open:6 none:2",
		[]string{"{Place} Public Computer Center", "{Org} Free Wi-Fi and Computer Lab", "Community Technology Center"},
		[]string{"Offers free computers, printers and Wi-Fi for job searching, school and benefits applications.", "A public computer lab with internet access and staff who can help."},
		[]string{"Sessions are first come, first served; bring a photo ID to get a guest pass.", "Staff can help with email, online forms and printing."}},
}

// crisisCode is the term most services without a location have: a hotline.
const crisisCode = "RP-1500.1400-250"

// targets are the target-population (Y) terms that eligibility profiles add.
var targets = []struct{ code, name, desc string }{
	{"YB-8000", "Older Adults", "People aged 60 and over."},
	{"YB-9500", "Youth", "Children and teenagers of school age."},
	{"YB-1500", "Young Children", "Children from birth to age five."},
	{"YN-9000", "Veterans", "People who served in the armed forces, and their families."},
	{"YF-2000", "Families With Children", "Households raising children under 18."},
	{"YG-9500", "Women", "Women, and women with their children."},
	{"YV-3000", "Homeless People", "People without a fixed, regular place to stay."},
	{"YV-4500", "Low Income", "Households with low incomes."},
	{"YK-2000", "People With Disabilities", "People with physical, developmental or mental disabilities."},
	{"YL-3000", "Immigrants and Refugees", "People born in another country, whatever their status."},
}

// profile is an eligibility: its text, ages and target population.
type profile struct {
	key      string
	text     string // may hold {Area}
	min, max float64
	hasMin   bool
	hasMax   bool
	target   string // a Y code, or ""
}

var profiles = []profile{
	{key: "open", text: "Open to all."},
	{key: "none"},
	{key: "adults", text: "Adults 18 and older.", min: 18, hasMin: true},
	{key: "older", text: "Adults 60 and older.", min: 60, hasMin: true, target: "YB-8000"},
	{key: "youth", text: "Ages 5-17.", min: 5, max: 17, hasMin: true, hasMax: true, target: "YB-9500"},
	{key: "young", text: "Children from birth to age 5 and their parents.", min: 0, max: 5, hasMin: true, hasMax: true, target: "YB-1500"},
	{key: "women", text: "Women and children.", target: "YG-9500"},
	{key: "veterans", text: "Veterans and their families.", target: "YN-9000"},
	{key: "residents", text: "Residents of {Area}."},
	{key: "residents-income", text: "Residents of {Area} with income at or below 200% of the federal poverty level.", target: "YV-4500"},
	{key: "parents", text: "Must have children under 18.", target: "YF-2000"},
	{key: "income", text: "Income at or below 200% of the federal poverty level.", target: "YV-4500"},
	{key: "homeless", text: "People experiencing homelessness.", target: "YV-3000"},
	{key: "disabled", text: "People with disabilities and their caregivers.", target: "YK-2000"},
	{key: "immigrants", text: "Immigrants and refugees, whatever their immigration status.", target: "YL-3000"},
}

// generalWho is the eligibility mix of terms that give none of their own.
const generalWho = "open:30 none:20 residents:12 income:10 residents-income:5 adults:6 older:4 parents:3 disabled:2 veterans:2 immigrants:1"

// schedule rows: days, opening and closing, as HSDS writes them.
type slot struct {
	freq, byday, opens, closes string
}

// hourPatterns are the schedules each kind of service draws from, with
// weights; a pattern with no slots means the listing gives no hours.
var hourPatterns = map[hours][]struct {
	weight int
	slots  []slot
}{
	officeHours: {
		{10, nil},
		{36, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00"}}},
		{8, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "08:00", "16:30"}}},
		{8, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "08:30", "17:00"}}},
		{8, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "08:00", "17:00"}}},
		{12, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00"}, {"WEEKLY", "SA", "09:00", "13:00"}}},
		{10, []slot{{"WEEKLY", "MO,TU,WE,TH", "09:00", "19:00"}, {"WEEKLY", "FR", "09:00", "17:00"}}},
		{8, []slot{{"WEEKLY", "TU,TH", "10:00", "14:00"}}},
	},
	pantryHours: {
		{10, nil},
		{35, []slot{{"WEEKLY", "TU,TH", "10:00", "13:00"}}},
		{20, []slot{{"WEEKLY", "MO,WE,FR", "09:00", "12:00"}}},
		{15, []slot{{"MONTHLY", "3SA", "09:00", "12:00"}}},
		{10, []slot{{"WEEKLY", "WE", "16:00", "19:00"}}},
		{10, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00"}}},
	},
	mealHours: {
		{10, nil},
		{50, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "11:00", "13:00"}}},
		{30, []slot{{"WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "17:00", "18:30"}}},
		{10, []slot{{"WEEKLY", "SA,SU", "08:00", "10:00"}}},
	},
	residentialHours: {
		{10, nil},
		{70, []slot{{"WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00"}}},
		{20, []slot{{"WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "17:00", "21:00"}}},
	},
	crisisHours: {
		{1, []slot{{"WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00"}}},
	},
	eveningHours: {
		{10, nil},
		{40, []slot{{"WEEKLY", "TU", "18:00", "19:30"}}},
		{30, []slot{{"WEEKLY", "MO,WE", "18:30", "20:00"}}},
		{20, []slot{{"WEEKLY", "SA", "10:00", "11:30"}}},
	},
	dayCareHours: {
		{10, nil},
		{80, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "06:30", "18:00"}}},
		{10, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "07:00", "18:30"}}},
	},
	clinicHours: {
		{10, nil},
		{60, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "08:00", "17:00"}}},
		{20, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "08:00", "17:00"}, {"WEEKLY", "SA", "08:00", "12:00"}}},
		{10, []slot{{"WEEKLY", "MO,TU,WE,TH", "08:00", "20:00"}, {"WEEKLY", "FR", "08:00", "17:00"}}},
	},
	schoolHours: {
		{10, nil},
		{70, []slot{{"WEEKLY", "MO,TU,WE,TH,FR", "14:30", "18:00"}}},
		{20, []slot{{"WEEKLY", "MO,TU,WE,TH", "15:00", "17:30"}}},
	},
}

// Organization names: "{Word} {Kind}", "{City} {Kind}", "{Kind} of {City}",
// "{Saint} {Kind}", "{Side} {Kind}", with kinds by what the organization
// mostly does.
var (
	orgKinds = map[string][]string{
		"food":      {"Food Bank", "Hunger Relief Center", "Community Pantry", "Food Ministry", "Harvest Center"},
		"housing":   {"Housing Coalition", "Shelter Network", "Housing Partners", "Homeless Services", "Rescue Mission"},
		"basic":     {"Community Action Agency", "Outreach Center", "Community Services", "Neighborhood Center", "Mission"},
		"work":      {"Workforce Partners", "Economic Opportunity Center", "Career Center", "Financial Empowerment Center"},
		"legal":     {"Legal Aid Society", "Legal Services", "Justice Center", "Law Project"},
		"education": {"Learning Center", "Youth Alliance", "Education Foundation", "Literacy Council", "Boys and Girls Club"},
		"health":    {"Community Health Center", "Health Clinic", "Family Health Partners", "Medical Mission", "Health Services"},
		"mental":    {"Behavioral Health Center", "Counseling Center", "Recovery Services", "Wellness Center", "Mental Health Association"},
		"family":    {"Family Services", "Council on Aging", "Family Resource Center", "Children's Home Society", "Community Center"},
		"info":      {"Community Resource Network", "United Way", "Information Network", "Help Line"},
	}
	orgMissions = map[string]string{
		"food":      "It works to end hunger by sharing food with neighbors in need.",
		"housing":   "It helps people find and keep a safe, stable place to live.",
		"basic":     "It helps families meet basic needs and move toward stability.",
		"work":      "It helps people find good jobs and build financial security.",
		"legal":     "It gives free legal help to people who cannot afford a lawyer.",
		"education": "It offers learning and enrichment for children, youth and adults.",
		"health":    "It provides affordable health care to everyone, insured or not.",
		"mental":    "It offers mental health and recovery services to people of all ages.",
		"family":    "It supports children, families and older adults through life's challenges.",
		"info":      "It connects people with the help they need, any time of day.",
	}
	orgWords = []string{
		"New Hope", "Open Door", "Harbor Light", "Bright Futures", "Common Ground", "Good Shepherd",
		"Helping Hands", "Second Chance", "Grace", "Unity", "Lighthouse", "Cornerstone", "Sunrise",
		"Pathways", "Bridges", "Horizon", "Safe Haven", "Hope House", "Mercy", "Neighbors United",
		"Compass", "Beacon", "Faith", "Promise", "Renewal", "Heritage", "Crossroads", "Evergreen",
		"Harvest", "Open Arms", "Starting Point", "Family First", "Kinship", "Anchor", "Oasis",
		"Covenant", "Tree of Life", "Northstar", "Keystone", "Mosaic",
	}
	saints = []string{
		"St. Vincent", "St. Luke's", "St. Mary's", "St. Joseph", "St. Francis", "Holy Cross",
		"Good Samaritan", "Bethel", "Mt. Zion", "Beth Shalom",
	}
	sides = []string{
		"Eastside", "Westside", "Northside", "Southside", "Downtown", "Midtown", "Uptown", "Riverside",
		"Lakeside", "Hillside", "Parkview", "Oak Grove", "Fairview", "Pleasant Hill", "Greenwood",
		"Northeast", "Southwest", "Central",
	}
	streets = []string{
		"Main St", "Washington Ave", "Martin Luther King Jr Blvd", "Park Ave", "Oak St", "Maple Ave",
		"Lincoln Ave", "Jefferson St", "Broadway", "Market St", "Church St", "Elm St", "Pine St",
		"Cedar Ave", "Central Ave", "Grand Ave", "Franklin St", "Madison Ave", "Highland Ave", "Lake St",
		"Hill St", "River Rd", "Walnut St", "Spring St", "Chestnut St", "Union Ave", "College Ave",
		"Jackson St", "Cesar Chavez Ave", "Harrison St",
	}
	// streetDirs go before numbered streets: "NW 27th Ave".
	streetDirs  = []string{"", "", "N ", "S ", "E ", "W ", "NW ", "SW "}
	streetKinds = []string{"St", "Ave"}
	// closings end a description: how to get the service.
	closings = []string{
		"Walk-ins are welcome during open hours.",
		"Call ahead to make an appointment.",
		"Bring a photo ID and proof of address.",
		"Bring proof of income and a photo ID for everyone in the household.",
		"Referrals from case managers and other agencies are accepted.",
		"All services are confidential.",
		"Staff can also help with applications for other benefits.",
	}
	applications = []string{
		"Walk in during open hours.",
		"Call to make an appointment.",
		"Apply online or by phone.",
		"Referral from a case manager or agency.",
		"Call the intake line for a short screening.",
	}
	waits = []string{"No wait.", "Usually seen the same day.", "1-2 weeks.", "Varies; call for the current wait."}
	// virtualNames name services that have no location.
	virtualNames = []string{"{Topic} Helpline", "{Topic} Hotline", "Virtual {Topic} Services", "{Topic} Help by Phone", "{Org} {Topic} Line"}
	transports   = []string{
		"On a bus line; the stop is in front of the building.",
		"Free parking on site.",
		"Two blocks from the nearest bus stop; street parking is available.",
		"Near the light rail station.",
	}
	accessibility = []string{
		"Wheelchair accessible entrance and restrooms.",
		"Ramp at the side entrance; elevator to all floors.",
		"Ground floor; accessible parking spaces.",
	}
)
