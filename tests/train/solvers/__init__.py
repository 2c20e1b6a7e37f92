"""Scripted solvers: each solves one built-in exercise with the toolkit alone.

A solver gets what a trainee gets (the rendered briefs and question texts, the range's sites,
the public chain) and never the truth. Each returns {question id: answer text}.
"""
