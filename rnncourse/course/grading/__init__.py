"""Grading a class safely: a policy over the answers, a sandbox per kernel, normalised submissions."""
