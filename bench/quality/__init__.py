"""The quality part of the bench: error injection into bench/data/quality and the signals' precision and recall."""
