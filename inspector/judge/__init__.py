"""Judgement: run the checks over a stored run, score it, track findings across runs."""
