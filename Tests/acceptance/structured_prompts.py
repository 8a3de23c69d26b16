"""Prompts and a strict JSON Schema shared by the structured-output tests and Benchmarks/structured_output.py."""

from __future__ import annotations

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "city": {"type": "string"},
        "employed": {"type": "boolean"},
        "mood": {"enum": ["happy", "sad", "neutral"]},
        "hobbies": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
        "pet": {"type": ["object", "null"], "properties": {"kind": {"type": "string"}, "legs": {"type": "integer"}},
                "required": ["kind", "legs"], "additionalProperties": False},
    },
    "required": ["name", "age", "city", "employed", "mood", "hobbies", "pet"],
    "additionalProperties": False,
}

RESPONSE_FORMAT = {"type": "json_schema", "json_schema": {"name": "person", "strict": True, "schema": SCHEMA}}

PEOPLE = [
    "Alice, a 34-year-old baker in Paris who loves cycling", "Bob, a retired teacher from Leeds with a dog",
    "Chen, a 25-year-old engineer in Shanghai who plays chess", "Dana, an unemployed actor in Los Angeles",
    "Emeka, a doctor in Lagos who enjoys football and music", "Fatima, a 19-year-old student in Cairo",
    "Giulia, a painter in Rome who has a cat", "Hiro, a sad 40-year-old salaryman in Tokyo",
    "Ines, a 52-year-old farmer in Porto with three hens", "Jonas, a happy programmer in Berlin who runs",
    "Kofi, a musician in Accra who plays the drums", "Lena, a nurse in Oslo who skis every weekend",
    "Mateo, a 7-year-old boy in Madrid with a hamster", "Nadia, a pilot in Dubai who reads novels",
    "Olga, a chemist in Kyiv who grows tomatoes", "Pierre, a chef in Lyon, employed, with a parrot",
    "Quinn, a 30-year-old nurse in Dublin who sings", "Ravi, a taxi driver in Mumbai who loves cricket",
    "Sara, a librarian in Stockholm with a goldfish", "Tomás, a fisherman in Valparaíso who likes to swim",
]

PROMPTS = [f"Describe {person} as a JSON object with the fields name, age, city, employed, mood, hobbies and pet."
           for person in PEOPLE]
