"""Fictional names for demo people. Any resemblance to a real person is chance."""

FIRST_NAMES = (  # noqa: SIM905 - a words string is easier to read and extend than a literal
    "Aaliyah Abdul Adam Aisha Alex Alfie Alice Amara Amelia Amir Ana Archie Arjun Ava Ayesha Bea Ben Bethan "
    "Blessing Caleb Callum Carys Charlie Chloe Cian Connor Daisy Daniel Darcy Deepa Dylan Eden Eleanor Eli "
    "Ellis Elsie Emeka Emily Erin Ethan Evie Ezra Faith Farah Finley Florence Freya Gabriel George Grace "
    "Hamza Hana Harper Harry Hassan Hollie Ibrahim Imani Isaac Isla Ivy Jack Jacob Jade Jamal Jasmine Jaya "
    "Jessica Joel Jonah Joseph Josh Kai Kayla Keira Kian Kofi Lacey Layla Leah Leo Lewis Liam Lily Logan "
    "Lucas Lucy Luke Maisie Malik Maria Marcus Maya Megan Mia Mohammed Morgan Nadia Naomi Nathan Niamh Noah "
    "Nora Olivia Omar Oscar Owen Phoebe Poppy Priya Quinn Rachel Reuben Riley Rosa Ruby Ryan Saanvi Sam "
    "Sara Seren Sienna Simran Sofia Sophie Stanley Tariq Tegan Theo Thomas Tobias Tyler Uma Victor Willow "
    "Yusuf Zac Zara Zoe"
).split()

LAST_NAMES = (  # noqa: SIM905
    "Abbott Adeyemi Ahmed Ali Allen Anderson Armstrong Atkinson Bailey Baker Barker Barnes Begum Bell "
    "Bennett Bibi Bird Bishop Booth Bradley Brooks Brown Burton Butler Campbell Carr Carter Chambers Chapman "
    "Clarke Cole Collins Cook Cooper Cox Davies Dawson Dixon Doherty Douglas Edwards Ellis Evans Fisher "
    "Fletcher Ford Foster Fox Francis Gibson Gill Graham Grant Gray Green Griffiths Hall Harris Hart Hayes "
    "Henderson Hill Holmes Hughes Hunt Hussain Iqbal Jackson James Jenkins Johnson Jones Kaur Kelly Khan "
    "King Knight Lane Lawrence Lee Lewis Lloyd Marsh Marshall Martin Mason Matthews Mills Mitchell Moore "
    "Morgan Morris Murphy Murray Nelson Newman Nowak Okafor Owen Palmer Parker Patel Pearson Phillips "
    "Powell Price Reid Reynolds Richards Roberts Robinson Rose Ryan Saunders Scott Shah Sharma Shaw Simpson "
    "Singh Smith Spencer Stevens Stewart Sutton Taylor Thomas Thompson Turner Walker Walsh Ward Watson "
    "Webb Wells West White Wilkinson Williams Wilson Wood Wright Young"
).split()
