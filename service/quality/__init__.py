"""Quality signals per segment and target language: which translations need a human.

One module per signal family (numbers and dates, untranslated text, script, degeneration, length
ratio, model confidence, glossary repairs), each a ``check(Target, QualityOptions)`` giving findings;
``verdict.SIGNALS`` is the table that weighs them into one score, ``review`` applies it to briefs.
"""
