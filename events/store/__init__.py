"""The durable event store: one SQLite file, an append-only hash chain of a log's rows.

``rows`` is what a row holds and its hash; ``chain`` the SQLite file and its appends; ``verify`` finds
the first broken link; ``view`` reads the log the rows hold (now or as recorded at a time) and what
to append to make it hold another; ``export`` writes a store as one YAML log and reads it back;
``bench`` is several processes appending at once. Each imports only those named before it.
"""
