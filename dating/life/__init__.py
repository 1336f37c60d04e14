"""Dating's pure side: bios, the dating pool, compatibility and the relationship specials.

Django-free like the engine it plugs into (it runs in the engine's worker processes too): state and
content in, results out; randomness keyed by the life's seed and the person, never sequential.
"""
