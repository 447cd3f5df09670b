"""The translator stack and per-process resources: models and stores loaded once (``resources``),
request deadlines and model slots (``request_budget``), the cross-request micro-batcher
(``batching``) and the store-backed caches (``store_cache``, ``translation_cache``, ``summary_cache``)."""
