"""The SleepLM model family (``sleeplm-base``, ``sleeplm-mini``) in plain torch.

Public API::

    model = create_model("sleeplm-mini")            # fresh weights
    model = load_model("assets/models/sleeplm-mini")  # our folders
    model = SleepLM.from_pretrained("model_checkpoint.pt", config="config.json")
    emb = model.encode_signals(epochs)               # [N, E], L2-normalised
    txt = model.encode_text(["N3 deep sleep"])       # [M, E]
    caps = model.caption(epochs, "brain")            # list[Caption]
    model_fingerprint(model)                          # sha256 of the weights
"""

from sleeplm_core.model.checkpoint import LoadReport, load_model, model_fingerprint, read_state_dict
from sleeplm_core.model.config import MODALITIES, ModelConfig, config_from_dict, load_config
from sleeplm_core.model.factory import NAMED_CONFIGS, create_model, resolve_config
from sleeplm_core.model.generation import Caption
from sleeplm_core.model.sleeplm import SleepLM

__all__ = [
    "Caption", "LoadReport", "MODALITIES", "ModelConfig", "NAMED_CONFIGS", "SleepLM", "config_from_dict",
    "create_model", "load_config", "load_model", "model_fingerprint", "read_state_dict", "resolve_config",
]
