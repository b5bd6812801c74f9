"""Invented names, places and police units for generated data: the `seed_demo` demo and the
`generate_load_data` load set (demo/load_data.py) draw from these lists. Every value is
made up; changing a list changes what a given seed produces."""

from __future__ import annotations

FIRST_NAMES = ["María", "José", "Aisha", "Nguyễn", "Li", "Jamal", "Emily", "Carlos", "Fatima", "Sam", "Priya",
               "Diego", "Keisha", "Omar", "Hannah", "Luis", "Mei", "Tariq", "Rosa", "Kwame", "Sofía", "Ahmed",
               "Grace", "Mateo", "Yusuf", "Chloe", "Andrés", "Noor", "Ethan", "Lucía", "Ibrahim", "Zoe", "Dana",
               "Malik", "Ana", "Quinn"]  # fmt: skip
LAST_NAMES = ["García", "Rodríguez", "Okafor", "Thị Lan", "Wei", "Johnson", "Walsh", "Hernández", "Haddad",
              "Kowalski", "Patel", "Ramírez", "Brown", "Farouk", "Schmidt", "Morales", "Chen", "Aziz", "Delgado",
              "Mensah", "Nowak", "Rossi", "Kim", "Ivanova", "O'Brien", "Dubois", "Silva", "Tanaka", "Abebe",
              "Cohen"]  # fmt: skip
PLACES = ["8th & Arch St", "615 Chestnut St", "Independence Mall", "7th & Cherry St", "Broad & Market",
          "City Hall, north apron", "Vine St Expressway ramp", "Rittenhouse Square", "Broad & Spring Garden"]  # fmt: skip
UNITS = ["Civil Affairs", "Bike Unit", "6th District", "SWAT", "Highway Patrol", "9th District", "Mounted Unit",
         "Strategic Response Bureau"]  # fmt: skip

# The demo's smaller cast: an encampment at the federal building, so its places are the ones
# around it. Slices of the lists above, so a given seed keeps producing the same demo.
DEMO_FIRST_NAMES = FIRST_NAMES[:32]
DEMO_LAST_NAMES = LAST_NAMES[:20]
DEMO_PLACES = [PLACES[0], PLACES[1], "Arch St entrance, federal building", PLACES[2], PLACES[3]]
DEMO_UNITS = UNITS[:6]
