"""The batch encoder a library build uses: a model's epoch embeddings and, from a
dense-token model, its grounding of each epoch (stage and per-bin event readings)."""

from __future__ import annotations

import numpy as np

from sleeplm_core.heads.encoder import TextEncoder, encode_dense, encode_epochs
from sleeplm_core.heads.grounding import Grounder
from sleeplm_core.heads.models import LoadedModel
from sleeplm_core.index.build import EncodeBatch, Encoded


def library_encoder(loaded: LoadedModel) -> EncodeBatch:
    """Encodes batches of model-ready epochs with ``loaded``'s model, in one pass."""
    grounder = Grounder.for_model(loaded.model, loaded.logit_scale, TextEncoder(loaded.model))

    def encode(chunk: np.ndarray, mask: np.ndarray, spo2: np.ndarray | None) -> Encoded:
        if grounder is None:
            return Encoded(encode_epochs(loaded.model, chunk, mask, len(chunk), spo2=spo2))
        vectors, dense = encode_dense(loaded.model, chunk, mask, len(chunk), spo2=spo2)
        return Encoded(vectors, grounder.read(vectors, dense))

    return encode
