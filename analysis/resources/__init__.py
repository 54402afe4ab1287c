"""Data files read at run time (cue verbs, lexicons, frame schemes); see README.md in this folder."""
