"""``python -m bench [--quick]``: the service's speed, measured side by side in one run.

Random-weight models at the real dimensions of the default translation models
(opus-mt base: d_model 512, 6+6 layers, ffn 2048, 8 heads) are built from the
tiny models' tokenizers, so no hub is needed; output length is fixed so every
path does the same work. Parts: ``translation`` (naive, transformers engine, the
default ctranslate2 path, the raw engine limit), ``service`` (gunicorn under
concurrent clients, cross-request batching on and off; single-client latency),
``brief`` (time per pipeline stage) and ``many`` (briefs of many articles in one
call). ``concurrent_briefs`` is the older stand-alone concurrency benchmark.
"""
