"""What the demo tickets say: the kinds of requests an MSP's clients raise.

Texts may name `{colleague}` (a person at the client), `{asset}` (a device tag),
`{site}` (one of the client's sites) and `{desk}` (a desk number); a story fills them
in once per ticket, so one scenario reads differently from ticket to ticket.
"""

from dataclasses import dataclass

CATEGORIES = (
    "Accounts & access",
    "Backup",
    "Email",
    "Hardware",
    "Network",
    "Onboarding & offboarding",
    "Phones & mobile",
    "Printing",
    "Security",
    "Software",
)


@dataclass(frozen=True)
class Vendor:
    """A third party an engineer may wait on, and how its case references look."""

    name: str
    ref_prefix: str
    ref_digits: int


DELL = Vendor("Dell ProSupport", "SR", 9)
MICROSOFT = Vendor("Microsoft Support", "TrackingID#", 16)
TELSTRA = Vendor("Telstra Enterprise", "1-", 10)
SOPHOS = Vendor("Sophos Support", "CS", 8)
VEEAM = Vendor("Veeam Support", "Case #0", 7)
RICOH = Vendor("Ricoh Australia", "RA", 7)
ADOBE = Vendor("Adobe Customer Care", "ADB-", 8)
MYOB = Vendor("MYOB Support", "MYOB-", 7)

VENDOR_BY_CATEGORY = {
    "Accounts & access": MICROSOFT,
    "Backup": VEEAM,
    "Email": MICROSOFT,
    "Hardware": DELL,
    "Network": TELSTRA,
    "Onboarding & offboarding": DELL,
    "Phones & mobile": TELSTRA,
    "Printing": RICOH,
    "Security": SOPHOS,
    "Software": MICROSOFT,
}


@dataclass(frozen=True)
class Scenario:
    category: str
    priority: str
    title: str
    description: str
    notes: tuple[str, ...]
    resolution: str
    question: str = ""
    answer: str = ""
    vendor: Vendor | None = None
    materials: tuple[tuple[str, str], ...] = ()
    onsite: bool = False


SCENARIOS = (
    # Hardware
    Scenario(
        "Hardware",
        "P2",
        "Laptop {asset} won't power on",
        "{colleague}'s laptop ({asset}) shows no lights at all this morning, even on "
        "the charger. They have client meetings this afternoon and need their files.",
        (
            "Tried a known-good charger and a battery disconnect reset; no POST, no "
            "fan. Board fault likely.",
            "Laptop is in warranty until next year. Issued a loaner from the spare "
            "pool with {colleague}'s profile synced from OneDrive.",
        ),
        "Dell replaced the motherboard under warranty. BitLocker recovery completed, "
        "OneDrive resynced and the loaner returned to the spare pool.",
        question="Can {colleague} leave the laptop and charger at reception by 2pm so "
        "the Dell technician can collect it?",
        answer="It's at reception now with the charger.",
        vendor=DELL,
        onsite=True,
    ),
    Scenario(
        "Hardware",
        "P3",
        "Second monitor flickering at desk {desk}",
        "The right-hand monitor at desk {desk} flickers and goes black every few "
        "minutes. We've already reseated the cable at both ends.",
        (
            "Swapped the DisplayPort cable and tried the other dock port; flicker "
            "continues. Monitor is out of warranty.",
        ),
        "Replaced the failing monitor and its DisplayPort cable; both screens are "
        "stable at native resolution.",
        materials=(
            ('Dell P2425H 24" monitor', "289.00"),
            ("DisplayPort cable 1.8 m", "19.50"),
        ),
        onsite=True,
    ),
    Scenario(
        "Hardware",
        "P3",
        "Dock at hot desk {desk} not passing through keyboard and mouse",
        "The dock at hot desk {desk} charges laptops but the USB keyboard and mouse "
        "stopped working after the weekend.",
        (
            "Dock firmware is two releases behind and the laptop BIOS is older than "
            "the dock supports.",
            "Updated dock firmware and BIOS through Dell Command Update; tested with "
            "three laptops.",
        ),
        "Updated the dock firmware and the laptop BIOS; charging, keyboard, mouse and "
        "both screens now work on every laptop tested.",
    ),
    Scenario(
        "Hardware",
        "P4",
        "Replacement keyboard and mouse for reception",
        "The reception keyboard has sticky keys after a coffee spill. Could we get a "
        "wireless keyboard and mouse set instead?",
        ("Quoted the Logitech set from stock; no approval needed under $100.",),
        "Supplied and paired a wireless keyboard and mouse at reception; the old set "
        "went to e-waste.",
        materials=(("Logitech MK295 wireless keyboard and mouse", "59.00"),),
        onsite=True,
    ),
    Scenario(
        "Hardware",
        "P3",
        "Laptop {asset} very slow to start and Outlook freezing",
        "{colleague} says their laptop takes ten minutes to start and Outlook freezes "
        "several times a day. The fan is loud all the time.",
        (
            "Disk at 100% active time; SMART shows reallocated sectors on the SSD.",
            "Cloned the system to a new SSD and verified BitLocker and boot.",
        ),
        "Replaced the failing SSD and cloned the system onto it; the laptop starts "
        "in under 40 seconds and Outlook is responsive.",
        question="When can we take {asset} for about two hours to swap the drive?",
        answer="Tomorrow from 9 works, {colleague} will work from the spare PC.",
        materials=(("Samsung 870 EVO 1 TB SSD", "139.00"),),
        onsite=True,
    ),
    # Software
    Scenario(
        "Software",
        "P3",
        "Adobe Acrobat keeps asking {colleague} to sign in",
        "Every time {colleague} opens a PDF, Acrobat asks them to sign in and then "
        "says the licence has expired.",
        (
            "{colleague}'s licence sits on the old Adobe team that lapsed in June; "
            "seat available on the current team.",
        ),
        "Moved {colleague}'s Acrobat licence to the current Adobe team and cleared "
        "the cached sign-in; PDFs open without prompts.",
        vendor=ADOBE,
    ),
    Scenario(
        "Software",
        "P4",
        "Please install Microsoft Visio for {colleague}",
        "{colleague} needs Visio for process diagrams for the new client onboarding "
        "project. Happy to pay for the licence.",
        ("Visio Plan 2 licence bought on the tenant; deploying through Intune.",),
        "Assigned a Visio Plan 2 licence and deployed Visio through Intune; "
        "{colleague} confirmed it opens and saves to SharePoint.",
        materials=(("Microsoft Visio Plan 2 licence (1 month)", "22.70"),),
    ),
    Scenario(
        "Software",
        "P3",
        "Excel crashes when opening the shared job costing workbook",
        "Opening the job costing workbook on the S: drive crashes Excel for most of "
        "the team. It still opens for {colleague}.",
        (
            "Event log shows the faulting module is an old PDF converter COM add-in; "
            "{colleague} never had it installed.",
            "Disabled the add-in by policy and ran an Office quick repair on the "
            "affected PCs.",
        ),
        "Disabled the outdated PDF add-in that crashed Excel and repaired Office on "
        "the affected PCs; the workbook opens for everyone.",
    ),
    Scenario(
        "Software",
        "P2",
        "MYOB AccountRight company file won't open: 'file in use'",
        "Nobody can open the MYOB company file; it says the file is in use by "
        "another user, but everyone has closed it. Payroll is due tomorrow.",
        (
            "Stale lock file on the server share; confirmed no live connections in "
            "the AccountRight server console before removing it.",
        ),
        "Cleared the stale lock, restarted the AccountRight server service and "
        "moved the company file to the local library path MYOB recommends.",
        question="Can everyone close MYOB by 12:30 so we can restart the service?",
        answer="Done, everyone is out of it now.",
        vendor=MYOB,
    ),
    Scenario(
        "Software",
        "P4",
        "Windows updates failing on {asset}",
        "{asset} shows 'We couldn't complete the updates' on every restart and rolls "
        "back. It's been doing it for a week.",
        (
            "Update fails with 0x800f0922; component store corruption reported.",
            "DISM restore health from a clean source, then SFC; updates install.",
        ),
        "Repaired the Windows component store; all outstanding updates installed "
        "and the device reports compliant in Intune.",
    ),
    # Network
    Scenario(
        "Network",
        "P1",
        "Internet down at {site}",
        "No internet at all at {site} since 7:40 this morning. The phones are down "
        "too. Nothing unusual on the router lights that we can see.",
        (
            "Monitoring shows the WAN link down since 07:38; the NBN connection box "
            "shows no optical signal.",
            "Fault raised with Telstra. 4G failover is carrying the phones and "
            "email; warned staff about large downloads.",
        ),
        "Telstra repaired a fibre fault in the street and replaced the connection "
        "box; the main link is back and 4G failover is on standby again.",
        vendor=TELSTRA,
        onsite=True,
    ),
    Scenario(
        "Network",
        "P3",
        "Wi-Fi keeps dropping out in the boardroom at {site}",
        "Laptops in the boardroom at {site} drop off the Wi-Fi during video calls, "
        "usually several times an hour.",
        (
            "Boardroom AP at 80% channel utilisation; three neighbouring networks "
            "on the same channel.",
            "Survey suggests a second AP on the far wall; quoted and approved.",
        ),
        "Installed an additional access point and re-planned channels; the "
        "boardroom holds 300+ Mbps with no drops through a one-hour test call.",
        materials=(("Ubiquiti U6+ access point", "229.00"),),
        onsite=True,
    ),
    Scenario(
        "Network",
        "P3",
        "VPN won't connect for {colleague} since password change",
        "{colleague} gets 'authentication failed' on the VPN from home since "
        "changing their password on Monday.",
        ("RADIUS log shows the VPN client sending a cached old credential.",),
        "Cleared the saved VPN credential and re-enrolled the certificate; "
        "{colleague} connects from home.",
        question="Can {colleague} try connecting again now and tell us the exact "
        "error if it still fails?",
        answer="Just connected fine, thank you.",
    ),
    Scenario(
        "Network",
        "P2",
        "Opening files on the S: drive is very slow from {site}",
        "Since yesterday it takes a minute or more to open anything on the S: drive "
        "from {site}. The head office is fine.",
        (
            "Site-to-site tunnel renegotiating every few minutes; lifetime mismatch "
            "between the two firewalls after last week's firmware update.",
        ),
        "Corrected the IPsec lifetime mismatch between the firewalls; files open "
        "in a few seconds from {site} again.",
        vendor=TELSTRA,
    ),
    Scenario(
        "Network",
        "P4",
        "Network point at desk {desk} not working",
        "The wall network port at desk {desk} shows no connection. We want to move "
        "someone to that desk next week.",
        ("Port unpatched at the rack; switch port free on the staff VLAN.",),
        "Patched desk {desk} at the rack, tested to the switch and set the port to "
        "the staff VLAN.",
        materials=(("Cat6 patch lead 2 m", "6.50"),),
        onsite=True,
    ),
    # Accounts & access
    Scenario(
        "Accounts & access",
        "P3",
        "{colleague} locked out after leave",
        "{colleague} is back from leave today and is locked out of their account. "
        "They're sure they're typing the right password.",
        (
            "Account locked by repeated failures from an old phone's mail app still "
            "using the previous password.",
        ),
        "Unlocked the account, reset the password with {colleague} on the phone and "
        "removed the stale mail profile from the old phone.",
    ),
    Scenario(
        "Accounts & access",
        "P2",
        "MFA prompts not arriving on {colleague}'s new phone",
        "{colleague} replaced their phone and now gets no sign-in approvals, so they "
        "can't get into email or Teams.",
        (
            "Authenticator still registered to the old handset only; verified "
            "identity by callback to the number on file.",
        ),
        "Re-registered Microsoft Authenticator on the new phone and removed the old "
        "device; sign-in approvals arrive.",
        question="Could {colleague} call us on 1300 000 460 when they have both "
        "phones with them?",
        answer="They're at their desk with both phones now.",
    ),
    Scenario(
        "Accounts & access",
        "P4",
        "Access to the Finance folder for {colleague}",
        "Please give {colleague} access to the Finance shared folder; they are "
        "covering accounts payable for the next month.",
        ("Waiting on written approval from the folder owner per the access policy.",),
        "Added {colleague} to the Finance read/write group; access confirmed after "
        "signing out and in.",
        question="Can you confirm the Finance manager approves this access?",
        answer="Approved, read and write is fine until the end of next month.",
    ),
    Scenario(
        "Accounts & access",
        "P2",
        "Disable access for a contractor who finished on Friday",
        "{colleague}, a contractor, finished on Friday. Please disable their account "
        "and remote access and keep their files for the project team.",
        (
            "Revoked sessions and VPN access; OneDrive owner transferred to the "
            "project lead.",
        ),
        "Disabled the account, revoked sessions and VPN access, and moved the "
        "contractor's files to the project lead.",
    ),
    # Email
    Scenario(
        "Email",
        "P2",
        "Emails to one of our customers are bouncing",
        "Everything we send to one of our customers bounces with '550 5.7.1 message "
        "rejected'. Other recipients are fine.",
        (
            "Recipient gateway rejects us on SPF: the marketing platform added last "
            "month sends as our domain but isn't in the SPF record.",
        ),
        "Added the marketing platform to the SPF record and confirmed delivery to "
        "the customer's domain.",
    ),
    Scenario(
        "Email",
        "P3",
        "Accounts shared mailbox not showing in Outlook",
        "{colleague} needs the accounts@ shared mailbox in Outlook but it doesn't "
        "appear, even after restarting.",
        ("Permission was Send As only; Full Access missing.",),
        "Granted Full Access with automapping; the shared mailbox appears in "
        "{colleague}'s Outlook after a restart.",
    ),
    Scenario(
        "Email",
        "P3",
        "Mailbox almost full warning for {colleague}",
        "{colleague} keeps getting 'your mailbox is almost full' warnings and is "
        "worried they'll stop receiving email.",
        ("Mailbox at 98% of 50 GB; archive not enabled.",),
        "Enabled the online archive with a two-year policy; the mailbox is at 38% "
        "and still growing slowly.",
    ),
    Scenario(
        "Email",
        "P4",
        "Meeting invites going straight to Deleted Items",
        "Invites from our booking system go straight to {colleague}'s Deleted Items "
        "so they keep missing appointments.",
        ("Found an old inbox rule moving everything from the booking system.",),
        "Removed the old inbox rule; invites from the booking system land in the "
        "inbox and calendar again.",
    ),
    # Security
    Scenario(
        "Security",
        "P2",
        "Suspicious email, {colleague} clicked the link",
        "{colleague} received an email that looked like it came from our bank asking "
        "to confirm account details. They clicked the link but say they didn't type "
        "anything in.",
        (
            "Message purged from all mailboxes; sender domain and URL blocked.",
            "No risky sign-ins for {colleague}; password reset as a precaution.",
        ),
        "Removed the phishing email from every mailbox, blocked the sender and link, "
        "reset {colleague}'s password and confirmed no unusual sign-ins.",
    ),
    Scenario(
        "Security",
        "P1",
        "Antivirus alert on {asset}",
        "A Sophos alert popped up on {asset} saying a threat was quarantined. "
        "{colleague} has stopped using it until we say it's safe.",
        (
            "Detection is a bundled PUA from a free PDF converter; removed it and "
            "ran a full scan, clean.",
        ),
        "Removed the unwanted PDF converter and its bundled adware; full scan clean "
        "and the device is back in use.",
        vendor=SOPHOS,
    ),
    Scenario(
        "Security",
        "P1",
        "Strange emails sent from {colleague}'s account",
        "Several of our contacts say they received an invoice email from "
        "{colleague} that they never sent.",
        (
            "Inbox rule forwarding to an external address; sign-ins from an "
            "overseas IP after an MFA fatigue prompt.",
            "Revoked sessions, reset the password, forced MFA re-registration and "
            "removed the rule. Audit log shows no data downloaded.",
        ),
        "Contained the account compromise: sessions revoked, password and MFA "
        "reset, forwarding rule removed; supplied a notice for affected contacts.",
    ),
    Scenario(
        "Security",
        "P2",
        "Unknown device on the office Wi-Fi at {site}",
        "The firewall report shows a device we don't recognise on the staff Wi-Fi at "
        "{site}.",
        ("Device is the smart TV in the staff kitchen joined with the staff key.",),
        "Moved the kitchen TV to the guest network and rotated the staff Wi-Fi key.",
        onsite=True,
    ),
    # Backup
    Scenario(
        "Backup",
        "P2",
        "Restore a deleted folder on the S: drive",
        "The Tenders 2026 folder has disappeared from S:\\Projects since yesterday "
        "afternoon. We think someone dragged it somewhere by accident.",
        ("Not moved elsewhere on the share; restoring from the nightly snapshot.",),
        "Restored the folder from the previous night's snapshot to its original "
        "location and checked its permissions.",
        question="Do you need last night's copy (10pm) or the one from the night "
        "before?",
        answer="Last night's please, nothing changed overnight.",
    ),
    Scenario(
        "Backup",
        "P3",
        "Backup failed email from last night",
        "We got an email saying last night's backup failed. Is our data safe?",
        ("Job failed on a locked VSS writer on the file server; a retry ran clean.",),
        "Fixed the failing VSS writer on the file server; the retry and the next "
        "two nightly jobs succeeded.",
        vendor=VEEAM,
    ),
    Scenario(
        "Backup",
        "P3",
        "Spreadsheet overwritten, need yesterday's version",
        "{colleague} accidentally saved over the monthly forecast spreadsheet this "
        "morning. Can we get yesterday's version back?",
        ("SharePoint version history has yesterday 4:52 pm.",),
        "Restored yesterday's version from version history alongside today's, so "
        "{colleague} can copy across this morning's changes.",
    ),
    # Printing
    Scenario(
        "Printing",
        "P3",
        "Printer at {site} jams on every job",
        "The main printer at {site} jams on nearly every job, mostly from tray 2.",
        (
            "Tray 2 pickup roller worn; fuser also reporting end of life.",
            "Parts ordered through Ricoh under the service agreement.",
        ),
        "Replaced the tray 2 pickup roller and the fuser unit; 200 test pages with "
        "no jams.",
        vendor=RICOH,
        materials=(
            ("Ricoh fuser unit", "320.00"),
            ("Ricoh paper feed roller kit", "48.00"),
        ),
        onsite=True,
    ),
    Scenario(
        "Printing",
        "P3",
        "Can't print from laptop after Windows update",
        "Since last night's updates {colleague} can't print at all; jobs sit in the "
        "queue with an error.",
        ("Update replaced the PCL6 driver with a class driver.",),
        "Reinstalled the manufacturer's driver from the print server and pinned it "
        "in policy; {colleague} prints again.",
    ),
    Scenario(
        "Printing",
        "P4",
        "Toner replacement for the printer at {site}",
        "The printer at {site} says toner is low and the prints are faded.",
        ("Stock on hand; delivering on the next visit.",),
        "Replaced the toner cartridge and cleaned the transfer roller; prints are "
        "even again.",
        materials=(("HP 26A black toner cartridge", "189.00"),),
        onsite=True,
    ),
    Scenario(
        "Printing",
        "P3",
        "Scan to email stopped working",
        "Scanning to email from the copier stopped working this week. The copier "
        "shows 'SMTP authentication failed'.",
        (
            "Copier used basic SMTP authentication, which Microsoft has switched "
            "off for the tenant.",
        ),
        "Moved the copier to the authenticated SMTP relay connector; scan to email "
        "works for all users.",
    ),
    # Phones & mobile
    Scenario(
        "Phones & mobile",
        "P2",
        "Desk phones have no dial tone at {site}",
        "None of the desk phones at {site} have a dial tone. Mobiles are fine.",
        ("Phones registered but SIP trunk down; carrier outage notice for the area.",),
        "Carrier restored the SIP trunk; calls in and out tested from {site}.",
        vendor=TELSTRA,
    ),
    Scenario(
        "Phones & mobile",
        "P4",
        "Set up a new iPhone for {colleague}",
        "{colleague} has a new work iPhone. Please set it up with email and Teams.",
        ("Device in Apple Business Manager; enrolling through Intune.",),
        "Enrolled the iPhone in Intune; Outlook, Teams and the company Wi-Fi are set "
        "up and {colleague} signed in.",
    ),
    Scenario(
        "Phones & mobile",
        "P4",
        "Voicemail to email stopped for {colleague}",
        "{colleague} no longer gets voicemails by email; the phone still shows them.",
        ("Voicemail notification address still on the old alias.",),
        "Updated the voicemail notification address; test voicemails arrive by email.",
    ),
    # Onboarding & offboarding
    Scenario(
        "Onboarding & offboarding",
        "P3",
        "New starter: {colleague} starting Monday",
        "{colleague} starts on Monday. Please set up their account, email, a laptop "
        "and access to the usual shared folders.",
        (
            "Account and licence created; laptop imaged through Autopilot.",
            "Groups copied from the team template.",
        ),
        "Created {colleague}'s account and mailbox, set up a new laptop through "
        "Autopilot and added the team's shared folders and mailboxes.",
        question="Which shared mailboxes and folders should {colleague} have?",
        answer="Same as the rest of the team, plus the reception shared mailbox.",
        materials=(
            ("Dell Latitude 5450 laptop", "1649.00"),
            ("Microsoft 365 Business Premium licence (1 month)", "36.00"),
        ),
    ),
    Scenario(
        "Onboarding & offboarding",
        "P3",
        "Staff departure: {colleague} leaving on Friday",
        "{colleague} finishes on Friday. Please disable their access at 5pm and give "
        "their manager their email.",
        ("Scheduled the disable for 5pm Friday; mailbox to convert to shared.",),
        "Disabled {colleague}'s account at 5pm Friday, converted the mailbox to "
        "shared for their manager and re-imaged {asset} for the spare pool.",
    ),
)

COLLEAGUES = (
    "Emma Walsh",
    "Jack Thompson",
    "Chloe Nguyen",
    "Liam O'Connor",
    "Noah Fraser",
    "Mia Rossi",
    "Ethan Singh",
    "Zoe Papadakis",
    "Lachlan Murray",
    "Ruby Anderson",
    "Harrison Lee",
    "Isla McKenzie",
    "Cooper Wright",
    "Matilda Brooks",
    "Aarav Patel",
    "Sienna Costa",
    "Kai Robinson",
    "Charlotte Dunn",
)

# Questions an engineer may ask when a scenario has none of its own, with the answer.
GENERIC_QUESTIONS = (
    (
        "Could you let us know a good time today to connect remotely to "
        "{colleague}'s computer?",
        "Any time after 2pm, they'll leave it signed in.",
    ),
    (
        "Is this affecting anyone else in the office, or only {colleague}?",
        "Only {colleague} as far as we can tell.",
    ),
    (
        "Could you send us a screenshot of the exact error message?",
        "It says 'Something went wrong [1001]' and then the window closes.",
    ),
    (
        "Has anything changed recently, such as a new device or a password change?",
        "{colleague} changed their password last week, nothing else.",
    ),
)

ACKNOWLEDGEMENTS = (
    "Hi {first}, thanks for the details. I've picked this up and will be in touch "
    "shortly.",
    "Hi {first}, {engineer} here. I'm looking into this now and will update you "
    "within the hour.",
    "Thanks {first}. I'm on this and will let you know as soon as I know more.",
)

OPS_ACKNOWLEDGEMENT = (
    "Hi {first}, thanks for letting us know. We've logged this and an engineer "
    "will be in touch shortly."
)

PROGRESS_UPDATES = (
    "Quick update: we've narrowed this down and are working on the fix now.",
    "Still on this; I'll update you again before the end of the day.",
    "Update: the likely cause is found, testing a fix now.",
)

# An engineer's notes once a scenario's own notes are used up.
FOLLOW_UP_NOTES = (
    "Used the details {first} sent to reproduce the fault; fix under way.",
    "Picked this up again with the new information; testing the change now.",
    "Tested the change with {first}; all good so far.",
)

CLIENT_CHASERS = (
    "Any update on this? It's holding up the team.",
    "Just checking in on this one, is there an ETA?",
    "Hi, is there anything you need from us to keep this moving?",
)

CHASER_REPLIES = (
    "Hi {first}, sorry for the wait. We're close; I expect to finish this today.",
    "Hi {first}, thanks for checking in. Nothing needed from you at the moment.",
)

OPS_TRIAGE_NOTES = (
    "Checked for related tickets; none open. Routing to {engineer}.",
    "Client has a board meeting this week, keep an eye on this one.",
    "Same symptom as a ticket last month; see the notes there for context.",
)

HAND_BACK_REASONS = (
    "Needs someone with firewall admin access; I don't have it on this client.",
    "I'm on leave from tomorrow and this won't be done today. Please reassign.",
    "This looks like a network fault rather than the laptop; better with {other}.",
)

# Why work goes back from Resolved or SVR Pending, each with what the engineer then
# did about it.

# Operations reviewing the work before an SVR goes to a client that requires it.
REVIEW_FAILURES = (
    (
        "Time entry for the onsite visit is missing; add it before the SVR goes out.",
        "Added the onsite time from the visit sheet.",
    ),
    (
        "Resolution summary doesn't say what was changed; please expand it.",
        "Rechecked the change with {first} and expanded the summary.",
    ),
)

# An engineer's own check before issuing the SVR.
SELF_CHECKS = (
    (
        "Checked again before sending the SVR and the problem came back after a "
        "restart.",
        "A startup item was undoing the change; removed it and restarted twice to "
        "confirm.",
    ),
    (
        "{first} called: still seeing it on one PC. Back to work before the SVR goes "
        "out.",
        "Fixed the remaining PC and confirmed with {first} by phone.",
    ),
)

# A client approver rejecting the SVR.
REJECTIONS = (
    (
        "It worked for a day but the problem is back this morning.",
        "Found a scheduled task reverting the fix; removed it and monitored for a day.",
    ),
    (
        "Only part of it is done: the second machine still has the same issue.",
        "Applied the same fix to the second machine and tested it with {first}.",
    ),
    (
        "The fix works in the office but not when working from home.",
        "Reproduced over the VPN, corrected the remote access policy and tested from "
        "home.",
    ),
)

# An Admin reopening a closed ticket.
REOPENINGS = (
    (
        "Fault recurred within the warranty period; reopening this ticket rather "
        "than raising a new one, agreed with {first}.",
        "Found the root cause this time and fixed it; tested with {first}.",
    ),
)

# Why an Admin closes an SVR by override: its approver has a portal login, or not.
OVERRIDE_AWAY = (
    "{approver} approved the work by email while away from the office; the email "
    "is saved on the client file."
)
OVERRIDE_NO_LOGIN = (
    "{approver} confirmed by phone that the work is complete; they have no portal "
    "login."
)

THIRD_PARTY_UPDATES = (
    "{vendor} confirmed the fault is fixed on their side (ref {ref}).",
    "{vendor} closed {ref} with their fix; ready to finish the job.",
    "{vendor} called back: {ref} resolved, written report to follow.",
)

PHONE_REPLIES = (
    "Spoke to {first} by phone: {answer}",
    "{first} rang back: {answer}",
)

ISSUE_REVIEW_NOTES = (
    "Reviewed time, materials and summary; issuing the SVR.",
    "Review done: entries match the notes. Issuing.",
)

WITHDRAW_REASONS = (
    "Sorted out on our side, no longer needed.",
    "Not needed any more, plans have changed.",
    "Raised this by mistake, please ignore.",
    "{colleague} restarted and it's fine now, thanks anyway.",
)

# Notes on time entries: the first visit, then later ones.
FIRST_TIME_NOTES = ("Diagnosis and testing", "Remote session with {first}")
ONSITE_TIME_NOTE = "Onsite at {site}"
LATER_TIME_NOTES = ("Fix applied and tested", "Follow-up checks")

SPAM = (
    (
        "Your mailbox storage is full - action required",
        "Your mailbox has exceeded its storage limit. Click here to verify your "
        "account within 24 hours or lose your messages.",
    ),
    (
        "Invoice INV-88213 overdue - view document",
        "Please find your overdue invoice attached. Open the secure document "
        "portal to view and pay.",
    ),
    (
        "Boost your Google ranking this month!!!",
        "We guarantee first page results for your business. Reply for a free audit.",
    ),
)

NOT_SERVICE_REQUESTS = (
    (
        "Automatic reply: Out of office",
        "I am out of the office until Monday with limited access to email. For "
        "urgent matters please call reception.",
    ),
    (
        "Thanks for the help yesterday",
        "Just wanted to say thanks to the team for sorting the printer so quickly "
        "yesterday.",
    ),
    (
        "Quote for five new laptops",
        "Could you send us a quote for five new laptops for the design team? No "
        "rush, it's for next quarter's budget.",
    ),
)

SPAM_NOTES = (
    "Phishing sent to the support mailbox; sender blocked in the mail filter.",
    "Marketing spam to the support mailbox. Blocked the sender.",
)

NOT_SERVICE_NOTES = (
    "Not a service request; passed to the account manager.",
    "Auto-reply picked up by the support mailbox; nothing to do.",
)

APPROVER_BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 15_6) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/19.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/19.1 Mobile/15E148 Safari/604.1",
)
