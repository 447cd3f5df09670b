"""Language codes per model architecture.

Our API speaks ISO 639-1 (``en``, ``ja``, ``ko``); each model family names
languages its own way and wants them in a different place:

- Marian (OPUS-MT): one target per model, or a ``>>xxx<<`` token at the start
  of the *source* for multi-target models (``opus-tatoeba-en-ja`` uses ``>>jpn<<``).
  Which token is taken from the spec's ``lang_token`` when set, else looked up
  in the tokenizer vocabulary (no ``>>..<<`` tokens there = single target).
- M2M100: ``tokenizer.src_lang = "en"`` and a forced first target token ``__ja__``.
- NLLB: ``eng_Latn`` / ``jpn_Jpan`` / ``kor_Hang``, same mechanism as M2M100.
- mBART-50: ``en_XX`` / ``ja_XX`` / ``ko_KR``, same mechanism.

Engines apply a :class:`LanguagePlan`: the transformers engine passes
``target_token`` as ``forced_bos_token_id``, the ctranslate2 engine as ``target_prefix``.
"""
from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from service.errors import UnknownLanguageError, UnsupportedPairError

ISO639_3 = {
    "en": "eng", "ja": "jpn", "ko": "kor", "zh": "zho", "fr": "fra", "de": "deu", "es": "spa",
    "pt": "por", "it": "ita", "ru": "rus", "vi": "vie", "th": "tha", "id": "ind", "ar": "ara",
}
# Multi-target OPUS models also use macro-language or script variants of the code.
MARIAN_ALIASES = {"zh": ("cmn_Hans", "cmn", "zho_Hans"), "ja": ("jpn_Jpan",), "ko": ("kor_Hang",)}
NLLB = {
    "en": "eng_Latn", "ja": "jpn_Jpan", "ko": "kor_Hang", "zh": "zho_Hans", "fr": "fra_Latn",
    "de": "deu_Latn", "es": "spa_Latn", "pt": "por_Latn", "it": "ita_Latn", "ru": "rus_Cyrl",
    "vi": "vie_Latn", "th": "tha_Thai", "id": "ind_Latn", "ar": "arb_Arab",
}
MBART50 = {
    "en": "en_XX", "ja": "ja_XX", "ko": "ko_KR", "zh": "zh_CN", "fr": "fr_XX", "de": "de_DE",
    "es": "es_XX", "pt": "pt_XX", "it": "it_IT", "ru": "ru_RU", "vi": "vi_VN", "th": "th_TH",
    "id": "id_ID", "ar": "ar_AR",
}
FORCED_BOS_ARCHITECTURES = ("m2m100", "nllb", "mbart50")


@dataclass(frozen=True)
class LanguagePlan:
    """How one request names its languages to one model."""

    source_prefix: str = ""  # text prepended to every source sentence (Marian ``>>jpn<<``)
    src_lang: str | None = None  # value for ``tokenizer.src_lang``
    target_token: str | None = None  # forced first target token (M2M100, NLLB, mBART-50)


def check_code(code: str) -> str:
    """Return ``code`` when it is a language code we know; UnknownLanguageError otherwise."""
    if code not in ISO639_3:
        raise UnknownLanguageError(f"unknown language code {code!r}; known: {', '.join(sorted(ISO639_3))}")
    return code


def model_code(architecture: str, code: str) -> str:
    """The model family's name for ISO code ``code`` (``jpn_Jpan`` for NLLB ``ja``)."""
    check_code(code)
    if architecture == "nllb":
        return NLLB[code]
    if architecture == "mbart50":
        return MBART50[code]
    if architecture == "m2m100":
        return code
    return ISO639_3[code]


def token_for(architecture: str, code: str) -> str:
    """The vocabulary token that names ``code`` for a forced-BOS architecture."""
    name = model_code(architecture, code)
    return f"__{name}__" if architecture == "m2m100" else name


def plan_for(
    architecture: str, source: str, target: str, vocab: Container[str], lang_token: str = ""
) -> LanguagePlan:
    """The language plan for translating ``source`` -> ``target`` with a model whose
    tokenizer vocabulary is ``vocab``. UnsupportedPairError when the model lacks a language."""
    check_code(source)
    check_code(target)
    if architecture in FORCED_BOS_ARCHITECTURES:
        src_token, tgt_token = token_for(architecture, source), token_for(architecture, target)
        for token in (src_token, tgt_token):
            if token not in vocab:
                raise UnsupportedPairError(f"this {architecture} model has no language token {token}")
        return LanguagePlan(src_lang=model_code(architecture, source), target_token=tgt_token)
    if architecture == "marian":
        token = lang_token or marian_target_token(target, vocab)
        return LanguagePlan(source_prefix=f"{token} " if token else "")
    return LanguagePlan()


def marian_target_token(target: str, vocab: Container[str]) -> str:
    """The ``>>xxx<<`` token a multi-target Marian vocabulary has for ``target``, or ""
    for a single-target model (one without such tokens)."""
    names = (ISO639_3[target], target, *MARIAN_ALIASES.get(target, ()))
    for name in names:
        if f">>{name}<<" in vocab:
            return f">>{name}<<"
    if _has_language_tokens(vocab):
        raise UnsupportedPairError(f"this multi-target Marian model has no target token for {target!r}")
    return ""


def _has_language_tokens(vocab: Container[str]) -> bool:
    if isinstance(vocab, Iterable):
        return any(isinstance(t, str) and t.startswith(">>") and t.endswith("<<") for t in vocab)
    return False
