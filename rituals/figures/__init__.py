"""Every figure Haven publishes, computed once with one set of anonymity rules.

- model.py: a figure, its change and trend, an item score (what every surface renders)
- finality.py: only weeks whose rounds have all closed, and that have ended, give figures
- pooling.py: small weeks pooled until k people; pools never overlap
- audit.py: a figure is published only if, with those already published, it reveals no one
- history.py: each person's answers, pooled and audited (mood and sentiment)
- items.py: the seven Edmondson item scores and the safety index
- series.py: a team's figures week by week, shared by its digests and its signals
"""
