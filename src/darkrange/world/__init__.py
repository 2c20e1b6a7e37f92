"""The world: a simulated dark web generated from a seed, with its hidden ground truth.

Only the range (sites, network) and the course (train) may import this package; the toolkit
works on what it crawls and ingests, as on the real dark web.
"""
